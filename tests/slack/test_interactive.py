"""Interactivity over signed HTTP: the message shortcut and its modal, and the task-card buttons."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from core.models import AuditAction, Surface, TaskStatus
from core.store import Store
from tests.slack.fake_api import TEAM_ID, FakeSlack
from tests.slack.harness import SlackHarness
from tests.slack.helpers import WORKSPACE, all_tasks, local_today, no_tasks, user

MESSAGE_TEXT = "Can someone renew the SSL certificate?\nIt expires on Friday."


def shortcut_payload() -> dict[str, Any]:
    return {
        "type": "message_action",
        "callback_id": "create_task_from_message",
        "trigger_id": "trigger-shortcut-1",
        "team": {"id": TEAM_ID, "domain": "acme"},
        "user": {"id": "U1", "username": "alice", "team_id": TEAM_ID},
        "channel": {"id": "C7", "name": "ops"},
        "message_ts": "1700000500.000300",
        "message": {"type": "message", "user": "U2", "text": MESSAGE_TEXT, "ts": "1700000500.000300"},
        "response_url": "https://hooks.invalid/unused",
        "api_app_id": "A1",
        "token": "legacy",
    }


def submission(
    opened: dict[str, Any], *, title: str, due: str | None, assignee: str | None
) -> dict[str, Any]:
    values = {
        "title": {"title_input": {"type": "plain_text_input", "value": title}},
        "notes": {"notes_input": {"type": "plain_text_input", "value": MESSAGE_TEXT}},
        "due": {"due_input": {"type": "datepicker", "selected_date": due}},
        "assignee": {"assignee_input": {"type": "users_select", "selected_user": assignee}},
    }
    view = {**opened, "id": "VMODAL1", "team_id": TEAM_ID, "state": {"values": values}, "hash": "h1"}
    return {
        "type": "view_submission",
        "team": {"id": TEAM_ID, "domain": "acme"},
        "user": {"id": "U1", "username": "alice", "team_id": TEAM_ID},
        "view": view,
        "api_app_id": "A1",
        "token": "legacy",
        "trigger_id": "trigger-submit-1",
    }


async def test_shortcut_opens_a_prefilled_modal_and_the_task_links_back(
    slack: SlackHarness, fake: FakeSlack, store: Store
) -> None:
    ack = await slack.interaction(shortcut_payload())
    assert (ack.status, ack.text) == (200, "")
    [opened] = await fake.wait_for("views.open")
    [link_call] = fake.of("chat.getPermalink")
    assert link_call.params == {"channel": "C7", "message_ts": "1700000500.000300", "team_id": TEAM_ID}
    assert opened.params["trigger_id"] == "trigger-shortcut-1"
    view = opened.params["view"]
    assert view["callback_id"] == "create_task_modal"
    fields = {b.get("block_id"): b for b in view["blocks"]}
    assert fields["title"]["element"]["initial_value"] == "Can someone renew the SSL certificate?"
    assert fields["notes"]["element"]["initial_value"] == MESSAGE_TEXT
    permalink = "https://acme.slack.com/archives/C7/p1700000500000300"
    assert json.loads(view["private_metadata"])["source_url"] == permalink

    due = (local_today("Europe/Paris") + timedelta(days=3)).isoformat()
    submitted = submission(view, title="Renew SSL certificate", due=due, assignee="U2")
    ack = await slack.interaction(submitted)
    assert (ack.status, ack.text) == (200, "")  # an empty ack closes the modal

    [confirmation] = await fake.wait_for("chat.postMessage")
    assert confirmation.params["channel"] == "U1"  # the app's DM with the person who submitted
    assert "Created *T-1*" in confirmation.params["blocks"][0]["text"]["text"]
    [task] = await all_tasks(store)
    assert task.title == "Renew SSL certificate"
    assert task.source_url == permalink
    assert task.description == MESSAGE_TEXT
    assert task.due_date == date.fromisoformat(due)
    assert task.assignee_id == (await user(store, "U2")).id
    assert task.created_by == (await user(store, "U1")).id

    # The same submission delivered again creates nothing more.
    await slack.interaction(submitted)
    assert slack.surface is not None and await slack.surface.deps.inflight.drain()
    assert len(await all_tasks(store)) == 1
    assert len(fake.of("chat.postMessage")) == 1


async def test_blank_title_is_an_inline_modal_error(slack: SlackHarness, store: Store) -> None:
    payload = submission(
        {"type": "modal", "callback_id": "create_task_modal", "private_metadata": "{}"},
        title=" ",
        due=None,
        assignee=None,
    )
    ack = await slack.interaction(payload)
    assert ack.status == 200
    assert json.loads(ack.text) == {"response_action": "errors", "errors": {"title": "A task needs a title."}}
    assert await no_tasks(store)


def click(
    message: dict[str, Any] | None, action_id: str, ref: str, *, user_id: str, response_url: str
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": TEAM_ID, "domain": "acme"},
        "user": {"id": user_id, "username": user_id.lower(), "team_id": TEAM_ID},
        "api_app_id": "A1",
        "token": "legacy",
        "trigger_id": f"trigger-{action_id}-{ref}",
        "container": {
            "type": "message",
            "message_ts": "1700000600.000100",
            "channel_id": "C1",
            "is_ephemeral": False,
        },
        "channel": {"id": "C1", "name": "general"},
        "response_url": response_url,
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": f"task:{ref}:actions",
                "value": ref,
                "action_ts": "1700000601.000200",
            }
        ],
    }
    if message is not None:
        payload["message"] = message
    return payload


async def _list_message(slack: SlackHarness, fake: FakeSlack) -> dict[str, Any]:
    """Two tasks and a shared list of them, as the channel sees it."""
    await slack.command("add Write agenda due tomorrow")
    await fake.wait_for("response_url")
    await slack.command("add Book room")
    await fake.wait_for("response_url", 2)
    await slack.command("list --share")
    answers = await fake.wait_for("response_url", 3)
    listing = answers[2].params
    assert listing["response_type"] == "in_channel"
    return {
        "type": "message",
        "ts": "1700000600.000100",
        "text": listing["text"],
        "blocks": listing["blocks"],
    }


async def test_buttons_change_the_task_and_update_only_that_card(
    slack: SlackHarness, fake: FakeSlack, store: Store
) -> None:
    message = await _list_message(slack, fake)
    first_card = [b for b in message["blocks"] if str(b.get("block_id", "")).startswith("task:T-1")]

    # Bob completes T-2 from the shared list.
    await slack.interaction(
        click(message, "task_complete", "T-2", user_id="U2", response_url=fake.response_url("a1"))
    )
    [update] = [c for c in await fake.wait_for("response_url", 4) if c.path.endswith("/a1")]
    assert update.params["replace_original"] is True
    blocks = update.params["blocks"]
    assert [b for b in blocks if str(b.get("block_id", "")).startswith("task:T-1")] == first_card
    t2 = [b for b in blocks if str(b.get("block_id", "")).startswith("task:T-2")]
    assert [b["block_id"] for b in t2] == ["task:T-2", "task:T-2:note"]  # no buttons on a completed task
    assert "Completed by <@U2>" in t2[1]["elements"][0]["text"]
    tasks = await all_tasks(store)
    assert tasks[1].status is TaskStatus.completed and tasks[0].status is TaskStatus.todo
    audit = await store.audit.list(WORKSPACE, entity_id=tasks[1].id)
    assert audit[0].action is AuditAction.complete and audit[0].surface is Surface.button
    assert audit[0].actor_id == (await user(store, "U2")).id

    # Bob takes T-1, then snoozes it a day.
    await slack.interaction(
        click(message, "task_assign_me", "T-1", user_id="U2", response_url=fake.response_url("a2"))
    )
    await fake.wait_for("response_url", 5)
    assert (await all_tasks(store))[0].assignee_id == (await user(store, "U2")).id
    before = (await all_tasks(store))[0].due_date
    assert before is not None
    await slack.interaction(
        click(message, "task_snooze", "T-1", user_id="U2", response_url=fake.response_url("a3"))
    )
    [snoozed] = [c for c in await fake.wait_for("response_url", 6) if c.path.endswith("/a3")]
    assert (await all_tasks(store))[0].due_date == before + timedelta(days=1)
    card = next(b for b in snoozed.params["blocks"] if b.get("block_id") == "task:T-1")
    assert "Bob Stone" in card["text"]["text"]  # the card shows the new assignee


async def test_buttons_on_ephemeral_replies_replace_the_card(
    slack: SlackHarness, fake: FakeSlack, store: Store
) -> None:
    await slack.command("add Water plants")
    await fake.wait_for("response_url")
    # Ephemeral messages come without the message body; the card alone replaces it.
    await slack.interaction(
        click(None, "task_complete", "T-1", user_id="U1", response_url=fake.response_url("e1"))
    )
    [update] = [c for c in await fake.wait_for("response_url", 2) if c.path.endswith("/e1")]
    assert update.params["replace_original"] is True
    assert [b["block_id"] for b in update.params["blocks"]] == ["task:T-1", "task:T-1:note"]
    assert (await all_tasks(store))[0].status is TaskStatus.completed


async def test_button_on_a_deleted_task_explains_privately(
    slack: SlackHarness, fake: FakeSlack, store: Store
) -> None:
    await slack.command("add Temporary")
    [created] = await fake.wait_for("response_url")
    message = {
        "type": "message",
        "ts": "1",
        "text": created.params["text"],
        "blocks": created.params["blocks"],
    }
    await slack.command("delete T-1")
    await fake.wait_for("response_url", 2)
    await slack.command("yes")  # the same person's slash-command conversation holds the question
    confirmed = await fake.wait_for("response_url", 3)
    assert "Deleted T-1" in confirmed[2].params["text"]
    await slack.interaction(
        click(message, "task_snooze", "T-1", user_id="U1", response_url=fake.response_url("d1"))
    )
    [answer] = [c for c in await fake.wait_for("response_url", 4) if c.path.endswith("/d1")]
    assert answer.params["replace_original"] is False and answer.params["response_type"] == "ephemeral"
    assert answer.params["text"].startswith(":warning:") and "T-1" in answer.params["text"]
    assert (await all_tasks(store))[0].due_date is None


async def test_home_tab_buttons_republish_the_tab(slack: SlackHarness, fake: FakeSlack, store: Store) -> None:
    await slack.command("add Mine <@U1>")
    await fake.wait_for("response_url")
    await slack.command("add Also mine <@U1>")
    await fake.wait_for("response_url", 2)
    await slack.event({"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"})
    [home] = await fake.wait_for("views.publish")
    refs = [b["block_id"] for b in home.params["view"]["blocks"] if b.get("block_id", "").count(":") == 1]
    assert refs == ["task:T-1", "task:T-2"]

    payload = click(None, "task_complete", "T-1", user_id="U1", response_url="")
    del payload["response_url"]
    payload["container"] = {"type": "view", "view_id": "VHOME1"}
    payload["view"] = {**home.params["view"], "id": "VHOME1"}
    await slack.interaction(payload)
    republished = await fake.wait_for("views.publish", 2)
    refs = [
        b["block_id"]
        for b in republished[1].params["view"]["blocks"]
        if b.get("block_id", "").count(":") == 1
    ]
    assert refs == ["task:T-2"]
    assert (await all_tasks(store))[0].status is TaskStatus.completed


async def test_without_a_response_url_the_card_is_updated_with_chat_update(
    slack: SlackHarness, fake: FakeSlack, store: Store
) -> None:
    await slack.command("add Sweep floor")
    [created] = await fake.wait_for("response_url")
    message = {"type": "message", "ts": "1700000600.000100", "text": "x", "blocks": created.params["blocks"]}
    payload = click(message, "task_assign_me", "T-1", user_id="U1", response_url="")
    del payload["response_url"]
    await slack.interaction(payload)
    [update] = await fake.wait_for("chat.update")
    assert (update.params["channel"], update.params["ts"]) == ("C1", "1700000600.000100")
    assert update.token is not None and update.params["blocks"][1]["block_id"] == "task:T-1"
    assert (await all_tasks(store))[0].assignee_id == (await user(store, "U1")).id


async def test_delete_asks_first_and_its_button_confirms(
    slack: SlackHarness, fake: FakeSlack, store: Store
) -> None:
    await slack.command("add Old idea")
    await fake.wait_for("response_url")
    await slack.command("delete T-1")
    asked = (await fake.wait_for("response_url", 2))[1].params
    assert "Delete T-1?" in asked["text"]
    [button] = [e for b in asked["blocks"] if b.get("type") == "actions" for e in b["elements"]]
    assert (button["action_id"], button["style"], button["value"]) == ("task_delete", "danger", "T-1")
    assert (await all_tasks(store))[0].deleted_at is None  # nothing happens before the click

    await slack.interaction(
        click(None, "task_delete", "T-1", user_id="U1", response_url=fake.response_url("d1"))
    )
    [update] = [c for c in await fake.wait_for("response_url", 3) if c.path.endswith("/d1")]
    assert [b["block_id"] for b in update.params["blocks"]] == ["task:T-1", "task:T-1:note"]
    assert "Deleted by" in update.params["blocks"][1]["elements"][0]["text"]
    assert (await all_tasks(store))[0].deleted_at is not None
    # A typed "yes" afterwards finds nothing left to do rather than failing.
    await slack.command("yes")
    late = (await fake.wait_for("response_url", 4))[3].params
    assert "Already deleted" in late["text"]
