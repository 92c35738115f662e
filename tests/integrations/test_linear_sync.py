"""Linear on the sync engine: the scenario set against the loopback fake (Relay pages of 20, a rate limit
answered as HTTP 400 RATELIMITED, trash on delete, client-supplied issue ids)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from core.models import ConflictPolicy, Integration, IntegrationType, Priority, TaskStatus
from core.secrets import SecretBox
from core.services import Actor, Services
from integrations.http import RateLimit
from integrations.linear import LinearClient
from integrations.linear_mapping import FROM_LINEAR_PRIORITY
from tests.fakes.linear_server import LinearFake
from tests.integrations import tracker_scenarios as sc
from tests.integrations.conftest import CLIENT_TIMEOUT, FAST_RETRY

WINDOW = 0.3


def linear_kit(fake: LinearFake) -> sc.Kit:
    def client(**overrides: Any) -> LinearClient:
        kwargs: dict[str, Any] = {
            "base_url": fake.base_url,
            "rate": RateLimit(fake.rate_limit, fake.window, safety=0.8),
            "retry": FAST_RETRY,
            "timeout": CLIENT_TIMEOUT,
            "page_size": 20,
            "cursor_margin": timedelta(0),  # the fake commits in order: no late writes to allow for
        }
        return LinearClient(fake.api_key, **{**kwargs, **overrides})

    return sc.Kit(
        kind=IntegrationType.linear,
        fake=fake,
        client=client,
        add=lambda title: str(fake.add_issue(title)["id"]),
        rename=lambda i, title: fake.edit_issue(i, title=title),
        make_high=lambda i: fake.edit_issue(i, priority=2),
        remove=fake.trash_issue,
        live=lambda: {i["id"]: i["title"] for i in fake.live()},
        priority=lambda i: FROM_LINEAR_PRIORITY[fake.issues[i]["priority"]],
        deletes_seen_incrementally=True,
    )


@pytest.fixture
async def linear() -> AsyncIterator[LinearFake]:
    async with LinearFake(window=WINDOW, rate_limit=40) as fake:
        yield fake


@pytest.fixture
def kit(linear: LinearFake) -> sc.Kit:
    return linear_kit(linear)


@pytest.fixture
async def integration(services: Services, box: SecretBox, kit: sc.Kit) -> Integration:
    return await sc.add_integration(services, box, kit)


async def test_full_then_incremental(services: Services, kit: sc.Kit, integration: Integration) -> None:
    await sc.full_then_incremental(services, kit, integration)


async def test_push(services: Services, kit: sc.Kit, integration: Integration, alice: Actor) -> None:
    await sc.push_local_changes(services, kit, integration, alice)


@pytest.mark.parametrize(
    ("policy", "winner"),
    [(ConflictPolicy.newest_wins, "remote"), (ConflictPolicy.local_wins, "local")],
)
async def test_conflicts(
    services: Services,
    kit: sc.Kit,
    integration: Integration,
    alice: Actor,
    policy: ConflictPolicy,
    winner: str,
) -> None:
    await sc.conflict_follows_policy(services, kit, integration, alice, policy, winner)


async def test_deletes(services: Services, kit: sc.Kit, integration: Integration, alice: Actor) -> None:
    await sc.deletes_both_ways(services, kit, integration, alice)


async def test_crash_mid_push(
    services: Services, kit: sc.Kit, integration: Integration, alice: Actor
) -> None:
    await sc.crash_mid_push_resumes(services, kit, integration, alice)


async def test_faults_without_duplicates(services: Services, box: SecretBox, alice: Actor) -> None:
    async with LinearFake(window=WINDOW, rate_limit=40, faults=sc.fault_plan()) as fake:
        kit = linear_kit(fake)
        integration = await sc.add_integration(services, box, kit)
        await sc.faults_without_duplicates(services, kit, integration, alice)


async def test_ratelimited_inside_http_400_is_retried_and_never_exceeded(
    services: Services, box: SecretBox
) -> None:
    async with LinearFake(window=WINDOW, rate_limit=4) as fake:
        for i in range(30):
            fake.add_issue(f"Issue {i}", priority=i % 5)
        kit = linear_kit(fake)
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
