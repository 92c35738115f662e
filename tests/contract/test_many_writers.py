"""Two processes each create 500 tasks in one workspace at once: 1,000 rows, 1,000 distinct refs."""

from __future__ import annotations

from core.store import Store, TaskQuery, TaskSort
from tests.contract.backends import Backend
from tests.contract.processes import run_workers
from tests.contract.samples import OTHER, WS, task

EACH = 500


async def test_two_processes_creating_500_each_lose_nothing(
    store: Store, store_url: str, backend: Backend
) -> None:
    await store.tasks.create(task("seed", workspace_id=OTHER))  # another workspace must not interfere
    batch = str(backend.create_batch)
    a, b = await run_workers(
        [store_url, "create", WS, str(EACH), "a", batch],
        [store_url, "create", WS, str(EACH), "b", batch],
    )
    assert len(a) == len(b) == EACH
    assert sorted(a + b) == list(range(1, 2 * EACH + 1))
    page = await store.tasks.list(WS, TaskQuery(limit=5000, sort=TaskSort.number))
    assert page.total == 2 * EACH
    assert [t.number for t in page.items] == list(range(1, 2 * EACH + 1))
    assert len({t.ref for t in page.items}) == 2 * EACH
    by_number = {t.number: t.title for t in page.items}
    assert {by_number[n] for n in a} == {f"a-{i}" for i in range(EACH)}
    assert {by_number[n] for n in b} == {f"b-{i}" for i in range(EACH)}
    assert (await store.tasks.create(task("after"))).number == 2 * EACH + 1
    assert (await store.tasks.create(task("other", workspace_id=OTHER))).number == 2
