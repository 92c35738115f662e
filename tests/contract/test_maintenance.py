"""info() and maintain(): table statistics, and maintenance that never changes the data."""

from __future__ import annotations

import asyncio

from core.models import utcnow
from core.store import Store, TaskQuery
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
