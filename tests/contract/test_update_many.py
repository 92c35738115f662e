"""`tasks.update_many`: each task takes only its own changes, all of them or none, in one commit."""

from __future__ import annotations

from datetime import date

import pytest

from core.errors import NotFoundError, ValidationError
from core.models import Priority, TaskStatus
from core.store import Store
from tests.contract.samples import OTHER, WS, task


async def test_each_row_takes_only_its_own_fields(store: Store) -> None:
    a, b, c = await store.tasks.create_many([task("A", tags=["x"]), task("B"), task("C")])
    updated = await store.tasks.update_many(
        WS,
        [
            (a.id, {"status": TaskStatus.completed, "priority": Priority.high}),
            (b.id, {"due_date": date(2030, 1, 2), "tags": ["y", "z"]}),
            (a.id, {"title": "A renamed"}),  # a second mention of a row adds to its changes
        ],
    )
    assert [t.id for t in updated] == [a.id, b.id]
    fresh_a = await store.tasks.get(WS, a.id)
    fresh_b = await store.tasks.get(WS, b.id)
    fresh_c = await store.tasks.get(WS, c.id)
    assert fresh_a is not None and fresh_b is not None and fresh_c is not None
    assert (fresh_a.title, fresh_a.status, fresh_a.priority, fresh_a.tags) == (
        "A renamed",
        TaskStatus.completed,
        Priority.high,
        ["x"],
    )
    assert fresh_a.due_date is None
    assert (fresh_b.title, fresh_b.status, fresh_b.due_date, fresh_b.tags) == (
        "B",
        TaskStatus.todo,
        date(2030, 1, 2),
        ["y", "z"],
    )
    assert (fresh_c.title, fresh_c.status, fresh_c.updated_at) == ("C", TaskStatus.todo, c.updated_at)
    assert fresh_a.updated_at > a.updated_at and fresh_b.updated_at > b.updated_at


async def test_clearing_a_field_and_empty_input(store: Store) -> None:
    a, b = await store.tasks.create_many([task("A", due_date=date(2030, 1, 1)), task("B")])
    await store.tasks.update_many(WS, [(a.id, {"due_date": None}), (b.id, {"description": "notes"})])
    fresh_a = await store.tasks.get(WS, a.id)
    assert fresh_a is not None and fresh_a.due_date is None
    assert await store.tasks.update_many(WS, []) == []


async def test_all_or_nothing(store: Store) -> None:
    a, b = await store.tasks.create_many([task("A"), task("B")])
    foreign = await store.tasks.create(task("theirs", workspace_id=OTHER))
    with pytest.raises(NotFoundError):  # another workspace's row is as good as missing
        await store.tasks.update_many(WS, [(a.id, {"title": "changed"}), (foreign.id, {"title": "hijack"})])
    with pytest.raises(ValidationError):
        await store.tasks.update_many(WS, [(a.id, {"title": "changed"}), (b.id, {"priority": "urgentish"})])
    fresh_a = await store.tasks.get(WS, a.id)
    fresh_foreign = await store.tasks.get(OTHER, foreign.id)
    assert fresh_a is not None and fresh_a.title == "A"
    assert fresh_foreign is not None and fresh_foreign.title == "theirs"
