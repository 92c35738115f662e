"""Projects: numbering, lookups, listing, updates."""

from __future__ import annotations

from datetime import date

import pytest

from core.errors import NotFoundError, ValidationError
from core.models import Priority, ProjectStatus, utcnow
from core.store import Store
from tests.contract.samples import OTHER, WS, project


async def test_create_assigns_numbers_per_workspace(store: Store) -> None:
    p1 = await store.projects.create(project("Website"))
    p2 = await store.projects.create(project("Launch"))
    q1 = await store.projects.create(project("Website", workspace_id=OTHER))
    assert (p1.ref, p2.ref, q1.ref) == ("P-1", "P-2", "P-1")


async def test_every_field_round_trips(store: Store) -> None:
    original = project(
        "Website",
        description="The new site",
        status=ProjectStatus.planning,
        priority=Priority.high,
        tags=["web", "q3"],
        start_date=date(2030, 1, 1),
        due_date=date(2030, 3, 31),
        owner_id="u1",
        external_ids={"linear": "LIN-1", "notion": "abc"},
        created_by="u1",
    )
    created = await store.projects.create(original)
    assert created == original.model_copy(update={"number": 1})
    assert await store.projects.get(WS, created.id) == created
    assert await store.projects.get_by_number(WS, 1) == created


async def test_computed_counts_are_not_persisted(store: Store) -> None:
    created = await store.projects.create(project(task_count=5, completed_task_count=2, overdue_count=1))
    stored = await store.projects.get(WS, created.id)
    assert stored is not None
    assert (stored.task_count, stored.completed_task_count, stored.overdue_count) == (0, 0, 0)
    updated = await store.projects.update(WS, created.id, {"task_count": 9, "name": "Renamed"})
    assert updated.task_count == 0 and updated.name == "Renamed"


async def test_find_by_name_case_insensitive_and_skips_deleted(store: Store) -> None:
    web = await store.projects.create(project("Website"))
    await store.projects.create(project("Old", deleted_at=utcnow()))
    assert await store.projects.find_by_name(WS, "WEBSITE") == web
    assert await store.projects.find_by_name(WS, "web") is None
    assert await store.projects.find_by_name(WS, "old") is None
    assert await store.projects.find_by_name(OTHER, "website") is None


async def test_list_by_number_hides_deleted_unless_asked(store: Store) -> None:
    a = await store.projects.create(project("A"))
    b = await store.projects.create(project("B"))
    await store.projects.update(WS, a.id, {"deleted_at": utcnow(), "deleted_by": "u1"})
    assert [p.name for p in await store.projects.list(WS)] == ["B"]
    assert [p.name for p in await store.projects.list(WS, include_deleted=True)] == ["A", "B"]
    assert b.number == 2


async def test_update_applies_only_the_given_fields(store: Store) -> None:
    created = await store.projects.create(project("A", tags=["x"], description="keep"))
    updated = await store.projects.update(WS, created.id, {"status": "on_hold", "due_date": date(2031, 1, 2)})
    assert updated.status is ProjectStatus.on_hold and updated.due_date == date(2031, 1, 2)
    assert updated.tags == ["x"] and updated.description == "keep" and updated.number == 1
    assert updated.updated_at > created.updated_at
    assert await store.projects.get(WS, created.id) == updated


async def test_update_errors(store: Store) -> None:
    created = await store.projects.create(project("A"))
    with pytest.raises(NotFoundError):
        await store.projects.update(WS, "missing", {"name": "x"})
    with pytest.raises(ValidationError):
        await store.projects.update(WS, created.id, {"priority": "urgent-ish"})
    with pytest.raises(ValidationError):
        await store.projects.update(WS, created.id, {"number": 7})
    assert await store.projects.get(WS, created.id) == created
