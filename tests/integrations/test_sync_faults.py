"""A flaky Motion (20% of requests fail: 5xx, timeouts, lost answers) and a crash mid-sync: the end state is
right and nothing is ever created twice."""

from __future__ import annotations

from typing import Any

import pytest

from core.integrations import RemoteTask, TaskFields
from core.models import Integration, Task
from core.services import Actor, Services
from core.sync import SyncEngine
from integrations.motion import MotionClient
from tests.fakes.http_faults import FaultPlan
from tests.fakes.motion_server import MotionFake
from tests.integrations.conftest import WINDOW, WS, all_tasks, make_client, run_sync
from tests.integrations.tracker_kits import assert_in_step, motion_kit, sync_until_ok


def assert_priorities_match(fake: MotionFake, tasks: list[Task]) -> None:
    for task in (t for t in tasks if t.deleted_at is None):
        remote = fake.tasks[task.external_ids["motion"]]
        assert remote["priority"] == {"critical": "ASAP"}.get(
            task.priority.value, task.priority.value.upper()
        )


async def test_twenty_percent_faults_end_in_the_right_state_without_duplicates(
    services: Services, integration: Integration, alice: Actor
) -> None:
    faults = FaultPlan(rate=0.2, seed=11, hang=1.0)
    async with MotionFake(window=WINDOW, faults=faults) as fake:
        kit = motion_kit(fake)
        remote_ids = [fake.add_task(f"remote {i}")["id"] for i in range(60)]
        for i in range(20):
            await services.tasks.create(alice, f"local {i}")

        first = await sync_until_ok(services, kit, integration)
        assert first[-1].status == "ok", first[-1].errors
        await assert_in_step(services, kit, 80)
        assert_priorities_match(fake, await all_tasks(services.store))

        tasks = {t.title: t for t in await all_tasks(services.store)}
        for i in range(10):
            fake.edit_task(remote_ids[i], priority="HIGH")
            await services.tasks.update(alice, tasks[f"local {i}"].ref, priority="low")
        await services.tasks.delete(alice, [tasks[f"remote {i}"].ref for i in range(20, 25)])
        for i in range(25, 30):
            fake.remove_task(remote_ids[i])
        for i in range(5):
            await services.tasks.create(alice, f"new local {i}")
            fake.add_task(f"new remote {i}")

        second = await sync_until_ok(services, kit, integration)
        assert second[-1].status == "ok", second[-1].errors
        tasks_now = await all_tasks(services.store)
        await assert_in_step(services, kit, 80)
        assert_priorities_match(fake, tasks_now)
        by_title = {t.title: t for t in tasks_now}
        assert all(by_title[f"remote {i}"].priority.value == "high" for i in range(10))
        assert all(by_title[f"remote {i}"].deleted_at is not None for i in range(20, 30))
        assert sum(fake.stats.faults.values()) > 10  # the faults did happen, of every kind
        assert set(fake.stats.faults) == {"error", "timeout", "lost"}

        faults.rate = 0
        settled = await run_sync(services, fake, integration)
        assert (settled.status, settled.pulled, settled.pushed) == ("ok", 0, 0)


class Crash(Exception):
    """Stands for the process dying: not an OrchestratorError, so the engine records it and re-raises."""


class CrashingMotion(MotionClient):
    def __init__(self, *args: Any, crash_after: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.crash_after = crash_after
        self.created = 0

    async def create_task(self, fields: TaskFields, local_ref: str) -> RemoteTask:
        if self.created == self.crash_after:
            raise Crash
        created = await super().create_task(fields, local_ref)
        self.created += 1
        return created


async def test_a_run_that_dies_mid_push_is_resumed_without_duplicates(
    services: Services, motion: MotionFake, integration: Integration, alice: Actor
) -> None:
    for i in range(30):
        await services.tasks.create(alice, f"task {i}")
    crashing = make_client(motion)
    crashing.__class__ = CrashingMotion
    crashing.crash_after, crashing.created = 12, 0  # type: ignore[attr-defined]
    row = await services.store.integrations.get(WS, integration.id)
    assert row is not None
    with pytest.raises(Crash):
        await SyncEngine(services, crashing, row).run()
    await crashing.aclose()
    # 12 tasks exist in Motion, but the process died before any link was written here.
    assert len(motion.tasks) == 12
    assert all("motion" not in t.external_ids for t in await all_tasks(services.store))
    logs = await services.store.sync_logs.list(WS)
    assert logs[0].status == "failed"

    log = await run_sync(services, motion, integration)

    assert log.status == "ok"
    assert log.created == 18  # the 12 already there were recognised by their tag, not created again
    await assert_in_step(services, motion_kit(motion), 30)
