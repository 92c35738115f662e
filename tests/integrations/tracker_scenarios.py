"""The Motion scenario set, written once for the trackers with an updated-since filter (Linear, GitLab,
Notion): full and incremental pulls, pushes, conflicts, deletes both ways, injected faults and a crash
mid-push, never a duplicate. Each vendor's test module supplies a ``Kit`` over its fake."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from core.integrations import IntegrationClient, RemoteTask, TaskFields
from core.models import ConflictPolicy, Integration, Platform, Priority, SyncDirection, SyncLog
from core.secrets import SecretBox
from core.services import Actor, Services
from core.sync import SyncEngine
from tests.fakes.http_faults import FaultPlan
from tests.fakes.tracker_fake import TrackerFake
from tests.integrations.conftest import WS, all_tasks


@dataclass
class Kit:
    """One tracker as the scenarios see it: its fake, a client factory and "a user of the tracker"."""

    kind: Any  # IntegrationType
    fake: TrackerFake
    client: Callable[..., IntegrationClient]  # (**overrides) -> a client for the fake
    add: Callable[[str], str]  # title -> remote id
    rename: Callable[[str, str], object]
    make_high: Callable[[str], object]  # set the remote item's priority to "high"
    remove: Callable[[str], object]  # deleted by a user of the tracker
    live: Callable[[], dict[str, str]]  # remote id -> title, items not deleted
    priority: Callable[[str], Priority]  # the remote item's priority in our terms
    deletes_seen_incrementally: bool  # else a full listing (periodic, or a webhook's) notices them


async def add_integration(services: Services, box: SecretBox, kit: Kit, **options: Any) -> Integration:
    await services.users.ensure_workspace(WS, Platform.console)
    row = Integration(
        workspace_id=WS,
        type=kit.kind,
        name=kit.kind.value,
        base_url=kit.fake.base_url,
        credentials_encrypted=box.encrypt({"api_key": kit.fake.api_key}),
        options=options,
    )
    return await services.store.integrations.add(row)


async def run_sync(
    services: Services,
    kit: Kit,
    integration: Integration,
    *,
    direction: SyncDirection | None = None,
    policy: ConflictPolicy | None = None,
    **client_kwargs: Any,
) -> SyncLog:
    store = services.store
    if policy is not None:
        await store.integrations.update(WS, integration.id, {"conflict_policy": policy})
    fresh = await store.integrations.get(WS, integration.id)
    assert fresh is not None
    client = kit.client(**client_kwargs)
    try:
        return await SyncEngine(services, client, fresh).run(direction)
    finally:
        await client.aclose()


async def sync_until_ok(services: Services, kit: Kit, integration: Integration) -> list[SyncLog]:
    logs = []
    for _ in range(6):
        logs.append(await run_sync(services, kit, integration))
        if logs[-1].status == "ok":
            break
    return logs


async def assert_in_step(services: Services, kit: Kit, expected: int) -> None:
    live_local = [t for t in await all_tasks(services.store) if t.deleted_at is None]
    remote = kit.live()
    assert max(Counter(remote.values()).values(), default=1) == 1, "a task was created twice remotely"
    assert max(Counter(t.title for t in live_local).values(), default=1) == 1, "a task was created twice here"
    assert len(live_local) == len(remote) == expected
    key = kit.kind.value
    for task in live_local:
        assert remote[task.external_ids[key]] == task.title


async def full_then_incremental(services: Services, kit: Kit, integration: Integration, n: int = 60) -> None:
    ids = [kit.add(f"Task {i:03d}") for i in range(n)]
    first = await run_sync(services, kit, integration)
    assert first.status == "ok", first.errors
    assert (first.pulled, first.created, first.pushed) == (n, n, 0)
    await assert_in_step(services, kit, n)

    # Nothing changed: nothing written, and the incremental listing is one page (a full one takes 3+).
    before = kit.fake.stats.count()
    again = await run_sync(services, kit, integration)
    assert (again.status, again.pulled, again.pushed, again.updated) == ("ok", 0, 0, 0)
    assert kit.fake.stats.count() - before <= 5, kit.fake.stats.accepted[before:]

    kit.rename(ids[1], "Task 001 renamed")
    kit.make_high(ids[2])
    new_id = kit.add("Brand new")
    third = await run_sync(services, kit, integration)
    assert third.status == "ok", third.errors
    assert (third.pulled, third.updated, third.created, third.pushed) == (3, 2, 1, 0)
    tasks = {t.external_ids[kit.kind.value]: t for t in await all_tasks(services.store)}
    assert tasks[ids[1]].title == "Task 001 renamed"
    assert tasks[ids[2]].priority is Priority.high
    assert tasks[new_id].title == "Brand new"


async def push_local_changes(services: Services, kit: Kit, integration: Integration, alice: Actor) -> None:
    remote_id = kit.add("From the tracker")
    await run_sync(services, kit, integration)
    made = await services.tasks.create(alice, "Made here")
    pulled = next(t for t in await all_tasks(services.store) if t.title == "From the tracker")
    await services.tasks.update(alice, pulled.ref, title="Edited here", priority="high")

    log = await run_sync(services, kit, integration)

    assert log.status == "ok", log.errors
    assert (log.pushed, log.created) == (2, 1)
    assert kit.live()[remote_id] == "Edited here" and kit.priority(remote_id) is Priority.high
    fresh = await services.store.tasks.get(WS, made.id)
    assert fresh is not None and kit.live()[fresh.external_ids[kit.kind.value]] == "Made here"
    settled = await run_sync(services, kit, integration)
    assert (settled.pulled, settled.pushed) == (0, 0)


async def conflict_follows_policy(
    services: Services, kit: Kit, integration: Integration, alice: Actor, policy: ConflictPolicy, winner: str
) -> None:
    remote_id = kit.add("Plan")
    await run_sync(services, kit, integration)
    task = (await all_tasks(services.store))[0]
    await services.tasks.update(alice, task.ref, title="Plan (local)")
    kit.rename(remote_id, "Plan (remote)")  # the remote edit is the newest

    log = await run_sync(services, kit, integration, policy=policy)

    expected = f"Plan ({winner})"
    local = await services.store.tasks.get(WS, task.id)
    assert local is not None and local.title == expected
    assert kit.live()[remote_id] == expected
    assert [(c["field"], c["winner"]) for c in log.conflicts] == [("title", winner)]


async def deletes_both_ways(services: Services, kit: Kit, integration: Integration, alice: Actor) -> None:
    keep, gone_there = kit.add("Keep"), kit.add("Deleted there")
    kit.add("Deleted here")
    await run_sync(services, kit, integration)
    by_title = {t.title: t for t in await all_tasks(services.store)}
    await services.tasks.delete(alice, [by_title["Deleted here"].ref])
    kit.remove(gone_there)
    overrides = {} if kit.deletes_seen_incrementally else {"full_every": timedelta(0)}

    log = await run_sync(services, kit, integration, **overrides)

    assert log.status == "ok", log.errors
    assert log.deleted == 2
    assert sorted(kit.live().values()) == ["Keep"]
    after = {t.title: t for t in await all_tasks(services.store)}
    assert after["Deleted there"].deleted_at is not None
    assert after["Keep"].deleted_at is None and after["Keep"].external_ids[kit.kind.value] == keep
    assert (await run_sync(services, kit, integration)).deleted == 0


async def faults_without_duplicates(
    services: Services, kit: Kit, integration: Integration, alice: Actor
) -> None:
    """20% of requests fail (5xx, held answers, dropped connections); the end state is right."""
    assert kit.fake.faults is not None
    remote_ids = [kit.add(f"remote {i}") for i in range(25)]
    for i in range(10):
        await services.tasks.create(alice, f"local {i}")
    first = await sync_until_ok(services, kit, integration)
    assert first[-1].status == "ok", first[-1].errors
    await assert_in_step(services, kit, 35)

    by_title = {t.title: t for t in await all_tasks(services.store)}
    for i in range(5):
        kit.make_high(remote_ids[i])
        await services.tasks.update(alice, by_title[f"local {i}"].ref, title=f"local {i} edited")
    for i in range(3):
        await services.tasks.create(alice, f"new local {i}")
    second = await sync_until_ok(services, kit, integration)
    assert second[-1].status == "ok", second[-1].errors
    await assert_in_step(services, kit, 38)
    assert sum(kit.fake.stats.faults.values()) >= 5
    kit.fake.faults.rate = 0
    settled = await run_sync(services, kit, integration)
    assert (settled.status, settled.pulled, settled.pushed) == ("ok", 0, 0)


class Crash(Exception):
    """Stands for the process dying mid-run (not an OrchestratorError, so the engine re-raises it)."""


async def crash_mid_push_resumes(
    services: Services, kit: Kit, integration: Integration, alice: Actor
) -> None:
    for i in range(12):
        await services.tasks.create(alice, f"task {i}")
    client = kit.client()
    created = 0
    real_create = client.create_task

    async def create_then_die(fields: TaskFields, local_ref: str) -> RemoteTask:
        nonlocal created
        if created == 5:
            raise Crash
        created += 1
        return await real_create(fields, local_ref)

    client.create_task = create_then_die  # type: ignore[method-assign]
    row = await services.store.integrations.get(WS, integration.id)
    assert row is not None
    with pytest.raises(Crash):
        await SyncEngine(services, client, row).run()
    await client.aclose()
    assert len(kit.live()) == 5

    log = await run_sync(services, kit, integration)
    assert log.status == "ok", log.errors
    assert log.created == 7  # the 5 already there were recognised, not created again
    await assert_in_step(services, kit, 12)


def fault_plan() -> FaultPlan:
    return FaultPlan(rate=0.2, seed=5, hang=0.6)
