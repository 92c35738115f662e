"""Task structure on the Delta store: subtasks (depth, cycles, cascades), blockers (cycles, ready/blocked,
the last blocker's notice), estimates and time taken, and roll-ups."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.errors import ValidationError
from core.models import ScheduleKind, Task, TaskStatus
from core.services import Actor, Services
from tests.conftest import make_actor


async def _task(services: Services, actor: Actor, number: int) -> Task:
    task = await services.store.tasks.get_by_number(actor.workspace_id, number)
    assert task is not None
    return task


async def test_subtasks_inherit_the_project_and_stop_at_depth_three(services: Services, alice: Actor) -> None:
    await services.projects.create(alice, "Launch")
    top = await services.tasks.create(alice, "Plan the launch", project="Launch")
    sub = await services.structure.add_subtask(alice, top.ref, "Book the venue")
    subsub = await services.structure.add_subtask(alice, sub.ref, "Confirm the menu")
    assert sub.parent_id == top.id and subsub.parent_id == sub.id
    assert sub.project_id == top.project_id == subsub.project_id
    with pytest.raises(ValidationError, match="3 levels"):
        await services.structure.add_subtask(alice, subsub.ref, "Too deep")
    assert [t.ref for t in await services.structure.children(alice, top.ref)] == [sub.ref]


async def test_moving_under_a_descendant_or_too_deep_is_refused(services: Services, alice: Actor) -> None:
    a = await services.tasks.create(alice, "A")
    b = await services.structure.add_subtask(alice, a.ref, "B")
    c = await services.tasks.create(alice, "C")
    d = await services.structure.add_subtask(alice, c.ref, "D")
    with pytest.raises(ValidationError, match="loop"):
        await services.structure.set_parent(alice, a.ref, b.ref)
    with pytest.raises(ValidationError, match="own subtask"):
        await services.structure.set_parent(alice, a.ref, a.ref)
    with pytest.raises(ValidationError, match="3 levels"):
        await services.structure.set_parent(alice, c.ref, b.ref)  # B(2) + C and D (2) = 4 levels
    moved = await services.structure.set_parent(alice, d.ref, b.ref)
    assert moved.parent_id == b.id
    top = await services.structure.set_parent(alice, d.ref, None)
    assert top.parent_id is None


async def test_delete_and_restore_take_the_subtasks_along_and_one_undo_brings_all_back(
    services: Services, alice: Actor
) -> None:
    top = await services.tasks.create(alice, "Plan")
    sub = await services.structure.add_subtask(alice, top.ref, "Venue")
    subsub = await services.structure.add_subtask(alice, sub.ref, "Menu")
    other = await services.tasks.create(alice, "Unrelated")
    with services.audit.batch():
        deleted = await services.tasks.delete(alice, [top.number])
    assert {t.ref for t in deleted} == {top.ref, sub.ref, subsub.ref}
    for n in (top.number, sub.number, subsub.number):
        assert (await _task(services, alice, n)).deleted_at is not None
    assert (await _task(services, alice, other.number)).deleted_at is None

    await services.undo.undo(alice)
    for n in (top.number, sub.number, subsub.number):
        assert (await _task(services, alice, n)).deleted_at is None

    with services.audit.batch():
        await services.tasks.delete(alice, [top.number])
    with services.audit.batch():
        restored = await services.tasks.restore_all(alice, [top.number])
    assert {t.ref for t in restored} == {top.ref, sub.ref, subsub.ref}
    assert all(t.deleted_at is None for t in restored)


async def test_a_subtask_deleted_on_its_own_stays_deleted_when_the_parent_comes_back(
    services: Services, alice: Actor
) -> None:
    top = await services.tasks.create(alice, "Plan")
    sub = await services.structure.add_subtask(alice, top.ref, "Venue")
    alice_later = alice.at_moment(alice.instant() + timedelta(minutes=5))
    await services.tasks.delete(alice, [sub.number])
    await services.tasks.delete(alice_later, [top.number])
    await services.tasks.restore_all(alice_later, [top.number])
    assert (await _task(services, alice, sub.number)).deleted_at is not None


async def test_a_parent_moved_to_another_project_takes_its_subtasks(services: Services, alice: Actor) -> None:
    await services.projects.create(alice, "Launch")
    other = await services.projects.create(alice, "Wedding")
    top = await services.tasks.create(alice, "Plan", project="Launch")
    sub = await services.structure.add_subtask(alice, top.ref, "Venue")
    subsub = await services.structure.add_subtask(alice, sub.ref, "Menu")
    await services.tasks.update(alice, top.ref, project="Wedding")
    for n in (top.number, sub.number, subsub.number):
        assert (await _task(services, alice, n)).project_id == other.id


async def test_blocking_refuses_self_cycles_and_duplicates(services: Services, alice: Actor) -> None:
    a = await services.tasks.create(alice, "A")
    b = await services.tasks.create(alice, "B")
    c = await services.tasks.create(alice, "C")
    await services.structure.block(alice, a.ref, b.ref)  # A blocks B
    await services.structure.block(alice, b.ref, c.ref)  # B blocks C
    with pytest.raises(ValidationError, match="itself"):
        await services.structure.block(alice, a.ref, a.ref)
    with pytest.raises(ValidationError, match="loop"):
        await services.structure.block(alice, c.ref, a.ref)  # C blocks A: A → B → C → A
    with pytest.raises(ValidationError, match="already blocks"):
        await services.structure.block(alice, a.ref, b.ref)
    assert [t.ref for t in await services.structure.blockers(alice, c.ref)] == [b.ref]
    assert [t.ref for t in await services.structure.blocking(alice, a.ref)] == [b.ref]


async def test_tasks_of_another_workspace_cannot_be_named(services: Services, alice: Actor) -> None:
    a = await services.tasks.create(alice, "A")
    zed = await make_actor(services, workspace="other", name="zed")
    await services.tasks.create(zed, "Z1")
    z2 = await services.tasks.create(zed, "Z2")
    with pytest.raises(Exception, match="T-2"):
        await services.structure.block(alice, z2.ref, a.ref)  # T-2 doesn't exist in alice's workspace


async def test_ready_and_blocked_and_unblock(services: Services, alice: Actor) -> None:
    a = await services.tasks.create(alice, "A")
    b = await services.tasks.create(alice, "B")
    c = await services.tasks.create(alice, "C")
    await services.structure.block(alice, a.ref, c.ref)
    await services.structure.block(alice, b.ref, c.ref)
    [blocked] = await services.structure.blocked(alice)
    assert blocked.task.ref == c.ref and [t.ref for t in blocked.blockers] == [a.ref, b.ref]
    assert [t.ref for t in await services.structure.ready(alice)] == [a.ref, b.ref]
    await services.structure.unblock(alice, c.ref, a.ref)
    assert (await _task(services, alice, c.number)).dependencies == [b.id]
    await services.structure.unblock(alice, c.ref)
    assert not await services.structure.blocked(alice)
    with pytest.raises(ValidationError, match="Nothing blocks"):
        await services.structure.unblock(alice, c.ref)


async def test_completing_the_last_blocker_tells_the_assignee(services: Services, alice: Actor) -> None:
    bob = await make_actor(services, name="bob")
    a = await services.tasks.create(alice, "A")
    b = await services.tasks.create(alice, "B")
    c = await services.tasks.create(alice, "C", assignee="bob")
    await services.structure.block(alice, a.ref, c.ref)
    await services.structure.block(alice, b.ref, c.ref)
    first = await services.tasks.complete_all(alice, [a.number])
    assert first.ready == []
    second = await services.tasks.complete_all(alice, [b.number])
    assert [t.ref for t in second.ready] == [c.ref]
    rows = await services.store.schedules.list(alice.workspace_id)
    notices = [r for r in rows if r.kind is ScheduleKind.reminder and r.task_id == c.id]
    assert len(notices) == 1
    [notice] = notices
    assert notice.user_id == bob.user_id and notice.explicit and notice.next_run_at is not None
    assert [t.ref for t in await services.structure.ready(alice)] == [c.ref]


async def test_estimates_and_time_taken(services: Services, alice: Actor) -> None:
    t = await services.tasks.create(alice, "Write spec", estimate_minutes=120)
    assert t.estimate_minutes == 120
    assert (await services.structure.set_estimate(alice, t.ref, 30)).estimate_minutes == 30
    assert (await services.structure.set_estimate(alice, t.ref, None)).estimate_minutes is None
    done = await services.structure.took(alice, t.ref, 180)
    assert done.actual_minutes == 180
    with pytest.raises(ValidationError):
        await services.structure.took(alice, t.ref, 0)


async def test_rollups_count_progress_overdue_and_estimates_in_the_readers_day(
    services: Services, alice: Actor
) -> None:
    project = await services.projects.create(alice, "Launch")
    top = await services.tasks.create(alice, "Plan", project="Launch")
    yesterday = alice.today() - timedelta(days=1)
    s1 = await services.structure.add_subtask(alice, top.ref, "Venue", estimate_minutes=60, due=yesterday)
    await services.structure.add_subtask(alice, top.ref, "Menu", estimate_minutes=180)
    await services.tasks.complete(alice, [s1.number])
    parent = await services.structure.rollup_of_task(alice, top)
    assert (parent.total, parent.done, parent.overdue) == (2, 1, 0)
    assert parent.progress == 0.5 and parent.progress_by_estimate == 0.25 and parent.estimate_open == 180
    whole = await services.structure.rollup_of_project(alice, project.id)
    assert (whole.total, whole.done, whole.estimate_total) == (3, 1, 240)
    await services.structure.add_subtask(alice, top.ref, "Late", due=yesterday)
    assert (await services.structure.rollup_of_task(alice, top)).overdue == 1


async def test_completing_with_subtasks_closes_the_whole_tree_in_one_undo(
    services: Services, alice: Actor
) -> None:
    top = await services.tasks.create(alice, "Plan")
    sub = await services.structure.add_subtask(alice, top.ref, "Venue")
    assert [t.ref for t in await services.structure.open_subtasks(alice, top)] == [sub.ref]
    with services.audit.batch():
        done = await services.structure.complete_with_subtasks(alice, [top.number])
    assert {t.ref for t in done.tasks} == {top.ref, sub.ref}
    assert all(t.status is TaskStatus.completed for t in done.tasks)
    await services.undo.undo(alice)
    assert (await _task(services, alice, sub.number)).status is TaskStatus.todo
    assert (await _task(services, alice, top.number)).status is TaskStatus.todo
