"""Pulling from Motion: a full first sync of 500 tasks, then incremental runs that write only what changed."""

from __future__ import annotations

from datetime import date

from core.models import Integration, Priority, SyncDirection, TaskStatus
from core.services import Actor, Services
from core.store import Store
from tests.fakes.motion_server import MotionFake
from tests.integrations.conftest import WS, all_tasks, run_sync

PRIORITIES = ["ASAP", "HIGH", "MEDIUM", "LOW"]


async def versions(store: Store) -> dict[str, int]:
    return {t.name: t.version for t in await store.info()}


async def audit_count(store: Store) -> int:
    return len(await store.audit.list(WS, limit=100_000))


def seed(motion: MotionFake, n: int, project_id: str) -> None:
    for i in range(n):
        motion.add_task(
            f"Task {i:03d}",
            description=f"Step **{i}**",
            priority=PRIORITIES[i % 4],
            labels=["Bug"] if i % 2 else [],
            status="Completed" if i % 10 == 0 else ("In Progress" if i % 10 == 1 else "Todo"),
            dueDate="2026-06-01T23:59:00.000Z" if i % 3 == 0 else None,
            duration=30 if i % 5 == 0 else "NONE",
            assigneeId="mu-1" if i % 7 == 0 else None,
            projectId=project_id if i % 2 == 0 else None,
        )


async def test_full_pull_of_500_tasks_then_incremental_runs(
    services: Services, motion: MotionFake, integration: Integration
) -> None:
    store = services.store
    alice = await services.users.ensure_user(WS, "Alice", email="alice@example.com")
    launch = motion.add_project("Launch")
    seed(motion, 500, launch["id"])

    log = await run_sync(services, motion, integration)

    assert log.status == "ok", log.errors
    assert (log.pulled, log.pushed, log.created) == (501, 0, 501)  # 500 tasks + the project
    # The minimum Motion allows: workspaces, users, projects, then 25 pages of 20 tasks; no writes.
    assert motion.stats.count() == 3 + 25
    assert motion.stats.count("GET") == motion.stats.count()
    tasks = await all_tasks(store)
    assert len(tasks) == 500
    by_title = {t.title: t for t in tasks}
    project = await store.projects.find_by_name(WS, "Launch")
    assert project is not None and project.external_ids["motion"] == launch["id"]
    linked = await store.users.get(WS, alice.id)
    assert linked is not None and linked.motion_user_id == "mu-1"  # matched by email on first sight
    for i in (0, 1, 7, 14, 33):
        task = by_title[f"Task {i:03d}"]
        remote = motion.tasks[task.external_ids["motion"]]
        assert remote["name"] == task.title
        assert task.description == f"Step **{i}**"
        assert task.priority is [Priority.critical, Priority.high, Priority.medium, Priority.low][i % 4]
        assert task.tags == (["bug"] if i % 2 else [])
        expected_status = {0: TaskStatus.completed, 1: TaskStatus.in_progress}.get(i % 10, TaskStatus.todo)
        assert task.status is expected_status
        assert (task.completed_at is not None) is (expected_status is TaskStatus.completed)
        assert task.due_date == (date(2026, 6, 1) if i % 3 == 0 else None)
        assert task.estimate_minutes == (30 if i % 5 == 0 else None)
        assert task.assignee_id == (alice.id if i % 7 == 0 else None)
        assert task.project_id == (project.id if i % 2 == 0 else None)
    events = await store.audit.list(WS, limit=1000)
    assert {e.surface.value for e in events if e.entity_type.value == "task"} == {"sync"}

    # Nothing changed anywhere: nothing is written, here or there.
    before, audits, requests = await versions(store), await audit_count(store), motion.stats.count()
    again = await run_sync(services, motion, integration)
    assert again.status == "ok"
    assert (again.pulled, again.pushed, again.created, again.updated) == (0, 0, 0, 0)
    after = await versions(store)
    assert after["tasks"] == before["tasks"] and after["projects"] == before["projects"]
    assert await audit_count(store) == audits
    assert motion.stats.count() - requests == 28
    assert motion.stats.count("GET") == motion.stats.count()

    # Three tasks edited in Motion, one added: exactly those are written.
    ids = [by_title[f"Task {i:03d}"].external_ids["motion"] for i in (2, 3, 4)]
    motion.edit_task(ids[0], name="Task 002 renamed")
    motion.edit_task(ids[1], status="Completed")
    motion.edit_task(ids[2], priority="ASAP", labels=["Ops"])
    motion.add_task("Brand new")
    before = await versions(store)
    third = await run_sync(services, motion, integration)
    assert third.status == "ok"
    assert (third.pulled, third.updated, third.created, third.pushed) == (4, 3, 1, 0)
    tasks = {t.external_ids["motion"]: t for t in await all_tasks(store)}
    assert len(tasks) == 501
    assert tasks[ids[0]].title == "Task 002 renamed"
    assert tasks[ids[1]].status is TaskStatus.completed and tasks[ids[1]].completed_at is not None
    assert tasks[ids[2]].priority is Priority.critical and tasks[ids[2]].tags == ["ops"]
    # 3 single-row updates, one batched create (each audited in its own commit at most).
    assert (await versions(store))["tasks"] - before["tasks"] <= 3 + 1 + 1


async def test_pull_only_never_writes_to_motion(
    services: Services, motion: MotionFake, integration: Integration, alice: Actor
) -> None:
    motion.add_task("From Motion")
    await services.tasks.create(alice, "Local only")
    log = await run_sync(services, motion, integration, direction=SyncDirection.pull)
    assert log.status == "ok"
    assert log.pulled == 1 and log.pushed == 0
    assert motion.stats.count("POST") == 0
    titles = sorted(t.title for t in await all_tasks(services.store))
    assert titles == ["From Motion", "Local only"]


async def test_motion_projects_with_the_same_name_stay_distinct_here(
    services: Services, motion: MotionFake, integration: Integration
) -> None:
    first, second = motion.add_project("Ops"), motion.add_project("ops")
    motion.add_task("In the first", projectId=first["id"])
    motion.add_task("In the second", projectId=second["id"])
    log = await run_sync(services, motion, integration)
    assert log.status == "ok", log.errors
    projects = {p.external_ids["motion"]: p for p in await services.store.projects.list(WS)}
    assert projects[first["id"]].name == "Ops"
    assert projects[second["id"]].name.startswith("ops (motion ")
    tasks = {t.title: t for t in await all_tasks(services.store)}
    assert tasks["In the first"].project_id == projects[first["id"]].id
    assert tasks["In the second"].project_id == projects[second["id"]].id
    assert (await run_sync(services, motion, integration)).pushed == 0


async def test_a_repeating_task_completed_in_motion_gets_its_next_occurrence_here(
    services: Services, motion: MotionFake, integration: Integration
) -> None:
    store = services.store
    motion.add_task("Water the plants", status="Todo", dueDate="2026-06-01T23:59:00.000Z")
    await run_sync(services, motion, integration)
    [task] = await all_tasks(store)
    await store.tasks.update(WS, task.id, {"repeat": "every monday"})  # set here; Motion has no repeat field
    motion.edit_task(task.external_ids["motion"], status="Completed")
    log = await run_sync(services, motion, integration)
    assert log.status == "ok", log.errors
    tasks = sorted(await all_tasks(store), key=lambda t: t.number)
    assert [(t.title, t.status) for t in tasks] == [
        ("Water the plants", TaskStatus.completed),
        ("Water the plants", TaskStatus.todo),
    ]
    assert tasks[1].repeat == "every monday" and tasks[1].due_date == date(2026, 6, 8)
