"""Tasks: create, read, update, counts; what is and is not persisted."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from core.errors import NotFoundError, ValidationError
from core.models import Priority, TaskStatus, utcnow
from core.store import ProjectCounts, Store
from tests.contract.samples import OTHER, WS, task


async def test_every_field_round_trips(store: Store) -> None:
    original = task(
        "Write report",
        description="Quarterly, with charts — «ünïcode» and 'quotes'",
        project_id="p1",
        status=TaskStatus.in_progress,
        priority=Priority.critical,
        due_date=date(2030, 5, 17),
        due_time=time(9, 30, 15),
        assignee_id="u2",
        tags=["report", "Q2"],
        estimate_minutes=90,
        parent_id="t0",
        dependencies=["t8", "t9"],
        external_ids={"motion": "m-1", "gitlab": "42"},
        source_url="https://example.com/x?a=1&b='2'",
        created_by="u1",
        completed_at=datetime(2030, 5, 18, 10, 0, 0, 123456, tzinfo=UTC),
    )
    created = await store.tasks.create(original)
    assert created == original.model_copy(update={"number": 1})
    assert await store.tasks.get(WS, created.id) == created
    assert await store.tasks.get_by_number(WS, 1) == created


async def test_empty_and_missing_values_round_trip(store: Store) -> None:
    created = await store.tasks.create(task("Bare"))
    stored = await store.tasks.get(WS, created.id)
    assert stored == created
    assert stored.tags == [] and stored.dependencies == [] and stored.external_ids == {}
    assert stored.due_date is None and stored.due_time is None and stored.project_id is None


async def test_timestamps_round_trip_as_aware_utc(store: Store) -> None:
    paris = timezone(timedelta(hours=2))
    created = await store.tasks.create(
        task("Times", created_at=datetime(2030, 1, 2, 3, 4, 5, 678901, tzinfo=paris))
    )
    stored = await store.tasks.get(WS, created.id)
    assert stored is not None
    assert stored.created_at == datetime(2030, 1, 2, 1, 4, 5, 678901, tzinfo=UTC)
    for value in (stored.created_at, stored.updated_at):
        assert value.tzinfo is not None and value.utcoffset() == timedelta(0)


async def test_computed_fields_are_not_persisted(store: Store) -> None:
    created = await store.tasks.create(task("Late", is_overdue=True, days_until_due=-3))
    stored = await store.tasks.get(WS, created.id)
    assert stored is not None and (stored.is_overdue, stored.days_until_due) == (False, None)
    updated = await store.tasks.update(WS, created.id, {"is_overdue": True, "title": "Later"})
    assert updated.is_overdue is False and updated.title == "Later"


async def test_missing_reads_return_none(store: Store) -> None:
    assert await store.tasks.get(WS, "missing") is None
    assert await store.tasks.get_by_number(WS, 1) is None


async def test_create_many_numbers_in_order_after_existing(store: Store) -> None:
    await store.tasks.create(task("first"))
    many = await store.tasks.create_many([task(f"t{i}") for i in range(5)])
    assert [t.number for t in many] == [2, 3, 4, 5, 6]
    assert [t.title for t in many] == [f"t{i}" for i in range(5)]
    assert await store.tasks.create_many([]) == []
    nxt = await store.tasks.create(task("next"))
    assert nxt.number == 7
    for t in many:
        assert await store.tasks.get(WS, t.id) == t


async def test_update_applies_only_given_fields_and_bumps_updated_at(store: Store) -> None:
    created = await store.tasks.create(task("A", tags=["x"], priority=Priority.low, description="keep"))
    done_at = utcnow()
    updated = await store.tasks.update(
        WS, created.id, {"status": TaskStatus.completed, "completed_at": done_at, "tags": ["y", "z"]}
    )
    assert updated.status is TaskStatus.completed and updated.completed_at == done_at
    assert updated.tags == ["y", "z"]
    assert (updated.priority, updated.description, updated.number) == (Priority.low, "keep", 1)
    assert updated.updated_at > created.updated_at
    assert await store.tasks.get(WS, created.id) == updated


async def test_update_can_clear_fields(store: Store) -> None:
    created = await store.tasks.create(task("A", due_date=date(2030, 1, 1), assignee_id="u1"))
    cleared = await store.tasks.update(WS, created.id, {"due_date": None, "assignee_id": None})
    assert cleared.due_date is None and cleared.assignee_id is None


async def test_update_validates_through_the_model(store: Store) -> None:
    created = await store.tasks.create(task("A"))
    with pytest.raises(ValidationError):
        await store.tasks.update(WS, created.id, {"status": "finished-ish"})
    with pytest.raises(ValidationError):
        await store.tasks.update(WS, created.id, {"estimate_minutes": "lots"})
    with pytest.raises(ValidationError):
        await store.tasks.update(WS, created.id, {"colour": "red"})
    for key in ("id", "workspace_id", "number"):
        with pytest.raises(ValidationError):
            await store.tasks.update(WS, created.id, {key: "2"})
    assert await store.tasks.get(WS, created.id) == created
    coerced = await store.tasks.update(WS, created.id, {"priority": "high", "due_date": "2030-02-03"})
    assert coerced.priority is Priority.high and coerced.due_date == date(2030, 2, 3)


async def test_update_of_a_missing_task_says_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError) as err:
        await store.tasks.update(WS, "missing", {"title": "x"})
    assert "task" in str(err.value)


async def test_soft_delete_keeps_the_row(store: Store) -> None:
    created = await store.tasks.create(task("A"))
    deleted = await store.tasks.update(WS, created.id, {"deleted_at": utcnow(), "deleted_by": "u1"})
    assert deleted.deleted_at is not None and not deleted.is_open
    assert await store.tasks.get(WS, created.id) == deleted
    restored = await store.tasks.update(WS, created.id, {"deleted_at": None, "deleted_by": None})
    assert restored.deleted_at is None


async def test_concurrent_updates_in_one_process_all_land(store: Store) -> None:
    created = await store.tasks.create(task("A"))
    await asyncio.gather(
        store.tasks.update(WS, created.id, {"title": "B"}),
        store.tasks.update(WS, created.id, {"priority": "critical"}),
        store.tasks.update(WS, created.id, {"assignee_id": "u7"}),
        store.tasks.update(WS, created.id, {"tags": ["t"]}),
    )
    stored = await store.tasks.get(WS, created.id)
    assert stored is not None
    assert (stored.title, stored.priority, stored.assignee_id, stored.tags) == (
        "B",
        Priority.critical,
        "u7",
        ["t"],
    )


async def test_counts_by_project(store: Store) -> None:
    today = date(2030, 6, 10)
    yesterday = today - timedelta(days=1)
    await store.tasks.create_many(
        [
            task("open late", project_id="p1", due_date=yesterday),
            task("open today", project_id="p1", due_date=today),
            task("open undated", project_id="p1"),
            task("done late", project_id="p1", due_date=yesterday, status=TaskStatus.completed),
            task("cancelled late", project_id="p1", due_date=yesterday, status=TaskStatus.cancelled),
            task("deleted late", project_id="p1", due_date=yesterday, deleted_at=utcnow()),
            task("blocked late", project_id="p2", due_date=yesterday, status=TaskStatus.blocked),
            task("no project"),
            task("other workspace", project_id="p1", workspace_id=OTHER),
        ]
    )
    assert await store.tasks.counts_by_project(WS, today) == {
        "p1": ProjectCounts(total=5, completed=1, overdue=1),
        "p2": ProjectCounts(total=1, completed=0, overdue=1),
    }
    assert await store.tasks.counts_by_project("empty", today) == {}
