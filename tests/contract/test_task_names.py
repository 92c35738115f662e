"""``TaskRepo.names``: the numbers and titles a message can name, open or closed, newest first."""

from __future__ import annotations

from datetime import timedelta

from core.models import Task, TaskStatus
from core.store import Store
from tests.contract.samples import WS, task


async def test_names_are_the_newest_open_or_the_closed_ones(store: Store) -> None:
    made = await store.tasks.create_many([task(f"Task {i}") for i in range(1, 7)])
    by_number = {t.number: t for t in made}
    await store.tasks.update(WS, by_number[2].id, {"status": TaskStatus.completed})
    await store.tasks.update(WS, by_number[3].id, {"deleted_at": made[0].created_at})
    later = made[-1].updated_at + timedelta(minutes=5)
    await store.tasks.update(WS, by_number[5].id, {"title": "Task 5, renamed", "updated_at": later})
    await store.tasks.create_many([task("elsewhere", workspace_id="other")])
    open_names = await store.tasks.names(WS, open_tasks=True, limit=10)
    assert (open_names[0].number, open_names[0].title) == (5, "Task 5, renamed")
    assert sorted(n.number for n in open_names) == [1, 4, 5, 6]
    closed = await store.tasks.names(WS, open_tasks=False, limit=10)
    assert sorted(n.number for n in closed) == [2, 3]
    two = await store.tasks.names(WS, open_tasks=True, limit=2)
    assert len(two) == 2 and two[0].number == 5
    assert await store.tasks.names(WS, open_tasks=True, limit=0) == []
    assert [n.title for n in await store.tasks.names("other", open_tasks=True, limit=10)] == ["elsewhere"]


async def test_get_many_reads_the_tasks_with_these_ids_of_this_workspace_only(store: Store) -> None:
    a = await store.tasks.create(Task(workspace_id="w1", title="one"))
    b = await store.tasks.create(Task(workspace_id="w1", title="two"))
    gone = await store.tasks.create(Task(workspace_id="w1", title="gone"))
    await store.tasks.update("w1", gone.id, {"deleted_at": gone.created_at})
    other = await store.tasks.create(Task(workspace_id="w2", title="elsewhere"))
    found = await store.tasks.get_many("w1", [a.id, gone.id, other.id, "missing", a.id])
    assert sorted(t.title for t in found) == ["gone", "one"]
    assert await store.tasks.get_many("w1", []) == []
    assert [t.id for t in await store.tasks.get_many("w1", [b.id])] == [b.id]
