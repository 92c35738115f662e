"""Concurrent writers: edits of different fields of the same rows both survive."""

from __future__ import annotations

import asyncio

from core.models import Priority
from core.store import Store
from storage.factory import open_store
from tests.contract.processes import run_workers
from tests.contract.samples import WS, task


async def test_two_store_instances_editing_different_fields(store: Store, store_url: str) -> None:
    created = await store.tasks.create_many([task(f"t{i}") for i in range(8)])
    second = open_store(store_url)
    await second.open()
    try:

        async def edit(s: Store, changes: dict[str, object]) -> None:
            for t in created:
                await s.tasks.update(WS, t.id, changes)

        await asyncio.gather(
            edit(store, {"priority": Priority.critical}),
            edit(second, {"description": "from the second writer"}),
        )
    finally:
        await second.close()
    for t in created:
        stored = await store.tasks.get(WS, t.id)
        assert stored is not None
        assert (stored.priority, stored.description) == (Priority.critical, "from the second writer")


async def test_two_processes_editing_different_fields_lose_nothing(store: Store, store_url: str) -> None:
    created = await store.tasks.create_many([task(f"t{i}") for i in range(15)])
    ids = [t.id for t in created]
    a, b = await run_workers(
        [store_url, "update", WS, "title", "A", *ids],
        [store_url, "update", WS, "description", "B", *ids],
    )
    assert a == b == ids
    for task_id in ids:
        stored = await store.tasks.get(WS, task_id)
        assert stored is not None
        assert (stored.title, stored.description) == (f"A-{task_id}", f"B-{task_id}")
