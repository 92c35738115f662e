"""`orchestrator db maintain` killed with -9 while it holds a table's lease, and two maintainers at once.

The run to kill is stopped deterministically: a small bootstrap (``_HOLDER``) patches the compaction of the
tasks table to announce itself and sleep, so the test kills it exactly while it holds the lease.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import textwrap
from datetime import datetime
from pathlib import Path

from deltalake import DeltaTable

from core.models import utcnow
from storage.delta import DeltaStore
from tests.contract.samples import WS, task

ROOT = Path(__file__).resolve().parents[2]
_TIMEOUT = 60.0  # seconds; a hung process fails the test instead of hanging the suite

_HOLDER = textwrap.dedent(
    """
    import os, time
    from datetime import timedelta
    import storage.delta.leases as leases
    leases.LEASE_TTL = timedelta(seconds=float(os.environ["TEST_LEASE_TTL"]))
    leases.HEARTBEAT = timedelta(seconds=float(os.environ["TEST_LEASE_BEAT"]))
    from storage.delta.maintenance import Maintainer
    compact = Maintainer._optimize_sync
    def stall(table):
        if table.name == "tasks":
            print("HOLDING tasks", flush=True)
            time.sleep(600)
        return compact(table)
    Maintainer._optimize_sync = staticmethod(stall)
    from bot.cli import app
    app(["db", "maintain"], prog_name="orchestrator")
    """
)


async def _seed(data: Path, n: int = 3) -> None:
    """``n`` tasks in ``n`` commits: a tasks table with several files, so a run compacts it."""
    store = DeltaStore(str(data), auto_maintain_files=0)
    await store.open()
    try:
        for i in range(n):
            await store.tasks.create(task(f"seeded {i}"))
    finally:
        await store.close()


def _env(data: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "ORCHESTRATOR_STORAGE_URL": str(data), "COLUMNS": "200", **extra}


async def _start_holder(data: Path, *, ttl: float, beat: float) -> asyncio.subprocess.Process:
    """A `db maintain` that stops while holding the tasks lease (returns once it is there)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        _HOLDER,
        cwd=ROOT,
        env=_env(data, TEST_LEASE_TTL=str(ttl), TEST_LEASE_BEAT=str(beat)),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None
    try:
        async with asyncio.timeout(_TIMEOUT):
            while (line := await proc.stdout.readline()) != b"HOLDING tasks\n":
                if not line:
                    _, err = await proc.communicate()
                    raise AssertionError(f"the holder ended early: {err.decode()[-3000:]}")
    except BaseException:
        await _kill(proc)
        raise
    return proc


async def _kill(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        os.kill(proc.pid, signal.SIGKILL)
        await proc.wait()  # reaped: the pid is gone, not a zombie


async def _maintain(data: Path) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "db",
        "maintain",
        cwd=ROOT,
        env=_env(data),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), _TIMEOUT)
    finally:
        await _kill(proc)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


def _tasks_lease(data: Path) -> tuple[dict[str, object], datetime]:
    rows = DeltaTable(str(data / "orchestrator" / "maintenance_leases")).to_pyarrow_table().to_pylist()
    (row,) = [r for r in rows if r["id"] == "tasks"]
    return json.loads(str(row["holder"])), row["expires_at"]


def _maintained(stdout: str) -> set[str]:
    return {line.split("│")[1].strip() for line in stdout.splitlines() if line.count("│") > 2}


async def _task_titles(data: Path) -> list[str]:
    store = DeltaStore(str(data), auto_maintain_files=0)
    await store.open()
    try:
        from core.store import TaskQuery

        page = await store.tasks.list(WS, TaskQuery(limit=100, include_deleted=True))
        return sorted(t.title for t in page.items)
    finally:
        await store.close()


async def test_a_run_killed_while_holding_the_lease_does_not_block_the_next(tmp_path: Path) -> None:
    data = tmp_path / "data"
    await _seed(data)
    holder = await _start_holder(data, ttl=30, beat=5)
    try:
        lease, expires = await asyncio.to_thread(_tasks_lease, data)
        assert lease["pid"] == holder.pid and expires > utcnow()  # killed while the lease is live
    finally:
        await _kill(holder)

    code, out, err = await _maintain(data)

    assert code == 0, out + err
    assert "Skipped" not in out
    assert "tasks" in _maintained(out)
    assert "took over the maintenance lease of tasks" in err  # the log says what happened
    lease, expires = await asyncio.to_thread(_tasks_lease, data)
    assert lease["pid"] != holder.pid and expires <= utcnow()  # the new run released it
    assert await _task_titles(data) == ["seeded 0", "seeded 1", "seeded 2"]


async def test_a_live_maintainer_keeps_its_lease_and_a_second_run_reports_the_skip(tmp_path: Path) -> None:
    data = tmp_path / "data"
    await _seed(data)
    # A lease of 1 s renewed every 0.2 s: waiting past it shows the renewals, not the first claim, hold it.
    holder = await _start_holder(data, ttl=1.0, beat=0.2)
    try:
        await asyncio.sleep(2.5)
        code, out, err = await _maintain(data)

        assert code == 75, out + err
        assert f"Skipped tasks: process {holder.pid} on " in out and " UTC" in out
        assert "tasks" not in _maintained(out)
        assert "users" in _maintained(out)  # the other tables were still maintained
        assert "not maintaining tasks" in err
        assert await _task_titles(data) == ["seeded 0", "seeded 1", "seeded 2"]
    finally:
        await _kill(holder)

    code, out, err = await _maintain(data)
    assert code == 0, out + err
    assert "tasks" in _maintained(out)
    assert await _task_titles(data) == ["seeded 0", "seeded 1", "seeded 2"]
