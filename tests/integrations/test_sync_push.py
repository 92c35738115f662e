"""Pushing to Motion: new local tasks and projects are created there once; edits go field by field."""

from __future__ import annotations

from datetime import date

from core.models import Integration, SyncDirection, TaskStatus
from core.services import Actor, Services
from tests.fakes.motion_server import MotionFake
from tests.integrations.conftest import WS, all_tasks, run_sync


async def test_local_tasks_and_projects_are_created_in_motion_once(
    services: Services, motion: MotionFake, integration: Integration, alice: Actor
) -> None:
    await services.users.link_external(WS, alice.user_id, "motion_user_id", "mu-1")
    await services.projects.create(alice, "Website")
    t1 = await services.tasks.create(
        alice,
        "Write copy",
        description="Use *short* lines",
        project="Website",
        priority="critical",
        tags=["bug"],
        due=date(2026, 7, 1),
        estimate_minutes=90,
        assignee="me",
    )
    t2 = await services.tasks.create(alice, "Plain one")

    log = await run_sync(services, motion, integration)

    assert log.status == "ok", log.errors
    assert (log.pushed, log.created) == (3, 3)  # project + 2 tasks
    assert [p["name"] for p in motion.projects.values()] == ["Website"]
    local = {t.id: t for t in await all_tasks(services.store)}
    remote = motion.tasks[local[t1.id].external_ids["motion"]]
    assert remote["name"] == "Write copy"
    assert remote["description"].startswith("<p>Use <em>short</em> lines</p>")  # Markdown in, HTML out
    assert remote["priority"] == "ASAP" and remote["labels"] == [{"name": "Bug"}]
    assert remote["dueDate"] == "2026-07-01T23:59:00.000Z" and remote["duration"] == 90
    assert remote["assignees"][0]["id"] == "mu-1"
    assert remote["project"]["name"] == "Website"
    assert motion.tasks[local[t2.id].external_ids["motion"]]["name"] == "Plain one"

    # A second run creates nothing more and sends nothing: the tasks are the same items forever after.
    writes = motion.stats.count() - motion.stats.count("GET")
    again = await run_sync(services, motion, integration)
    assert (again.pushed, again.pulled) == (0, 0)
    assert motion.stats.count() - motion.stats.count("GET") == writes
    assert len(motion.tasks) == 2 and len(motion.projects) == 1
    # The local tasks did not change either: still no duplicates, same links.
    assert {t.external_ids["motion"] for t in await all_tasks(services.store)} == set(motion.tasks)


async def test_local_edits_are_sent_field_by_field(
    services: Services, motion: MotionFake, integration: Integration, alice: Actor
) -> None:
    remote = motion.add_task("Review plan", priority="LOW", labels=["Ops"], description="Keep **this**")
    await run_sync(services, motion, integration)
    task = (await all_tasks(services.store))[0]
    await services.tasks.update(alice, task.ref, title="Review the plan", priority="high")
    await services.tasks.complete(alice, [task.ref])
    patches_before = motion.stats.count("PATCH")

    log = await run_sync(services, motion, integration)

    assert log.status == "ok", log.errors
    assert (log.pushed, log.pulled, log.conflicts) == (1, 0, [])
    assert motion.stats.count("PATCH") - patches_before == 1  # one PATCH carrying the three changes
    stored = motion.tasks[remote["id"]]
    assert stored["name"] == "Review the plan"
    assert stored["priority"] == "HIGH"
    assert stored["status"]["name"] == "Completed" and stored["completed"] is True  # a resolved status
    assert stored["labels"] == [{"name": "Ops"}]  # untouched fields stay as they were
    assert stored["description"] == "<p>Keep <strong>this</strong></p>\n"

    # Reopen and unassign locally: the default status comes back; nothing else moves.
    await services.tasks.reopen(alice, task.ref)
    log = await run_sync(services, motion, integration)
    assert log.pushed == 1
    assert motion.tasks[remote["id"]]["status"]["name"] == "Todo"


async def test_unassigning_locally_unassigns_in_motion(
    services: Services, motion: MotionFake, integration: Integration, alice: Actor
) -> None:
    await services.users.ensure_user(WS, "Bob", email="bob@example.com")
    remote = motion.add_task("Bob's", assigneeId="mu-2")
    await run_sync(services, motion, integration)
    task = (await all_tasks(services.store))[0]
    assert task.assignee_id is not None
    await services.tasks.assign(alice, task.ref, None)
    await run_sync(services, motion, integration)
    assert motion.tasks[remote["id"]]["assignees"] == []


async def test_push_only_sends_local_changes_and_ignores_remote_ones(
    services: Services, motion: MotionFake, integration: Integration, alice: Actor
) -> None:
    remote = motion.add_task("Shared")
    await run_sync(services, motion, integration)
    task = (await all_tasks(services.store))[0]
    motion.edit_task(remote["id"], priority="ASAP")  # changed there: not pulled in push mode
    await services.tasks.update(alice, task.ref, title="Shared (edited here)")
    log = await run_sync(services, motion, integration, direction=SyncDirection.push)
    assert log.status == "ok" and log.pulled == 0 and log.pushed == 1
    assert motion.tasks[remote["id"]]["name"] == "Shared (edited here)"
    assert motion.tasks[remote["id"]]["priority"] == "ASAP"
    local = await services.store.tasks.get(WS, task.id)
    assert local is not None and local.priority.value == "medium"
    # Later, a two-way run still brings the remote change in (it stayed unsynced, not forgotten).
    await run_sync(services, motion, integration)
    local = await services.store.tasks.get(WS, task.id)
    assert local is not None and local.priority.value == "critical" and local.status is TaskStatus.todo
