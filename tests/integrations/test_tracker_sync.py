"""The sync scenarios every tracker must pass, parametrized over Motion, Linear, GitLab and Notion against
their loopback fakes: full and incremental pulls, pushes, conflicts, deletes both ways, injected faults and a
crash mid-push, never a duplicate. What only one vendor does is tested in its own module."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from core.integrations import RemoteTask, TaskFields
from core.models import ConflictPolicy, Integration, Priority, Task
from core.secrets import SecretBox
from core.services import Actor, Services
from core.sync import SyncEngine
from tests.fakes.tracker_fake import TrackerFake
from tests.integrations.conftest import WS, all_tasks
from tests.integrations.tracker_kits import (
    VENDORS,
    Kit,
    Vendor,
    add_integration,
    assert_in_step,
    fault_plan,
    run_sync,
    sync_until_ok,
)

CONFLICTS = [(name, p, w) for name, v in VENDORS.items() for p, w in v.conflicts]
WITH_SUBTASKS = [name for name, v in VENDORS.items() if "parent" in v.structure]
WITHOUT_SUBTASKS = [name for name, v in VENDORS.items() if "parent" not in v.structure]
WITH_BLOCKERS = [name for name, v in VENDORS.items() if "blocked_by" in v.structure]


@pytest.fixture(params=list(VENDORS))
def vendor(request: pytest.FixtureRequest) -> Vendor:
    return VENDORS[request.param]


@pytest.fixture
async def fake(vendor: Vendor) -> AsyncIterator[TrackerFake]:
    async with vendor.fake() as started:
        yield started


@pytest.fixture
def kit(vendor: Vendor, fake: TrackerFake) -> Kit:
    return vendor.kit(fake)


@pytest.fixture
async def flaky(vendor: Vendor) -> AsyncIterator[Kit]:
    """The vendor's fake with 20% of requests failing."""
    async with vendor.fake(faults=fault_plan()) as started:
        yield vendor.kit(started)


@pytest.fixture
async def integration(services: Services, box: SecretBox, kit: Kit) -> Integration:
    return await add_integration(services, box, kit)


async def test_full_then_incremental(services: Services, kit: Kit, integration: Integration) -> None:
    n = 60
    ids = [kit.add(f"Task {i:03d}") for i in range(n)]
    first = await run_sync(services, kit, integration)
    assert first.status == "ok", first.errors
    assert (first.pulled, first.created, first.pushed) == (n, n, 0)
    await assert_in_step(services, kit, n)

    # Nothing changed: nothing written, and the incremental listing is one page (a full one takes 3+).
    before = kit.fake.stats.count()
    again = await run_sync(services, kit, integration)
    assert (again.status, again.pulled, again.pushed, again.updated) == ("ok", 0, 0, 0)
    assert kit.fake.stats.count() - before <= kit.unchanged_run_requests, kit.fake.stats.accepted[before:]

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


async def test_push(services: Services, kit: Kit, integration: Integration, alice: Actor) -> None:
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


@pytest.mark.parametrize(("vendor", "policy", "winner"), CONFLICTS, indirect=["vendor"])
async def test_conflicts(
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


async def test_deletes(services: Services, kit: Kit, integration: Integration, alice: Actor) -> None:
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


async def test_faults_without_duplicates(
    services: Services, box: SecretBox, alice: Actor, flaky: Kit
) -> None:
    """20% of requests fail (5xx, held answers, dropped connections); the end state is right."""
    kit, integration = flaky, await add_integration(services, box, flaky)
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


async def test_crash_mid_push(services: Services, kit: Kit, integration: Integration, alice: Actor) -> None:
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


async def _by_title(services: Services) -> dict[str, Task]:
    return {t.title: t for t in await all_tasks(services.store)}


@pytest.mark.parametrize("vendor", WITH_SUBTASKS, indirect=True)
async def test_subtasks_both_ways(
    services: Services, kit: Kit, integration: Integration, alice: Actor
) -> None:
    assert kit.add_child is not None and kit.parent_of is not None
    launch = kit.add("Launch")
    kit.add_child("Book the venue", launch)
    pulled = await run_sync(services, kit, integration)
    assert pulled.status == "ok", pulled.errors
    local = await _by_title(services)
    assert local["Book the venue"].parent_id == local["Launch"].id

    # Made here: a subtask of the pulled parent, and a new parent with its own new subtask.
    await services.tasks.create(alice, "Confirm the menu", parent_id=local["Launch"].id)
    party = await services.tasks.create(alice, "Party")
    await services.tasks.create(alice, "Buy a cake", parent_id=party.id)
    pushed = await run_sync(services, kit, integration)
    assert pushed.status == "ok", pushed.errors
    assert pushed.created == 3
    remote = {t.title: t.external_ids[kit.kind.value] for t in await all_tasks(services.store)}
    assert kit.parent_of(remote["Confirm the menu"]) == launch
    assert kit.parent_of(remote["Buy a cake"]) == remote["Party"]
    assert kit.parent_of(remote["Party"]) is None

    settled = await run_sync(services, kit, integration)
    assert (settled.status, settled.pulled, settled.pushed) == ("ok", 0, 0)
    await assert_in_step(services, kit, 5)
    local = await _by_title(services)
    assert local["Buy a cake"].parent_id == local["Party"].id


@pytest.mark.parametrize("vendor", WITH_BLOCKERS, indirect=True)
async def test_dependencies_both_ways(
    services: Services, kit: Kit, integration: Integration, alice: Actor
) -> None:
    assert kit.block is not None and kit.blockers_of is not None
    design, build, ship = kit.add("Design"), kit.add("Build"), kit.add("Ship")
    await run_sync(services, kit, integration)

    kit.block(design, build)  # added in the tracker
    pulled = await run_sync(services, kit, integration)
    assert pulled.status == "ok", pulled.errors
    local = await _by_title(services)
    assert local["Build"].dependencies == [local["Design"].id]

    await services.structure.block(alice, local["Build"].ref, local["Ship"].ref)  # added here
    pushed = await run_sync(services, kit, integration)
    assert pushed.status == "ok", pushed.errors
    assert kit.blockers_of(ship) == {build} and kit.blockers_of(build) == {design}
    settled = await run_sync(services, kit, integration)
    assert (settled.pulled, settled.pushed) == (0, 0)

    await services.structure.unblock(alice, local["Build"].ref, local["Design"].ref)  # removed here
    removed = await run_sync(services, kit, integration)
    assert removed.status == "ok", removed.errors
    assert kit.blockers_of(build) == set() and kit.blockers_of(ship) == {build}
    await assert_in_step(services, kit, 3)
    local = await _by_title(services)
    assert (local["Build"].dependencies, local["Ship"].dependencies) == ([], [local["Build"].id])


@pytest.mark.parametrize("vendor", WITHOUT_SUBTASKS, indirect=True)
async def test_links_stay_local_without_subtasks(
    services: Services, kit: Kit, integration: Integration, alice: Actor
) -> None:
    """A tracker with no subtasks keeps the flat items; the links stay here, through edits both ways."""
    launch = await services.tasks.create(alice, "Launch")
    venue = await services.tasks.create(alice, "Book the venue", parent_id=launch.id)
    invites = await services.tasks.create(alice, "Send invites")
    await services.structure.block(alice, venue.ref, invites.ref)
    first = await run_sync(services, kit, integration)
    assert first.status == "ok", first.errors
    assert first.created == 3

    stored = await services.store.tasks.get(WS, venue.id)
    assert stored is not None
    kit.rename(stored.external_ids[kit.kind.value], "Book the hall")  # edited in the tracker
    await services.tasks.update(alice, launch.ref, title="Launch party")  # and here
    again = await run_sync(services, kit, integration)
    assert again.status == "ok", again.errors

    local = await _by_title(services)
    assert local["Book the hall"].parent_id == launch.id
    assert local["Send invites"].dependencies == [venue.id]
    settled = await run_sync(services, kit, integration)
    assert (settled.pulled, settled.pushed) == (0, 0)
    await assert_in_step(services, kit, 3)
