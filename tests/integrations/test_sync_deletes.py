"""Deletes propagate both ways: a local soft delete deletes in Motion; a Motion delete soft-deletes here."""

from __future__ import annotations

from core.models import AuditAction, ConflictPolicy, Integration, Surface
from core.services import Actor, Services
from tests.fakes.motion_server import MotionFake
from tests.integrations.conftest import WS, all_tasks, run_sync


async def test_deleted_in_motion_is_soft_deleted_here(
    services: Services, motion: MotionFake, integration: Integration
) -> None:
    keep = motion.add_task("Keep")
    gone = motion.add_task("Gone")
    await run_sync(services, motion, integration)
    motion.remove_task(gone["id"])

    log = await run_sync(services, motion, integration)

    assert log.status == "ok" and (log.deleted, log.pulled, log.pushed) == (1, 1, 0)
    tasks = {t.title: t for t in await all_tasks(services.store)}
    assert tasks["Gone"].deleted_at is not None
    assert "motion" not in tasks["Gone"].external_ids  # unlinked: a later restore creates it again
    assert tasks["Keep"].deleted_at is None and tasks["Keep"].external_ids["motion"] == keep["id"]
    events = await services.store.audit.list(WS, entity_id=tasks["Gone"].id)
    assert any(e.action is AuditAction.delete and e.surface is Surface.sync for e in events)
    # Deleted by the workspace's sync user, so people see where the change came from.
    sync_user = await services.store.users.get(WS, tasks["Gone"].deleted_by or "")
    assert sync_user is not None and sync_user.name == "motion sync"


async def test_deleted_here_is_deleted_in_motion(
    services: Services, motion: MotionFake, integration: Integration, alice: Actor
) -> None:
    remote = motion.add_task("Obsolete")
    await run_sync(services, motion, integration)
    task = (await all_tasks(services.store))[0]
    await services.tasks.delete(alice, [task.ref])

    log = await run_sync(services, motion, integration)

    assert log.status == "ok" and (log.deleted, log.pushed) == (1, 1)
    assert remote["id"] not in motion.tasks
    stored = await services.store.tasks.get(WS, task.id)
    assert stored is not None and stored.deleted_at is not None and "motion" not in stored.external_ids
    again = await run_sync(services, motion, integration)
    assert (again.pushed, again.pulled) == (0, 0)

    # Restored here later: it comes back in Motion as one new task.
    await services.tasks.restore(alice, task.ref)
    await run_sync(services, motion, integration)
    assert [t["name"] for t in motion.tasks.values()] == ["Obsolete"]


async def test_a_local_edit_outlives_a_remote_delete_unless_remote_wins(
    services: Services, motion: MotionFake, integration: Integration, alice: Actor
) -> None:
    a = motion.add_task("Edited here")
    b = motion.add_task("Also edited here")
    await run_sync(services, motion, integration)
    tasks = {t.title: t for t in await all_tasks(services.store)}
    await services.tasks.update(alice, tasks["Edited here"].ref, priority="critical")
    motion.remove_task(a["id"])

    log = await run_sync(services, motion, integration)  # newest_wins: the edit is kept, the task recreated

    assert [c["field"] for c in log.conflicts] == ["deleted"] and log.conflicts[0]["winner"] == "local"
    recreated = motion.tasks_named("Edited here")
    assert len(recreated) == 1 and recreated[0]["id"] != a["id"] and recreated[0]["priority"] == "ASAP"
    stored = await services.store.tasks.get(WS, tasks["Edited here"].id)
    assert stored is not None and stored.deleted_at is None
    assert stored.external_ids["motion"] == recreated[0]["id"]

    await services.tasks.update(alice, tasks["Also edited here"].ref, priority="low")
    motion.remove_task(b["id"])
    log = await run_sync(services, motion, integration, policy=ConflictPolicy.remote_wins)
    assert log.conflicts[0]["winner"] == "remote"
    stored = await services.store.tasks.get(WS, tasks["Also edited here"].id)
    assert stored is not None and stored.deleted_at is not None
    assert motion.tasks_named("Also edited here") == []


async def test_a_remote_edit_outlives_a_local_delete_under_remote_wins(
    services: Services, motion: MotionFake, integration: Integration, alice: Actor
) -> None:
    remote = motion.add_task("Still needed")
    await run_sync(services, motion, integration)
    task = (await all_tasks(services.store))[0]
    await services.tasks.delete(alice, [task.ref])
    motion.edit_task(remote["id"], name="Still needed!")

    log = await run_sync(services, motion, integration, policy=ConflictPolicy.remote_wins)

    assert log.conflicts[0]["field"] == "deleted" and log.conflicts[0]["winner"] == "remote"
    stored = await services.store.tasks.get(WS, task.id)
    assert stored is not None and stored.deleted_at is None and stored.title == "Still needed!"
    assert remote["id"] in motion.tasks
