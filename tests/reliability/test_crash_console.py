"""The console killed with -9 in the middle of a stream of creates, on every backend.

`python -m bot chat` reads `add …` lines from a pipe (as tests/test_console_e2e.py runs it). The test reads
the replies, and once enough creates are acknowledged ("Created T-n." and the task's line) kills the process
while it is still working through the rest, restarts it, and repeats. Afterwards every acknowledged create
must be stored under the number it was acknowledged with, with its audit event; no title may be stored twice;
and numbers must keep growing across restarts, never reused.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

import pytest

from core.models import AuditAction, EntityType
from core.store import TaskQuery
from storage.factory import open_store
from tests.contract.backends import BACKENDS, Backend

ROOT = Path(__file__).resolve().parents[2]
WORKSPACE = "local"  # the console's default workspace
_TIMEOUT = 60.0  # seconds per console run; a hung console fails the test instead of hanging the suite
_LINES = 120  # creates piped into each run (a crashed run gets through only part of them)
_KILL_AFTER = (25, 40)  # acknowledged creates before each kill -9; a last run then ends normally

_CREATED = re.compile(r"^Created T-(\d+)\.$")
_LISTED = re.compile(r"^\[ \] T-(\d+)  (\S+)")


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:]


def _title(run: int, line: int) -> str:
    return f"crash-run{run}-line{line}"


def _round_of(title: str) -> int:
    return int(title.split("-")[1].removeprefix("run"))


@pytest.fixture(params=BACKENDS, ids=lambda b: b.name)
def backend(request: pytest.FixtureRequest) -> Backend:
    chosen: Backend = request.param
    return chosen


async def _console(
    url: str, titles: list[str], log: Path, *, kill_after: int | None
) -> list[tuple[int, str]]:
    """Pipe one `add` per title into a console; the (number, title) of every acknowledged create.

    With ``kill_after``, the console is killed with -9 right after that many acknowledgements (stdin stays
    open, so it is still busy with the next lines); without it, stdin is closed and the console must exit 0.
    """
    with log.open("ab") as errors:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "chat",
            "--user",
            "alice",
            "--tz",
            "UTC",
            cwd=ROOT,
            env={**os.environ, "ORCHESTRATOR_STORAGE_URL": url, "PYTHONUNBUFFERED": "1"},
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=errors,  # a file, not a pipe nobody reads: logs can never stall the console
        )
    assert proc.stdin is not None and proc.stdout is not None
    acked: list[tuple[int, str]] = []
    try:
        proc.stdin.write("".join(f"add {t}\n" for t in titles).encode())
        await proc.stdin.drain()
        if kill_after is None:
            proc.stdin.close()
        created: int | None = None
        async with asyncio.timeout(_TIMEOUT):
            while line := (await proc.stdout.readline()).decode():
                if match := _CREATED.match(line.rstrip("\n")):
                    created = int(match[1])
                elif created is not None and (match := _LISTED.match(line)) and int(match[1]) == created:
                    acked.append((created, match[2]))
                    created = None
                    if len(acked) == kill_after:
                        os.kill(proc.pid, signal.SIGKILL)
                        break
            await proc.wait()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    if kill_after is None:
        assert proc.returncode == 0, _tail(log)
        assert len(acked) == len(titles), "a console run that was not killed acknowledges every create"
    else:
        assert proc.returncode == -signal.SIGKILL, f"the console ended by itself: {_tail(log)}"
    return acked


async def test_every_acknowledged_create_survives_kill_9(backend: Backend, tmp_path: Path) -> None:
    log = tmp_path / "console-stderr.log"
    async with backend.location(tmp_path) as url:
        rounds: list[list[tuple[int, str]]] = []
        for r, kill_after in enumerate((*_KILL_AFTER, None)):
            count = _LINES if kill_after is not None else 5
            titles = [_title(r, i) for i in range(count)]
            acked = await _console(url, titles, log, kill_after=kill_after)
            assert [t for _, t in acked] == titles[: len(acked)]  # replies come in order, one per line
            rounds.append(acked)

        store = open_store(url, auto_maintain_files=0)
        await store.open()
        try:
            page = await store.tasks.list(WORKSPACE, TaskQuery(include_deleted=True, limit=1000))
            events = await store.audit.list(WORKSPACE, limit=5000)
        finally:
            await store.close()

    stored = {t.number: t for t in page.items}
    assert page.total == len(page.items) == len(stored)  # one row per number
    titles = [t.title for t in page.items]
    assert len(titles) == len(set(titles)), "a create was stored twice"
    sent = {_title(r, i) for r in range(len(rounds)) for i in range(_LINES)}
    assert set(titles) <= sent

    acked = [pair for run in rounds for pair in run]
    for number, title in acked:
        assert number in stored and stored[number].title == title, f"acknowledged T-{number} {title} is lost"

    # Numbers keep growing across restarts: a restarted console never hands out a number again, not even
    # one a killed run took for a create it never acknowledged.
    for r, run in enumerate(rounds[1:], start=1):
        landed_before = [n for n, t in stored.items() if _round_of(t.title) < r]
        assert min(n for n, _ in run) > max(landed_before)

    # The audit invariant (docs/audit.md): every stored create has its event, exactly once.
    created = [e for e in events if e.action == AuditAction.create and e.entity_type == EntityType.task]
    assert sorted(e.entity_id for e in created) == sorted(t.id for t in page.items)
