"""Run ``tests.contract.worker`` processes that start writing at the same moment."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


_TIMEOUT = 180.0  # seconds; a hung worker fails the test instead of hanging the suite (2×500 Delta commits
# that race each other take ~40 s on a quiet 2-core machine, more when it is shared)


async def run_workers(*argvs: list[str]) -> list[Any]:
    """Start one worker per argv, wait until all are ready, release them together, return their results."""
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.contract.worker",
            *argv,
            cwd=ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for argv in argvs
    ]
    try:
        for proc in procs:
            assert proc.stdout is not None
            line = await asyncio.wait_for(proc.stdout.readline(), _TIMEOUT)
            if line.strip() != b"ready":
                _, err = await proc.communicate()
                raise AssertionError(f"worker failed to start: {line!r} {err.decode()[-2000:]}")
        outputs = await asyncio.wait_for(
            asyncio.gather(*(proc.communicate(b"go\n") for proc in procs)), _TIMEOUT
        )
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    results = []
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err.decode()[-3000:]
        results.append(json.loads(out.decode().strip().splitlines()[-1]))
    return results
