"""What only Linear does, against its loopback fake (the shared scenarios are in test_tracker_sync.py): a
rate limit answered as HTTP 400 RATELIMITED, archived vs trashed issues, people, projects and states."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from core.models import Integration, Priority, TaskStatus
from core.secrets import SecretBox
from core.services import Actor, Services
from integrations.http import RateLimit
from integrations.linear import LinearClient
from tests.fakes.linear_server import LinearFake
from tests.integrations import tracker_kits as sc
from tests.integrations.conftest import FAST_RETRY
from tests.integrations.tracker_kits import WINDOW


@pytest.fixture
async def linear() -> AsyncIterator[LinearFake]:
    async with LinearFake(window=WINDOW, rate_limit=40) as fake:
        yield fake


@pytest.fixture
def kit(linear: LinearFake) -> sc.Kit:
    return sc.linear_kit(linear)


@pytest.fixture
async def integration(services: Services, box: SecretBox, kit: sc.Kit) -> Integration:
    return await sc.add_integration(services, box, kit)


async def test_ratelimited_inside_http_400_is_retried_and_never_exceeded(
    services: Services, box: SecretBox
) -> None:
    async with LinearFake(window=WINDOW, rate_limit=4) as fake:
        for i in range(30):
            fake.add_issue(f"Issue {i}", priority=i % 5)
        kit = sc.linear_kit(fake)
        integration = await sc.add_integration(services, box, kit)
        # A client that believes the limit is far higher, paging back to back: the fake answers 400.
        log = await sc.run_sync(services, kit, integration, rate=RateLimit(1000, WINDOW), page_size=2)
        assert log.status == "ok", log.errors
        assert fake.stats.rate_limited > 0 and log.pulled == 30
        assert fake.stats.max_in_window(WINDOW) <= 4
        tasks = await sc.all_tasks(services.store)
        assert sorted(t.priority for t in tasks).count(Priority.backlog) == 6  # priority 0 = no priority


async def test_bad_key_reads_plainly(linear: LinearFake) -> None:
    from core.errors import IntegrationAuthError

    client = LinearClient("lin_api_wrong_key_123456", base_url=linear.base_url, retry=FAST_RETRY)
    try:
        with pytest.raises(IntegrationAuthError) as caught:
            await client.current_user()
    finally:
        await client.aclose()
    assert "lin_api_wrong_key_123456" not in str(caught.value)


async def test_an_archived_issue_stays_a_task_a_trashed_one_does_not(
    services: Services, linear: LinearFake, kit: sc.Kit, integration: Integration
) -> None:
    done = linear.add_issue("Done long ago", stateId="st-done")["id"]
    trashed = linear.add_issue("Binned")["id"]
    await sc.run_sync(services, kit, integration)
    linear.edit_issue(done, title="Done long ago")  # touched, then auto-archived by Linear
    linear.issues[done]["archivedAt"] = linear.issues[done]["updatedAt"]
    linear.trash_issue(trashed)
    log = await sc.run_sync(services, kit, integration, full_every=timedelta(0))  # a full listing
    assert log.status == "ok" and log.deleted == 1
    by_title = {t.title: t for t in await sc.all_tasks(services.store)}
    assert by_title["Done long ago"].deleted_at is None
    assert by_title["Done long ago"].status.value == "completed"
    assert by_title["Binned"].deleted_at is not None


async def test_people_projects_and_states_map_both_ways(
    services: Services, linear: LinearFake, kit: sc.Kit, integration: Integration, alice: Actor
) -> None:
    bob = await services.users.ensure_user(sc.WS, "Bob Doe", email="bob@example.com")
    roadmap = linear.add_project("Roadmap")
    issue = linear.add_issue("Plan", assigneeId="lu-2", projectId=roadmap["id"], stateId="st-review")
    await sc.run_sync(services, kit, integration)
    task = (await sc.all_tasks(services.store))[0]
    linked = await services.store.users.get(sc.WS, bob.id)
    assert linked is not None and linked.linear_user_id == "lu-2"  # matched by email on first sight
    project = await services.store.projects.find_by_name(sc.WS, "Roadmap")
    assert project is not None and task.project_id == project.id and task.assignee_id == bob.id
    assert task.status is TaskStatus.in_review

    await services.tasks.update(
        alice, task.ref, status="cancelled", assignee=None, add_tags=["ops", "new-tag"]
    )
    log = await sc.run_sync(services, kit, integration)
    assert log.status == "ok", log.errors
    remote = linear.issues[issue["id"]]
    assert remote["state"]["type"] == "canceled" and remote["assignee"] is None
    assert sorted(linear.labels[x] for x in remote["labelIds"]) == [
        "Ops",
        "new-tag",
    ]  # a label made on the way


async def test_sub_issues_move_and_nest_no_deeper_than_three(
    services: Services, linear: LinearFake, kit: sc.Kit, integration: Integration
) -> None:
    """Linear nests sub-issues without limit; here a fourth level is kept top-level, and Linear keeps its
    parent (the refusal is never pushed back as a removal)."""
    a = linear.add_issue("Level 1")["id"]
    b = linear.add_issue("Level 2", parentId=a)["id"]
    c = linear.add_issue("Level 3", parentId=b)["id"]
    d = linear.add_issue("Level 4", parentId=c)["id"]
    other = linear.add_issue("Other")["id"]
    first = await sc.run_sync(services, kit, integration)
    assert first.status == "partial" and any("3 levels" in e for e in first.errors), first.errors
    local = {t.title: t for t in await sc.all_tasks(services.store)}
    assert local["Level 3"].parent_id == local["Level 2"].id
    assert local["Level 4"].parent_id is None
    assert linear.issues[d]["parent"] == {"id": c}

    linear.edit_issue(c, parentId=other)  # moved in Linear: now Level 4 fits
    linear.edit_issue(d, title="Level 4 (moved up)")
    moved = await sc.run_sync(services, kit, integration)
    assert moved.status == "ok", moved.errors
    local = {t.title: t for t in await sc.all_tasks(services.store)}
    assert local["Level 3"].parent_id == local["Other"].id
    assert local["Level 4 (moved up)"].parent_id == local["Level 3"].id
    assert linear.issues[d]["parent"] == {"id": c} and linear.issues[c]["parent"] == {"id": other}
    settled = await sc.run_sync(services, kit, integration)
    assert (settled.status, settled.pulled, settled.pushed) == ("ok", 0, 0)
    await sc.assert_in_step(services, kit, 5)
