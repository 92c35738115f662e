"""What only GitLab does, against its loopback fake (the shared scenarios are in test_tracker_sync.py):
labels as a string in and an array out, closing what this token may not delete, 429 with a plain-text
body."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta

import pytest

from core.models import Integration, Priority, TaskStatus
from core.secrets import SecretBox
from core.services import Actor, Services
from integrations.http import RateLimit
from tests.fakes.gitlab_server import GitLabFake
from tests.integrations import tracker_kits as sc
from tests.integrations.conftest import WS
from tests.integrations.tracker_kits import WINDOW


@pytest.fixture
async def gitlab() -> AsyncIterator[GitLabFake]:
    async with GitLabFake(window=WINDOW) as fake:
        yield fake


@pytest.fixture
def kit(gitlab: GitLabFake) -> sc.Kit:
    return sc.gitlab_kit(gitlab)


@pytest.fixture
async def integration(services: Services, box: SecretBox, kit: sc.Kit) -> Integration:
    return await sc.add_integration(services, box, kit)


async def test_fields_labels_and_states_round_trip(
    services: Services, gitlab: GitLabFake, kit: sc.Kit, integration: Integration, alice: Actor
) -> None:
    sprint = gitlab.add_milestone("Sprint 1")
    alice_user = await services.users.ensure_user(WS, "Alice Doe", email="alice@example.com")
    iid = gitlab.add_issue(
        "Fix login",
        labels="Bug,priority::critical,status::in-review",
        due_date="2026-06-01",
        assignee_ids=[7],
        milestone_id=sprint["id"],
        description="Steps **here**",
    )["iid"]
    closed = gitlab.add_issue("Old", state_event="close")["iid"]
    assert (await sc.run_sync(services, kit, integration)).status == "ok"
    tasks = {t.title: t for t in await sc.all_tasks(services.store)}
    task = tasks["Fix login"]
    assert (task.status, task.priority, task.tags) == (TaskStatus.in_review, Priority.critical, ["bug"])
    assert task.due_date == date(2026, 6, 1) and task.assignee_id == alice_user.id
    assert task.description == "Steps **here**" and task.project_id is not None
    assert tasks["Old"].status is TaskStatus.completed
    linked = await services.store.users.get(WS, alice_user.id)
    assert linked is not None and linked.gitlab_user_id == "7"  # matched by email on first sight

    await services.tasks.update(alice, task.ref, status="cancelled", priority="low", add_tags=["ux"])
    await services.tasks.update(alice, tasks["Old"].ref, status="in_progress")
    log = await sc.run_sync(services, kit, integration)
    assert log.status == "ok", log.errors
    issue = gitlab.issues[iid]
    assert issue["state"] == "closed"
    assert issue["labels"] == [
        "Bug",
        "priority::low",
        "status::cancelled",
        "ux",
    ]  # the project's spelling kept
    assert (
        gitlab.issues[closed]["state"] == "opened"
        and "status::in-progress" in gitlab.issues[closed]["labels"]
    )
    assert (await sc.run_sync(services, kit, integration)).pushed == 0


async def test_without_delete_rights_an_issue_is_closed_and_labelled(
    services: Services, box: SecretBox, alice: Actor
) -> None:
    async with GitLabFake(window=WINDOW, owner=False) as fake:
        kit = sc.gitlab_kit(fake)
        integration = await sc.add_integration(services, box, kit)
        iid = fake.add_issue("Doomed")["iid"]
        await sc.run_sync(services, kit, integration)
        task = (await sc.all_tasks(services.store))[0]
        await services.tasks.delete(alice, [task.ref])
        log = await sc.run_sync(services, kit, integration)
        assert log.status == "ok" and log.deleted == 1
        assert fake.issues[iid]["state"] == "closed" and "orchestrator::deleted" in fake.issues[iid]["labels"]
        again = await sc.run_sync(services, kit, integration, full_every=timedelta(0))
        assert (again.status, again.created, again.pulled) == ("ok", 0, 0)  # not imported back
        assert len(await sc.all_tasks(services.store)) == 1


async def test_429_with_a_plain_text_body_is_retried(services: Services, box: SecretBox) -> None:
    async with GitLabFake(window=WINDOW, rate_limit=4) as fake:
        for i in range(45):
            fake.add_issue(f"Issue {i}")
        kit = sc.gitlab_kit(fake)
        integration = await sc.add_integration(services, box, kit)
        log = await sc.run_sync(services, kit, integration, rate=RateLimit(1000, WINDOW), page_size=3)
        assert log.status == "ok", log.errors
        assert log.pulled == 45 and fake.stats.rate_limited > 0
        assert fake.stats.max_in_window(WINDOW) <= 4
