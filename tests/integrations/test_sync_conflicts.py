"""Both sides changed since the last sync: settled per field by the policy, recorded and listable."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from core.integrations import IntegrationClient
from core.models import ConflictPolicy, Integration, Priority, Task
from core.secrets import SecretBox
from core.services import Actor, Services
from core.sync import SyncService
from tests.fakes.motion_server import MotionFake
from tests.integrations.conftest import WS, all_tasks, make_client, run_sync


async def linked_pair(services: Services, motion: MotionFake, integration: Integration) -> tuple[Task, str]:
    remote = motion.add_task("Plan", priority="MEDIUM", labels=["Ops"])
    await run_sync(services, motion, integration)
    return (await all_tasks(services.store))[0], remote["id"]


@pytest.mark.parametrize(
    ("policy", "remote_last", "winner"),
    [
        (ConflictPolicy.newest_wins, True, "remote"),
        (ConflictPolicy.newest_wins, False, "local"),
        (ConflictPolicy.local_wins, True, "local"),
        (ConflictPolicy.remote_wins, False, "remote"),
    ],
)
async def test_a_field_changed_on_both_sides_follows_the_policy(
    services: Services,
    motion: MotionFake,
    integration: Integration,
    alice: Actor,
    policy: ConflictPolicy,
    remote_last: bool,
    winner: str,
) -> None:
    task, remote_id = await linked_pair(services, motion, integration)
    # Fields changed on one side only are merged, whatever the policy.
    await services.tasks.update(alice, task.ref, priority="high")
    motion.edit_task(remote_id, labels=["Bug"])
    # "Newest" compares when each side's item last changed (trackers keep no per-field times).
    if remote_last:
        await services.tasks.update(alice, task.ref, title="Plan (local)")
        motion.edit_task(remote_id, name="Plan (remote)")
    else:
        motion.edit_task(remote_id, name="Plan (remote)")
        await services.tasks.update(alice, task.ref, title="Plan (local)")

    log = await run_sync(services, motion, integration, policy=policy)

    expected = "Plan (remote)" if winner == "remote" else "Plan (local)"
    local = await services.store.tasks.get(WS, task.id)
    assert local is not None
    assert local.title == expected
    assert motion.tasks[remote_id]["name"] == expected
    assert local.priority is Priority.high and motion.tasks[remote_id]["priority"] == "HIGH"
    assert local.tags == ["bug"] and motion.tasks[remote_id]["labels"] == [{"name": "Bug"}]
    assert len(log.conflicts) == 1
    conflict = log.conflicts[0]
    assert conflict["field"] == "title" and conflict["task"] == task.ref
    assert (conflict["local"], conflict["remote"]) == ("Plan (local)", "Plan (remote)")
    assert conflict["winner"] == winner and conflict["policy"] == policy.value
    # Settled: the next run finds nothing to do.
    again = await run_sync(services, motion, integration)
    assert (again.pulled, again.pushed, again.conflicts) == (0, 0, [])


async def test_the_same_change_on_both_sides_is_no_conflict(
    services: Services, motion: MotionFake, integration: Integration, alice: Actor
) -> None:
    task, remote_id = await linked_pair(services, motion, integration)
    await services.tasks.complete(alice, [task.ref])
    motion.edit_task(remote_id, status="Completed")
    log = await run_sync(services, motion, integration)
    assert log.conflicts == [] and log.pushed == 0


async def test_conflicts_are_listed_newest_first(
    services: Services, motion: MotionFake, integration: Integration, alice: Actor, box: SecretBox
) -> None:
    task, remote_id = await linked_pair(services, motion, integration)
    for n in (1, 2):
        await services.tasks.update(alice, task.ref, title=f"here {n}")
        motion.edit_task(remote_id, name=f"there {n}")
        await run_sync(services, motion, integration, policy=ConflictPolicy.local_wins)

    def factory(row: Integration, credentials: Mapping[str, str]) -> IntegrationClient:
        return make_client(motion)

    listed = await SyncService(services, box, factory).conflicts(WS, "motion")
    assert [(c.details["local"], c.details["remote"]) for c in listed] == [
        ("here 2", "there 2"),
        ("here 1", "there 1"),
    ]
