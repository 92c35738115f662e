"""Every Slack action is one turn of the core's unit of work: the sender resolved once, named people given
rows through ``IncomingMessage.people``, buttons audited as buttons, the Home tab read through a command."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from core.models import AuditAction, Role, Surface, TaskStatus
from core.store import Store
from tests.slack.fake_api import FakeSlack
from tests.slack.harness import SlackHarness, dm_event, mention_event
from tests.slack.helpers import WORKSPACE, all_tasks, user
from tests.slack.test_interactive import click


def _count_user_rows(slack: SlackHarness, monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How often the core looks up (or creates) each Slack user's row, by Slack id."""
    assert slack.surface is not None
    users = slack.surface.deps.handler.services.users
    original = users.ensure_user
    calls: Counter[str] = Counter()

    async def counting(*args: Any, **kwargs: Any) -> Any:
        calls[str(kwargs.get("slack_user_id"))] += 1
        return await original(*args, **kwargs)

    monkeypatch.setattr(users, "ensure_user", counting)
    return calls


async def test_a_mention_resolves_the_sender_once_and_gives_the_named_person_a_row(
    slack: SlackHarness, fake: FakeSlack, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = _count_user_rows(slack, monkeypatch)
    # Bob has never talked to the bot; Slack writes his mention with a label.
    await slack.event(mention_event("add Draft post <@U2|bob> due fri"))
    [reply] = await fake.wait_for("chat.postMessage")
    assert "Created T-1" in reply.params["text"]

    assert rows == {"U1": 1, "U2": 1}  # the sender once per message, the named person once
    [task] = await all_tasks(store)
    alice, bob = await user(store, "U1"), await user(store, "U2")
    assert task.title == "Draft post" and task.assignee_id == bob.id and task.created_by == alice.id
    # Bob's row comes from his Slack profile (via people), not from the label in the text.
    assert (bob.name, bob.display_name, bob.email) == ("bob", "Bob Stone", "bob@example.com")
    assert bob.timezone == "America/New_York" and bob.role is Role.member and alice.role is Role.admin
    assert [c.params["user"] for c in fake.of("users.info")] == ["U1", "U2"]

    # The next message: still one resolution of the sender, and the profiles come from the cache.
    await slack.event(dm_event("list mine", ts="1700000030.000100"))
    await fake.wait_for("chat.postMessage", 2)
    assert rows == {"U1": 2, "U2": 1}
    assert len(fake.of("users.info")) == 2


async def test_the_delete_button_is_a_command_audited_as_a_button(
    slack: SlackHarness, fake: FakeSlack, store: Store
) -> None:
    await slack.command("add Old idea")
    await fake.wait_for("response_url")
    await slack.command("delete T-1")
    await fake.wait_for("response_url", 2)
    await slack.interaction(
        click(None, "task_delete", "T-1", user_id="U2", response_url=fake.response_url("x"))
    )
    [update] = [c for c in await fake.wait_for("response_url", 3) if c.path.endswith("/x")]
    assert "Deleted by <@U2>" in update.params["blocks"][-1]["elements"][0]["text"]

    [task] = await all_tasks(store)
    assert task.deleted_at is not None and task.deleted_by == (await user(store, "U2")).id
    deleted = [
        e for e in await store.audit.list(WORKSPACE, entity_id=task.id) if e.action is AuditAction.delete
    ]
    assert [(e.surface, e.actor_id) for e in deleted] == [(Surface.button, (await user(store, "U2")).id)]


async def test_a_button_that_finds_nothing_to_do_tells_only_the_clicker(
    slack: SlackHarness, fake: FakeSlack, store: Store
) -> None:
    await slack.command("add Twice")
    await fake.wait_for("response_url")
    for n in (1, 2):
        await slack.interaction(
            click(None, "task_delete", "T-1", user_id="U1", response_url=fake.response_url(f"d{n}"))
        )
        await fake.wait_for("response_url", 1 + n)
    [second] = [c for c in fake.of("response_url") if c.path.endswith("/d2")]
    assert second.params["replace_original"] is False and second.params["response_type"] == "ephemeral"
    assert "Already deleted" in second.params["text"]


async def test_home_tab_after_changes_and_it_keeps_a_pending_question(
    slack: SlackHarness, fake: FakeSlack, store: Store
) -> None:
    for n, title in enumerate(("Mine", "Also mine", "Not mine"), start=1):
        who = "<@U1>" if title != "Not mine" else "<@U2>"
        await slack.event(dm_event(f"add {title} {who}", ts=f"17000001{n}.000100"))
        await fake.wait_for("chat.postMessage", n)
    await slack.event(dm_event("done T-1", ts="1700000120.000100"))
    await fake.wait_for("chat.postMessage", 4)
    await slack.event(dm_event("delete T-2", ts="1700000121.000100"))  # a question waits in the DM
    replies = await fake.wait_for("chat.postMessage", 5)
    assert "Delete T-2?" in replies[4].params["text"]

    await slack.event({"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"})
    [home] = await fake.wait_for("views.publish")
    view = home.params["view"]
    cards = [b["block_id"] for b in view["blocks"] if b.get("block_id", "").count(":") == 1]
    assert cards == ["task:T-2"]  # T-1 is done, T-3 is Bob's
    assert "1 open task assigned to you" in str(view["blocks"])

    # Reading the Home tab is its own conversation: the DM's question is still there to answer.
    await slack.event(dm_event("yes", ts="1700000122.000100"))
    assert "Deleted T-2" in (await fake.wait_for("chat.postMessage", 6))[5].params["text"]
    tasks = await all_tasks(store)
    assert tasks[0].status is TaskStatus.completed and tasks[1].deleted_at is not None

    await slack.event({"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"})
    republished = await fake.wait_for("views.publish", 2)
    assert "Nothing is assigned to you" in str(republished[1].params["view"]["blocks"])
