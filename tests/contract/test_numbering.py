"""Short numbers (T-n, P-n): per workspace, gap-free in one process, unique under concurrent writers."""

from __future__ import annotations

import asyncio

from core.models import Task
from core.store import Store, TaskQuery
from storage.factory import open_store
from tests.contract.processes import run_workers
from tests.contract.samples import OTHER, WS, project, task


async def test_each_workspace_starts_at_one(store: Store) -> None:
    a1 = await store.tasks.create(task("a1"))
    b1 = await store.tasks.create(task("b1", workspace_id=OTHER))
    a2 = await store.tasks.create(task("a2"))
    b_many = await store.tasks.create_many([task("b2", workspace_id=OTHER), task("b3", workspace_id=OTHER)])
    c1 = await store.tasks.create(task("c1", workspace_id="third"))
    assert [a1.number, a2.number] == [1, 2]
    assert [b1.number, *(t.number for t in b_many)] == [1, 2, 3]
    assert c1.ref == "T-1"
    assert (await store.tasks.get_by_number(OTHER, 2)) == b_many[0]


async def test_projects_and_tasks_count_separately(store: Store) -> None:
    p = await store.projects.create(project("P"))
    t = await store.tasks.create(task("T"))
    assert (p.ref, t.ref) == ("P-1", "T-1")


async def test_numbers_are_never_reused_after_soft_delete(store: Store) -> None:
    from core.models import utcnow

    first = await store.tasks.create(task("first"))
    await store.tasks.update(WS, first.id, {"deleted_at": utcnow()})
    second = await store.tasks.create(task("second"))
    assert second.number == 2


async def test_a_given_number_on_the_model_is_ignored(store: Store) -> None:
    created = await store.tasks.create(task("x", number=41))
    assert created.number == 1


async def test_concurrent_creates_in_one_process_get_distinct_numbers(store: Store) -> None:
    created = await asyncio.gather(*(store.tasks.create(task(f"t{i}")) for i in range(20)))
    assert sorted(t.number for t in created) == list(range(1, 21))


async def test_two_store_instances_in_one_process_get_distinct_numbers(store: Store, store_url: str) -> None:
    second = open_store(store_url)
    await second.open()
    try:

        async def make(s: Store, label: str) -> list[int]:
            return [(await s.tasks.create(task(f"{label}{i}"))).number for i in range(15)]

        a, b = await asyncio.gather(make(store, "a"), make(second, "b"))
    finally:
        await second.close()
    assert sorted(a + b) == list(range(1, 31))
    page = await store.tasks.list(WS, TaskQuery(limit=100))
    assert page.total == 30


async def test_two_processes_creating_at_once_get_200_distinct_numbers(store: Store, store_url: str) -> None:
    await store.tasks.create(task("seed", workspace_id=OTHER))  # another workspace must not interfere
    a, b = await run_workers(
        [store_url, "create", WS, "100", "a"],
        [store_url, "create", WS, "100", "b"],
    )
    assert len(a) == len(b) == 100
    assert sorted(a + b) == list(range(1, 201))
    page = await store.tasks.list(WS, TaskQuery(limit=500))
    assert page.total == 200
    assert sorted(t.number for t in page.items) == list(range(1, 201))
    by_number: dict[int, Task] = {t.number: t for t in page.items}
    assert {by_number[n].title for n in a} == {f"a-{i}" for i in range(100)}
    # This process's cached high-water mark must notice the other processes' rows.
    assert (await store.tasks.create(task("after"))).number == 201
    assert (await store.tasks.create(task("other", workspace_id=OTHER))).number == 2
