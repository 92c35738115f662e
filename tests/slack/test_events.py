"""Events over signed HTTP: mentions answered in a thread, DMs, the Home tab, and retried deliveries."""

from __future__ import annotations

import json
from datetime import timedelta

from core.models import Platform
from core.services import Actor, Services
from core.store import Store
from tests.slack.fake_api import BOT_USER_ID, FakeSlack
from tests.slack.harness import SlackHarness, dm_event, mention_event
from tests.slack.helpers import WORKSPACE, all_tasks, local_today, user


async def test_mention_creates_the_task_and_replies_in_thread(
    slack: SlackHarness, fake: FakeSlack, store: Store
) -> None:
    ack = await slack.event(mention_event("add Book venue tomorrow", ts="1700000100.000200"))
    assert ack.status == 200

    [reply] = await fake.wait_for("chat.postMessage")
    assert reply.params["channel"] == "C1"
    assert reply.params["thread_ts"] == "1700000100.000200"
    assert "Created T-1" in reply.params["text"]
    [task] = await all_tasks(store)
    assert task.title == "Book venue"  # the bot's own mention is not part of the title
    assert task.due_date == local_today("Europe/Paris") + timedelta(days=1)


async def test_mention_inside_a_thread_answers_in_that_thread(slack: SlackHarness, fake: FakeSlack) -> None:
    event = mention_event("list", ts="1700000300.000100") | {"thread_ts": "1700000200.000100"}
    await slack.event(event)
    [reply] = await fake.wait_for("chat.postMessage")
    assert reply.params["thread_ts"] == "1700000200.000100"


async def test_direct_messages_are_a_private_conversation(
    slack: SlackHarness, fake: FakeSlack, store: Store
) -> None:
    await slack.event(dm_event("add Call the printer"))
    [created] = await fake.wait_for("chat.postMessage")
    assert created.params["channel"] == "D1" and "thread_ts" not in created.params
    await slack.event(dm_event("delete T-1", ts="1700000003.000100"))
    await fake.wait_for("chat.postMessage", 2)
    await slack.event(dm_event("yes", ts="1700000004.000100"))  # the DM remembers the pending question
    replies = await fake.wait_for("chat.postMessage", 3)
    assert "Deleted T-1" in replies[2].params["text"]
    [task] = await all_tasks(store)
    assert task.deleted_at is not None


async def test_edits_bot_posts_and_channel_messages_are_ignored(
    slack: SlackHarness, fake: FakeSlack, store: Store
) -> None:
    edited = dm_event("add Ghost") | {"subtype": "message_changed"}
    from_bot = dm_event("add Echo") | {"bot_id": "BBOT", "user": BOT_USER_ID}
    in_channel = dm_event("add Chatter") | {"channel_type": "channel", "channel": "C9"}
    for event in (edited, from_bot, in_channel):
        assert (await slack.event(event)).status == 200  # acked, so Slack does not retry
    await slack.event(dm_event("add Real one", ts="1700000009.000100"))
    await fake.wait_for("chat.postMessage")
    assert slack.surface is not None and await slack.surface.deps.inflight.drain()
    assert len(fake.of("chat.postMessage")) == 1
    assert [t.title for t in await all_tasks(store)] == ["Real one"]


async def test_retried_event_acts_once_even_after_a_restart(
    slack: SlackHarness, fake: FakeSlack, store: Store
) -> None:
    event = mention_event("add Order badges")
    first = await slack.event(event, event_id="EvRETRY")
    assert first.status == 200
    await fake.wait_for("chat.postMessage")

    # Slack retries (it didn't see the ack in time): dropped before the ack, and told not to retry.
    again = await slack.event(event, event_id="EvRETRY", retry=1)
    assert again.status == 200 and again.headers.get("x-slack-no-retry") == "1"

    # A new process on the same store has no memory of it; the persisted receipt still says "done".
    await slack.restart()
    after_restart = await slack.event(event, event_id="EvRETRY", retry=2)
    assert after_restart.status == 200 and after_restart.headers.get("x-slack-no-retry") == "1"
    # Even a copy without the retry header (claimed after the ack) does nothing.
    await slack.event(event, event_id="EvRETRY")
    await slack.event(dm_event("list", ts="1700000020.000100"))
    await fake.wait_for("chat.postMessage", 2)
    assert slack.surface is not None and await slack.surface.deps.inflight.drain()

    assert [t.title for t in await all_tasks(store)] == ["Order badges"]
    texts = [c.params["text"] for c in fake.of("chat.postMessage")]
    assert len(texts) == 2 and "Created T-1" in texts[0]
    assert await store.receipts.claim(WORKSPACE, "event:EvRETRY") is False


async def test_home_tab_lists_my_open_tasks_overdue_first(
    slack: SlackHarness, fake: FakeSlack, store: Store
) -> None:
    services = Services(store)
    await services.users.ensure_workspace(WORKSPACE, Platform.slack)
    alice = Actor(
        await services.users.ensure_user(WORKSPACE, "alice", timezone="Europe/Paris", slack_user_id="U1")
    )
    today = alice.today()
    later = await services.tasks.create(alice, "Later", due=today + timedelta(days=5), assignee="me")
    await services.tasks.create(alice, "Someone else's", due=today - timedelta(days=9))
    late = await services.tasks.create(alice, "Late", due=today - timedelta(days=2), assignee="me")
    done = await services.tasks.create(alice, "Done already", assignee="me")
    await services.tasks.complete(alice, [done.ref])
    undated = await services.tasks.create(alice, "Someday", assignee="me")

    await slack.event({"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"})
    [publish] = await fake.wait_for("views.publish")
    assert publish.params["user_id"] == "U1"
    view = publish.params["view"]
    assert view["type"] == "home"
    cards = [b["block_id"] for b in view["blocks"] if b.get("block_id", "").count(":") == 1]
    assert cards == [f"task:{late.ref}", f"task:{later.ref}", f"task:{undated.ref}"]
    assert "OVERDUE" in view["blocks"][3]["text"]["text"]
    assert (await user(store, "U1")).id == alice.user_id  # the existing row was reused


async def test_messages_tab_opening_publishes_nothing(slack: SlackHarness, fake: FakeSlack) -> None:
    await slack.event({"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "messages"})
    await slack.event(dm_event("help"))
    await fake.wait_for("chat.postMessage")
    assert slack.surface is not None and await slack.surface.deps.inflight.drain()
    assert fake.of("views.publish") == []


async def test_home_tab_with_nothing_assigned_says_how_to_start(slack: SlackHarness, fake: FakeSlack) -> None:
    await slack.event({"type": "app_home_opened", "user": "U2", "channel": "D2", "tab": "home"})
    [publish] = await fake.wait_for("views.publish")
    assert publish.params["user_id"] == "U2"
    assert "Nothing is assigned to you" in json.dumps(publish.params["view"])
