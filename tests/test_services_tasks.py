"""Task services on a real Delta store: validation, lifecycle, audit trail and undo."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.errors import NotFoundError, NothingToUndo, ValidationError
from core.models import AuditAction, Priority, TaskStatus
from core.services import Actor, Services
from tests.conftest import make_actor


async def test_create_with_every_option_and_sequential_refs(services: Services, alice: Actor) -> None:
    await services.projects.create(alice, "Launch")
    await make_actor(services, name="sam")
    t1 = await services.tasks.create(alice, "Draft post")
    t2 = await services.tasks.create(
        alice,
        "  Book   venue ",
        project="launch",
        due="2030-01-15",
        priority="p1",
        assignee="@sam",
        tags=["+Ops"],
    )
    assert (t1.ref, t2.ref) == ("T-1", "T-2")
    assert t2.title == "Book venue"
    assert t2.priority is Priority.critical
    assert t2.due_date == date(2030, 1, 15)
    assert t2.tags == ["ops"]
    stored = await services.store.tasks.get_by_number("local", 2)
    assert stored is not None and stored.project_id is not None and stored.assignee_id is not None
    events = await services.store.audit.list("local", entity_id=t2.id)
    assert [e.action for e in events] == [AuditAction.create]
    assert events[0].after is not None and events[0].after["title"] == "Book venue"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"title": "   "}, "needs a title"),
        ({"title": "x" * 501}, "limit is 500"),
        ({"title": "ok", "project": "Nope"}, "no project `Nope`"),
        ({"title": "ok", "assignee": "@ghost"}, "anyone called `@ghost`"),
        ({"title": "ok", "due": "blursday"}, "blursday"),
        ({"title": "ok", "priority": "!urgentish"}, "Unknown priority"),
    ],
)
async def test_bad_input_is_refused_and_nothing_is_written(
    services: Services, alice: Actor, kwargs: dict[str, str], message: str
) -> None:
    title = kwargs.pop("title")
    with pytest.raises((ValidationError, NotFoundError)) as err:
        await services.tasks.create(alice, title, **kwargs)  # type: ignore[arg-type]
    assert message in str(err.value)
    page = await services.tasks.list(alice, include_closed=True)
    assert page.total == 0
    before = await services.store.audit.list("local")
    assert [e.entity_type.value for e in before] == ["user"]  # only alice's arrival


async def test_complete_reopen_assign_edit_delete_restore(services: Services, alice: Actor) -> None:
    await make_actor(services, name="sam")
    t = await services.tasks.create(alice, "Ship it")
    [done] = await services.tasks.complete(alice, ["T-1"])
    assert done.status is TaskStatus.completed and done.completed_at is not None
    again = await services.tasks.reopen(alice, "t1")
    assert again.status is TaskStatus.todo and again.completed_at is None
    assigned = await services.tasks.assign(alice, 1, "sam")
    assert assigned.assignee_id is not None
    unassigned = await services.tasks.assign(alice, 1, None)
    assert unassigned.assignee_id is None
    edited = await services.tasks.update(
        alice, "T-1", title="Ship it now", priority="high", add_tags=["a", "b"]
    )
    assert (edited.title, edited.priority, edited.tags) == ("Ship it now", Priority.high, ["a", "b"])
    edited = await services.tasks.update(alice, "T-1", remove_tags=["a"], due=None)
    assert edited.tags == ["b"] and edited.due_date is None
    await services.tasks.delete(alice, ["T-1"])
    with pytest.raises(NotFoundError, match="was deleted"):
        await services.tasks.get(alice, "T-1")
    assert (await services.tasks.list(alice)).total == 0
    restored = await services.tasks.restore(alice, "T-1")
    assert restored.id == t.id and restored.deleted_at is None
    actions = [e.action for e in await services.store.audit.list("local", entity_id=t.id)]
    assert actions == [
        AuditAction.restore,
        AuditAction.delete,
        AuditAction.update,
        AuditAction.update,
        AuditAction.assign,
        AuditAction.assign,
        AuditAction.reopen,
        AuditAction.complete,
        AuditAction.create,
    ]


async def test_unknown_ref_and_nothing_to_change(services: Services, alice: Actor) -> None:
    with pytest.raises(NotFoundError, match="T-9 doesn't exist"):
        await services.tasks.complete(alice, ["T-9"])
    await services.tasks.create(alice, "One")
    with pytest.raises(ValidationError, match="Nothing to change"):
        await services.tasks.update(alice, "T-1")
    with pytest.raises(ValidationError, match="not a task reference"):
        await services.tasks.get(alice, "banana")


async def test_bulk_complete_checks_every_ref_before_writing(services: Services, alice: Actor) -> None:
    await services.tasks.create(alice, "One")
    with pytest.raises(NotFoundError):
        await services.tasks.complete(alice, ["T-1", "T-2"])
    task = await services.tasks.get(alice, "T-1")
    assert task.status is TaskStatus.todo


async def test_undo_reverts_whole_commands_in_reverse_order(services: Services, alice: Actor) -> None:
    await services.tasks.create(alice, "First")
    await services.tasks.create(alice, "Second")
    await services.tasks.update(alice, "T-1", title="First, renamed", priority="p1")
    await services.tasks.delete(alice, ["T-1", "T-2"])

    result = await services.undo.undo(alice)  # the bulk delete
    assert result.undone.action is AuditAction.delete
    assert {t.ref for t in result.entities} == {"T-1", "T-2"}
    assert (await services.tasks.list(alice)).total == 2

    await services.undo.undo(alice)  # the rename
    t1 = await services.tasks.get(alice, "T-1")
    assert (t1.title, t1.priority) == ("First", Priority.medium)

    await services.undo.undo(alice)  # creation of T-2 → soft delete
    assert [t.ref for t in (await services.tasks.list(alice)).items] == ["T-1"]
    await services.undo.undo(alice)
    assert (await services.tasks.list(alice)).total == 0
    with pytest.raises(NothingToUndo):
        await services.undo.undo(alice)


async def test_undo_is_per_user(services: Services, alice: Actor) -> None:
    bob = await make_actor(services, name="bob")
    await services.tasks.create(alice, "Alice's")
    with pytest.raises(NothingToUndo):
        await services.undo.undo(bob)


async def test_overdue_and_days_until_due_in_the_users_timezone(services: Services) -> None:
    # Kiritimati is UTC+14: its "today" is usually ahead of UTC's, so "overdue" must follow it.
    far_east = await make_actor(services, name="kiri", tz="Pacific/Kiritimati")
    utc_user = await make_actor(services, name="utc", tz="UTC")
    today_east = far_east.today()
    task = await services.tasks.create(far_east, "Due yesterday there", due=today_east - timedelta(days=1))
    seen_east = await services.tasks.get(far_east, task.ref)
    assert seen_east.is_overdue and seen_east.days_until_due == -1
    seen_utc = await services.tasks.get(utc_user, task.ref)
    assert seen_utc.days_until_due == (task.due_date - utc_user.today()).days  # type: ignore[operator]
    stored = await services.store.tasks.get("local", task.id)
    assert stored is not None and stored.is_overdue is False  # never persisted


async def test_list_filters_windows_and_project_counts(services: Services, alice: Actor) -> None:
    today = alice.today()
    await services.projects.create(alice, "Launch")
    await services.tasks.create(alice, "late", project="Launch", due=today - timedelta(days=2))
    await services.tasks.create(alice, "now", project="Launch", due=today)
    await services.tasks.create(alice, "soon", due=today + timedelta(days=5), tags=["x"])
    await services.tasks.create(alice, "later", due=today + timedelta(days=30))
    await services.tasks.complete(alice, ["T-2"])

    def titles(page: object) -> list[str]:
        return [t.title for t in page.items]  # type: ignore[attr-defined]

    assert titles(await services.tasks.list(alice, window="overdue")) == ["late"]
    assert titles(await services.tasks.list(alice, window="today")) == ["late"]
    assert titles(await services.tasks.list(alice, window="week")) == ["late", "soon"]
    assert titles(await services.tasks.list(alice, project="#launch", include_closed=True)) == ["late", "now"]
    assert titles(await services.tasks.list(alice, tag="+X")) == ["soon"]
    assert titles(await services.tasks.list(alice, text="LAT")) == ["late", "later"]
    assert titles(await services.tasks.list(alice, assignee="mine")) == []
    launch = await services.projects.get(alice, "P-1")
    assert (launch.task_count, launch.completed_task_count, launch.overdue_count) == (2, 1, 1)


async def test_projects_names_are_unique_and_resolvable(services: Services, alice: Actor) -> None:
    p = await services.projects.create(alice, "Website", due="2030-03-01", priority="!high")
    assert p.ref == "P-1" and p.due_date == date(2030, 3, 1) and p.priority is Priority.high
    with pytest.raises(ValidationError, match="already exists"):
        await services.projects.create(alice, "website")
    assert (await services.projects.get(alice, "WEBSITE")).id == p.id
    renamed = await services.projects.update(alice, "P-1", name="Site", status="on hold")
    assert renamed.name == "Site" and renamed.status.value == "on_hold"
    await services.projects.delete(alice, "Site")
    with pytest.raises(NotFoundError):
        await services.projects.get(alice, "Site")
    await services.undo.undo(alice)
    assert (await services.projects.get(alice, "Site")).id == p.id


async def test_people_arriving_and_changing_are_audited(services: Services, alice: Actor) -> None:
    await services.users.ensure_user("local", "alice", timezone="Europe/Paris")
    events = await services.store.audit.list("local", entity_id=alice.user_id)
    assert [e.action for e in events] == [AuditAction.update, AuditAction.create]
    assert events[0].before == {"timezone": "UTC"} and events[0].after == {"timezone": "Europe/Paris"}


async def test_undo_of_a_command_that_touched_rows_twice_and_both_kinds(
    services: Services, alice: Actor
) -> None:
    await services.tasks.create(alice, "Kept")
    with services.audit.batch():  # one message: a project, a task in it, then edits of both
        await services.projects.create(alice, "Launch")
        await services.tasks.create(alice, "Draft", project="Launch")
        await services.tasks.update(alice, "T-2", title="Draft v2", priority="p1")
        await services.projects.update(alice, "Launch", name="Launch 2")

    result = await services.undo.undo(alice)
    assert {e.ref for e in result.entities} == {"T-2", "P-1"}
    gone = await services.tasks.get(alice, "T-2", include_deleted=True)
    assert (gone.title, gone.priority, gone.deleted_at is not None) == ("Draft", Priority.medium, True)
    assert [p.name for p in await services.store.projects.list("local", include_deleted=True)] == ["Launch"]
    undos = [e for e in await services.store.audit.list("local") if e.action is AuditAction.undo]
    assert len(undos) == 4 and len({e.undoes for e in undos}) == 4  # one record per reverted event
    rename = next(e for e in undos if e.entity_ref == "T-2" and "title" in (e.after or {}))
    assert rename.before == {"title": "Draft v2", "priority": "critical"}
    assert rename.after == {"title": "Draft", "priority": "medium"}
    again = await services.undo.undo(alice)  # next: the command before, never this one twice
    assert again.entity is not None and again.entity.ref == "T-1"
