"""What only Notion does, against its loopback fake (the shared scenarios are in test_tracker_sync.py):
configurable property names, a ``last_edited_time`` filter on a clock rounded to the minute, a pinned
Notion-Version."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import pytest

from core.errors import IntegrationAuthError
from core.models import Integration, Priority, TaskStatus
from core.secrets import SecretBox
from core.services import Actor, Services
from integrations.notion import NotionClient
from tests.fakes.notion_server import DATABASE_ID, NotionFake
from tests.integrations import tracker_kits as sc
from tests.integrations.conftest import FAST_RETRY, WS
from tests.integrations.tracker_kits import WINDOW


@pytest.fixture
async def notion() -> AsyncIterator[NotionFake]:
    async with NotionFake(window=WINDOW, rate_limit=12) as fake:
        yield fake


@pytest.fixture
def kit(notion: NotionFake) -> sc.Kit:
    return sc.notion_kit(notion)


@pytest.fixture
async def integration(services: Services, box: SecretBox, kit: sc.Kit) -> Integration:
    return await sc.add_integration(services, box, kit)


async def test_configured_property_names_and_field_quirks(
    services: Services, box: SecretBox, alice: Actor
) -> None:
    names = {"title": "Task", "status": "State", "priority": "Urgency", "due": "Deadline", "tags": "Labels"}
    async with NotionFake(window=WINDOW, rate_limit=12, names=names) as fake:
        kit = sc.notion_kit(fake, properties=names)
        integration = await sc.add_integration(services, box, kit)
        carol = await services.users.ensure_user(WS, "Carol", email="alice@example.com")
        page = fake.add_page(
            "Write spec",
            status="Blocked",
            priority="Urgent",
            due="2026-06-01",
            tags=["Bug"],
            assignee=["5e000000-0000-4000-8000-0000000000a1"],
            description="Long " * 10,
        )
        assert (await sc.run_sync(services, kit, integration)).status == "ok"
        task = (await sc.all_tasks(services.store))[0]
        assert (task.title, task.status, task.priority, task.tags) == (
            "Write spec",
            TaskStatus.blocked,
            Priority.critical,
            ["bug"],
        )
        assert task.due_date == date(2026, 6, 1) and task.assignee_id == carol.id
        linked = await services.store.users.get(WS, carol.id)
        assert linked is not None and linked.notion_user_id == "5e000000-0000-4000-8000-0000000000a1"

        long_text = "x" * 3990  # more than one rich text object may hold (2,000), within the 4,000 limit
        await services.tasks.update(
            alice, task.ref, status="completed", priority="backlog", description=long_text, add_tags=["a,b"]
        )
        log = await sc.run_sync(services, kit, integration)
        assert log.status == "ok", log.errors
        assert fake.value(page["id"], "status")["name"] == "Done"
        assert (
            fake.value(page["id"], "priority")["name"] == "Backlog"
        )  # a new select option, made on first use
        assert "".join(x["plain_text"] for x in fake.value(page["id"], "description")) == long_text
        assert sorted(o["name"] for o in fake.value(page["id"], "tags")) == ["a b", "bug"]
        again = await sc.run_sync(services, kit, integration)
        assert (again.pulled, again.pushed) == (0, 0)


async def test_an_edit_in_the_same_minute_as_the_cursor_is_still_pulled(
    services: Services, kit: sc.Kit, notion: NotionFake, integration: Integration
) -> None:
    page_id = kit.add("First")
    await sc.run_sync(services, kit, integration)
    kit.rename(page_id, "First, renamed")  # its last_edited_time may equal the cursor's minute
    log = await sc.run_sync(services, kit, integration)
    assert log.pulled == 1
    assert (await sc.all_tasks(services.store))[0].title == "First, renamed"


async def test_pinned_version_and_a_bad_token(notion: NotionFake) -> None:
    import httpx

    async with httpx.AsyncClient() as raw:
        bare = await raw.get(
            f"{notion.base_url}/users/me", headers={"Authorization": f"Bearer {notion.api_key}"}
        )
    assert bare.status_code == 400 and bare.json()["code"] == "missing_version"
    client = NotionClient(
        "secret_wrong_token_12345", database=DATABASE_ID, base_url=notion.base_url, retry=FAST_RETRY
    )
    try:
        with pytest.raises(IntegrationAuthError) as caught:
            await client.current_user()
    finally:
        await client.aclose()
    assert "secret_wrong_token_12345" not in str(caught.value)


async def test_without_self_relations_the_links_stay_local(
    services: Services, box: SecretBox, alice: Actor
) -> None:
    async with NotionFake(window=WINDOW, rate_limit=12, structure=False) as flat:
        kit = sc.notion_kit(flat)
        integration = await sc.add_integration(services, box, kit)
        launch = await services.tasks.create(alice, "Launch")
        venue = await services.tasks.create(alice, "Book the venue", parent_id=launch.id)
        log = await sc.run_sync(services, kit, integration)
        assert log.status == "ok", log.errors
        again = await sc.run_sync(services, kit, integration)
        assert (again.pulled, again.pushed) == (0, 0)
        stored = await services.store.tasks.get(WS, venue.id)
        assert stored is not None and stored.parent_id == launch.id


async def test_self_relations_named_in_the_options(services: Services, box: SecretBox) -> None:
    names = {"parent": "Part of", "blocked_by": "Waits on"}
    async with NotionFake(window=WINDOW, rate_limit=12, names=names) as named:
        kit = sc.notion_kit(named, properties=names)
        integration = await sc.add_integration(services, box, kit)
        parent = named.add_page("Plan")["id"]
        named.add_page("Draft", parent=[parent], blocked_by=[parent])
        log = await sc.run_sync(services, kit, integration)
        assert log.status == "ok", log.errors
        by_title = {t.title: t for t in await sc.all_tasks(services.store)}
        assert by_title["Draft"].parent_id == by_title["Plan"].id
        assert by_title["Draft"].dependencies == [by_title["Plan"].id]
        again = await sc.run_sync(services, kit, integration)
        assert (again.pulled, again.pushed) == (0, 0)
