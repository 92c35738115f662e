"""info() and maintain(): table statistics, and maintenance that never changes the data."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from core.models import utcnow
from core.store import Store, TaskQuery
from storage.delta import DeltaStore
from storage.delta.leases import Holder, MaintenanceLeases
from storage.delta.schema import LEASES, SCHEMA_NAME
from storage.delta.table import DeltaEntityTable
from storage.factory import open_store
from tests.contract.backends import Backend
from tests.contract.samples import WS, project, task

ENTITY_TABLES = {
    "workspaces",
    "users",
    "projects",
    "tasks",
    "integrations",
    "conversations",
    "audit_events",
    "agent_logs",
    "sync_logs",
}


async def test_info_describes_every_table(store: Store) -> None:
    await store.tasks.create_many([task("a"), task("b"), task("c")])
    await store.projects.create(project())
    infos = {i.name: i for i in await store.info()}
    assert ENTITY_TABLES <= set(infos)
    assert (infos["tasks"].rows, infos["projects"].rows, infos["users"].rows) == (3, 1, 0)
    assert infos["tasks"].files >= 1 and infos["tasks"].version >= 1
    assert all(i.location for i in infos.values())


async def test_maintain_after_many_small_commits_keeps_the_data(store: Store, backend: Backend) -> None:
    created = [await store.tasks.create(task(f"t{i}", tags=[f"x{i % 3}"])) for i in range(30)]
    for t in created[:5]:
        await store.tasks.update(WS, t.id, {"status": "completed", "completed_at": utcnow()})
    await store.tasks.update(WS, created[5].id, {"deleted_at": utcnow()})
    everything = TaskQuery(include_deleted=True, limit=100, sort="number")  # type: ignore[arg-type]
    before = await store.tasks.list(WS, everything)
    files_before = {i.name: i.files for i in await store.info()}["tasks"]

    reports = {r.table: r for r in await store.maintain(force=True)}

    report = reports["tasks"]
    assert report.files_before == files_before
    assert report.files_after <= report.files_before
    assert report.seconds >= 0
    if backend.compacts_files:
        assert report.compacted and report.checkpointed
        assert report.files_after < report.files_before
    assert {i.name: i.files for i in await store.info()}["tasks"] == report.files_after
    after = await store.tasks.list(WS, everything)
    assert after == before
    assert (await store.tasks.create(task("next"))).number == 31
    # Nothing is past the threshold any more, so an unforced run leaves the tasks table alone.
    assert "tasks" not in {r.table for r in await store.maintain()}


async def test_two_stores_maintaining_at_once_never_duplicate_rows(store: Store, store_url: str) -> None:
    made = [await store.tasks.create(task(f"t{i}")) for i in range(25)]
    second = open_store(store_url)
    await second.open()
    try:
        await asyncio.gather(store.maintain(force=True), second.maintain(force=True))
        await asyncio.gather(store.maintain(force=True), second.maintain(force=True))
    finally:
        await second.close()
    page = await store.tasks.list(WS, TaskQuery(limit=100, include_deleted=True))
    assert page.total == 25
    assert sorted(t.id for t in page.items) == sorted(t.id for t in made)
    assert {i.name: i.rows for i in await store.info()}["tasks"] == 25


# -- Delta's maintenance leases (SQL needs none: one statement per table, under the database's own locks) ---


async def _delta_with_tasks(tmp_path: Path) -> DeltaStore:
    store = DeltaStore(str(tmp_path / "delta"), auto_maintain_files=0)
    await store.open()
    for i in range(3):
        await store.tasks.create(task(f"t{i}"))  # three commits: three files to compact
    return store


async def _leases_of(tmp_path: Path, holder: Holder, *, ttl: timedelta) -> MaintenanceLeases:
    """The leases of another store instance, as ``holder``."""
    table = DeltaEntityTable(LEASES, str(tmp_path / "delta" / SCHEMA_NAME / LEASES.name))
    await table.open()
    leases = MaintenanceLeases(table, ttl=ttl)
    leases.holder = holder
    return leases


async def test_a_lease_held_elsewhere_skips_the_table_until_it_runs_out(tmp_path: Path) -> None:
    store = await _delta_with_tasks(tmp_path)
    try:
        elsewhere = Holder("x", pid=4242, host="other-machine", space="its-kernel")
        # Far longer than a forced maintenance of every table, however busy the machine.
        other = await _leases_of(tmp_path, elsewhere, ttl=timedelta(minutes=5))
        assert await other.claim("tasks") is None

        reports = {r.table: r for r in await store.maintain(force=True)}

        skipped = reports["tasks"]
        assert skipped.skipped_by == "process 4242 on other-machine"
        assert skipped.lease_expires_at is not None and skipped.lease_expires_at > utcnow()
        assert not skipped.compacted and skipped.files_after == skipped.files_before == 3
        assert reports["users"].skipped_by is None  # only that table waits
        # That machine's process stopped renewing (it died): once its lease runs out the table is ours. Its
        # last renewal is made short here, so the test waits for an expiry without racing one.
        last = await _leases_of(tmp_path, elsewhere, ttl=timedelta(milliseconds=200))
        assert await last.claim("tasks") is None
        await asyncio.sleep(0.3)
        report = {r.table: r for r in await store.maintain(force=True)}["tasks"]
        assert report.skipped_by is None and report.compacted and report.files_after == 1
    finally:
        await store.close()


async def test_a_lease_of_a_process_that_ended_on_this_machine_is_taken_over_at_once(tmp_path: Path) -> None:
    store = await _delta_with_tasks(tmp_path)
    try:
        ended = await asyncio.create_subprocess_exec(sys.executable, "-c", "pass")
        await ended.wait()  # reaped: its pid names no process now
        here = Holder.here()
        hour = timedelta(hours=1)
        dead = await _leases_of(tmp_path, Holder("x", ended.pid, here.host, here.space), ttl=hour)
        alive = await _leases_of(tmp_path, Holder("y", os.getpid(), here.host, here.space), ttl=hour)
        assert await dead.claim("tasks") is None
        assert await alive.claim("projects") is None

        reports = {r.table: r for r in await store.maintain(force=True)}

        assert reports["tasks"].skipped_by is None and reports["tasks"].compacted
        # A live process's lease is respected however it was taken.
        assert reports["projects"].skipped_by == f"process {os.getpid()} on {here.host}"
        page = await store.tasks.list(WS, TaskQuery(limit=100, include_deleted=True))
        assert page.total == 3
    finally:
        await store.close()


def test_lease_holders_round_trip_and_old_rows_still_read() -> None:
    here = Holder.here()
    assert Holder.decode(here.encode()) == here
    legacy = Holder.decode("3f2a9c")  # rows written before holders named their process
    assert legacy == Holder("3f2a9c") and not legacy.is_dead()
    assert legacy.describe() == "holder 3f2a9c"


def _data_files(folder: Path) -> int:
    return len(list(folder.glob("*.parquet")))


async def test_the_lease_table_sheds_the_files_its_claims_replace(tmp_path: Path) -> None:
    leases = await _leases_of(tmp_path, Holder.here(), ttl=timedelta(seconds=30))
    for _ in range(5):
        assert await leases.claim("tasks") is None
        await leases.release("tasks")
    folder = tmp_path / "delta" / SCHEMA_NAME / LEASES.name
    assert _data_files(folder) == 10  # each claim and release rewrote the row's file

    assert await leases.vacuum(retention_hours=0) == 9

    assert _data_files(folder) == 1
    assert await leases.claim("tasks") is None


async def test_background_maintenance_leaves_a_table_held_elsewhere_alone(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = DeltaStore(str(tmp_path / "delta"), auto_maintain_files=2)
    await store.open()
    try:
        elsewhere = Holder("x", pid=4242, host="other-machine", space="its-kernel")
        other = await _leases_of(tmp_path, elsewhere, ttl=timedelta(seconds=30))
        assert await other.claim("tasks") is None
        caplog.set_level(logging.INFO, logger="storage.delta.maintenance")

        for i in range(8):  # past the threshold from the third write on
            await store.tasks.create(task(f"t{i}"))
            await store.maintenance_idle()

        skips = [r for r in caplog.records if r.getMessage().startswith("not maintaining tasks")]
        assert len(skips) == 1  # tried once, then left alone while that lease runs: no claim per write
        assert skips[0].levelno == logging.INFO  # routine between replicas
        assert {i.name: i.files for i in await store.info()}["tasks"] == 8
    finally:
        await store.close()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="process states are read from Linux's /proc")
def test_a_holder_that_exited_but_was_not_reaped_counts_as_ended() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])  # Popen never reaps on its own: a zombie
    try:
        deadline = time.monotonic() + 20
        while Path(f"/proc/{proc.pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z":
            assert time.monotonic() < deadline, "the child never exited"
            time.sleep(0.01)
        here = Holder.here()
        assert Holder("z", proc.pid, here.host, here.space).is_dead()
        assert not Holder("me", os.getpid(), here.host, here.space).is_dead()
        assert not Holder("far", proc.pid, "other-machine", "its-kernel").is_dead()  # not ours to judge
    finally:
        proc.wait()
