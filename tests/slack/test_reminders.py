"""The scheduler's notices on Slack: SlackNotifier against the loopback fake (DMs with their buttons, once;
``landed``; 429 and 5xx; errors that are permanent), and the reminder buttons and digest switch clicked
through the real bolt app."""

from __future__ import annotations

import asyncio
import itertools
from datetime import date, timedelta
from typing import Any

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.app import with_retries
from bot.slack.notify import SlackNotifier
from core.conversation.messages import Reply, TaskView
from core.models import Platform, Priority, Schedule, ScheduleKind, TaskStatus, User, utcnow
from core.schedule.chart_data import ChartData
from core.schedule.notify import DeliveryError, Destination, Notice
from core.store import Store
from tests.slack.fake_api import BOT_TOKEN, TEAM_ID, FakeSlack
from tests.slack.harness import SlackHarness
from tests.slack.helpers import WORKSPACE, all_tasks, user

ALICE = User(id="u-alice", workspace_id=WORKSPACE, name="alice", slack_user_id="U1")


def client_for(fake: FakeSlack) -> AsyncWebClient:
    """The client the Slack surface builds: same retry handlers, pointed at the fake."""
    return with_retries(AsyncWebClient(token=BOT_TOKEN, base_url=fake.api_url))


def reminder(delivery_id: str = "sched-1@2026-12-03T09:00", *, to: Destination | None = None) -> Notice:
    view = TaskView(
        id="t1", ref="T-4", title="Book the venue", status=TaskStatus.todo, priority=Priority.medium
    )
    return Notice(
        delivery_id=delivery_id,
        workspace_id=WORKSPACE,
        kind=ScheduleKind.reminder,
        to=to or Destination(Platform.slack, ALICE),
        reply=Reply("⏰ Reminder: T-4 'Book the venue' is due today.", tasks=[view]),
        schedule_id="sched-1",
        task_ref="T-4",
    )


def action_ids(blocks: list[dict[str, Any]]) -> list[str]:
    return [e["action_id"] for b in blocks if b.get("type") == "actions" for e in b["elements"]]


REMINDER_BUTTONS = [
    "reminder_complete",
    "reminder_snooze_1h",
    "reminder_snooze_tomorrow",
    "reminder_snooze_next_week",
    "reminder_open",
]


async def test_a_dm_arrives_once_with_its_buttons_and_landed_finds_it(fake: FakeSlack) -> None:
    notifier = SlackNotifier(client_for(fake))
    notice = reminder()
    assert notifier.handles(Platform.slack) and not notifier.handles(Platform.discord)
    assert await notifier.landed(notice) is None  # not sent yet

    ref = await notifier.send(notice)

    [posted] = fake.posted_to("DU1")
    assert ref == f"slack:DU1:{posted['ts']}"
    assert action_ids(posted["blocks"]) == REMINDER_BUTTONS  # the card's own buttons make way for these
    assert all(
        e["value"] == "T-4" for b in posted["blocks"] if b.get("type") == "actions" for e in b["elements"]
    )
    assert "Reminder: T-4" in posted["text"]
    assert await notifier.landed(notice) == ref
    assert await notifier.landed(reminder("sched-1@2026-12-04T09:00")) is None  # another occurrence
    # The DM channel is opened once per person, however many notices follow.
    await notifier.send(reminder("sched-1@2026-12-04T09:00"))
    assert len(fake.of("conversations.open")) == 1
    assert len(fake.posted_to("DU1")) == 2


async def test_a_thread_destination_posts_in_the_thread_and_is_found_there(fake: FakeSlack) -> None:
    notifier = SlackNotifier(client_for(fake))
    notice = reminder(to=Destination(Platform.slack, ALICE, channel_id="C7", thread_id="1700000000.000100"))
    ref = await notifier.send(notice)
    [call] = fake.of("chat.postMessage")
    assert (call.params["channel"], call.params["thread_ts"]) == ("C7", "1700000000.000100")
    assert not fake.of("conversations.open")
    assert await notifier.landed(notice) == ref
    assert fake.of("conversations.replies")[0].params["ts"] == "1700000000.000100"


async def test_a_429_is_retried_after_retry_after(fake: FakeSlack) -> None:
    notifier = SlackNotifier(client_for(fake))
    await notifier.send(reminder("warm-up"))  # the DM channel is known
    fake.fail_next("chat.postMessage", 1, status=429, retry_after=1)
    ref = await notifier.send(reminder())
    first, second = fake.of("chat.postMessage")[1:]
    assert second.at - first.at >= 1.0  # Slack's Retry-After was honoured
    assert ref.startswith("slack:DU1:") and len(fake.posted_to("DU1")) == 2


async def test_rate_limited_beyond_the_retries_says_when_to_try_again(fake: FakeSlack) -> None:
    notifier = SlackNotifier(client_for(fake))
    fake.fail_next("chat.postMessage", 3, status=429, retry_after=1)
    with pytest.raises(DeliveryError) as caught:
        await notifier.send(reminder())
    assert caught.value.retry_after == 1.0 and not caught.value.permanent
    calls = fake.of("chat.postMessage")
    assert len(calls) == 3  # the first try and slack_sdk's two retries
    assert all(b.at - a.at >= 1.0 for a, b in itertools.pairwise(calls))
    assert fake.posted_to("DU1") == []


async def test_a_500_is_checked_then_sent_again_once(fake: FakeSlack) -> None:
    notifier = SlackNotifier(client_for(fake), retry_delay=0.01)
    fake.fail_next("chat.postMessage", 1, status=500)
    ref = await notifier.send(reminder())
    assert len(fake.of("chat.postMessage")) == 2
    assert len(fake.of("conversations.history")) == 1  # it asked whether the failed try landed first
    [posted] = fake.posted_to("DU1")
    assert ref == f"slack:DU1:{posted['ts']}"


async def test_5xx_every_time_is_a_transient_failure(fake: FakeSlack) -> None:
    notifier = SlackNotifier(client_for(fake), retry_delay=0.01, attempts=2)
    fake.fail_next("chat.postMessage", 2, status=503)
    with pytest.raises(DeliveryError) as caught:
        await notifier.send(reminder())
    assert not caught.value.permanent and caught.value.retry_after is None
    assert len(fake.of("chat.postMessage")) == 2


@pytest.mark.parametrize("error", ["is_archived", "channel_not_found", "not_in_channel", "account_inactive"])
async def test_channel_errors_are_permanent(fake: FakeSlack, error: str) -> None:
    notifier = SlackNotifier(client_for(fake))
    fake.post_errors["C9"] = error
    with pytest.raises(DeliveryError) as caught:
        await notifier.send(reminder(to=Destination(Platform.slack, ALICE, channel_id="C9")))
    assert caught.value.permanent
    assert len(fake.of("chat.postMessage")) == 1  # nothing retried


async def test_a_person_slack_does_not_know_is_permanent(fake: FakeSlack) -> None:
    notifier = SlackNotifier(client_for(fake))
    gone = User(id="u-gone", workspace_id=WORKSPACE, name="gone", slack_user_id="U404")
    with pytest.raises(DeliveryError) as caught:
        await notifier.send(reminder(to=Destination(Platform.slack, gone)))
    assert caught.value.permanent  # chat.postMessage to U404: channel_not_found
    no_account = User(id="u-x", workspace_id=WORKSPACE, name="x")
    with pytest.raises(DeliveryError) as caught:
        await notifier.send(reminder(to=Destination(Platform.slack, no_account)))
    assert caught.value.permanent
    assert [c.params["channel"] for c in fake.of("chat.postMessage")] == ["U404"]  # no retry, no second
    assert not fake.of("conversations.open")  # a first DM goes to the user id: one call


# -- the buttons, through the real app -------------------------------------------------------------------


def reminder_click(posted: dict[str, Any], action_id: str, *, response_url: str) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "team": {"id": TEAM_ID, "domain": "acme"},
        "user": {"id": "U1", "username": "alice", "team_id": TEAM_ID},
        "api_app_id": "A1",
        "token": "legacy",
        "trigger_id": f"trigger-{action_id}",
        "container": {
            "type": "message",
            "message_ts": posted["ts"],
            "channel_id": "DU1",
            "is_ephemeral": False,
        },
        "channel": {"id": "DU1", "name": "directmessage"},
        "message": {
            "type": "message",
            "ts": posted["ts"],
            "text": posted["text"],
            "blocks": posted["blocks"],
        },
        "response_url": response_url,
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": "task:T-1:actions",
                "value": "T-1",
                "action_ts": "1700000601.000200",
            }
        ],
    }


async def _reminded(slack: SlackHarness, fake: FakeSlack, store: Store) -> tuple[dict[str, Any], Schedule]:
    """T-1 with a reminder for alice in ten minutes, and the reminder DM the notifier sent."""
    await slack.command("add Book the venue due tomorrow")
    await fake.wait_for("response_url")
    [task] = await all_tasks(store)
    alice = await user(store, "U1")
    at = utcnow() + timedelta(minutes=10)
    row = await store.schedules.put(
        Schedule(
            workspace_id=WORKSPACE,
            kind=ScheduleKind.reminder,
            user_id=alice.id,
            task_id=task.id,
            timezone="Europe/Paris",
            explicit=True,
            next_run_at=at,
            occurrence_at=at,
        )
    )
    assert slack.surface is not None
    notifier = slack.surface.notifier()
    assert notifier is not None
    view = TaskView(id=task.id, ref="T-1", title=task.title, status=task.status, priority=task.priority)
    notice = Notice(
        delivery_id=f"{row.id}@x",
        workspace_id=WORKSPACE,
        kind=ScheduleKind.reminder,
        to=Destination(Platform.slack, alice),
        reply=Reply("⏰ Reminder: T-1 'Book the venue' is due tomorrow.", tasks=[view]),
        schedule_id=row.id,
        task_ref="T-1",
    )
    await notifier.send(notice)
    [posted] = fake.posted_to("DU1")
    return posted, row


async def test_snooze_on_a_reminder_moves_it_and_replaces_the_buttons(
    slack: SlackHarness, fake: FakeSlack, store: Store
) -> None:
    posted, row = await _reminded(slack, fake, store)
    before = row.next_run_at
    assert before is not None
    await slack.interaction(
        reminder_click(posted, "reminder_snooze_tomorrow", response_url=fake.response_url("s1"))
    )
    [update] = [c for c in await fake.wait_for("response_url", 2) if c.path.endswith("/s1")]
    assert update.params["replace_original"] is True
    blocks = update.params["blocks"]
    assert action_ids(blocks) == []  # the buttons gave way to what happened
    assert blocks[-1]["block_id"] == "task:T-1:note" and ":zzz:" in blocks[-1]["elements"][0]["text"]
    rows = await store.schedules.list(WORKSPACE, task_id=row.task_id, kinds=[ScheduleKind.reminder])
    assert rows and all(r.next_run_at is not None for r in rows)
    assert max(r.next_run_at for r in rows if r.next_run_at) > before + timedelta(hours=6)


async def test_complete_on_a_reminder_completes_the_task(
    slack: SlackHarness, fake: FakeSlack, store: Store
) -> None:
    posted, _ = await _reminded(slack, fake, store)
    await slack.interaction(reminder_click(posted, "reminder_complete", response_url=fake.response_url("c1")))
    [update] = [c for c in await fake.wait_for("response_url", 2) if c.path.endswith("/c1")]
    note = update.params["blocks"][-1]["elements"][0]["text"]
    assert "Completed by <@U1>" in note
    assert (await all_tasks(store))[0].status is TaskStatus.completed


async def test_open_shows_the_task_privately_and_keeps_the_buttons(
    slack: SlackHarness, fake: FakeSlack, store: Store
) -> None:
    posted, _ = await _reminded(slack, fake, store)
    await slack.interaction(reminder_click(posted, "reminder_open", response_url=fake.response_url("o1")))
    [shown] = [c for c in await fake.wait_for("response_url", 2) if c.path.endswith("/o1")]
    assert shown.params["response_type"] == "ephemeral" and shown.params["replace_original"] is False
    assert any(b.get("block_id") == "task:T-1" for b in shown.params["blocks"])


async def test_the_home_tab_switches_the_digest_on_and_off(
    slack: SlackHarness, fake: FakeSlack, store: Store
) -> None:
    await slack.event({"type": "app_home_opened", "user": "U1", "channel": "DU1", "tab": "home"})
    [home] = await fake.wait_for("views.publish")
    switch = digest_switch(home.params["view"])
    assert switch["block_id"] == "digest" and switch["accessory"]["action_id"] == "home_digest_on"

    payload = home_click(home.params["view"], "home_digest_on", "8:30 weekdays")
    await slack.interaction(payload)
    published = await fake.wait_for("views.publish", 2)
    switch = digest_switch(published[1].params["view"])
    assert switch["accessory"]["action_id"] == "home_digest_off"
    alice = await user(store, "U1")
    [digest] = await store.schedules.list(WORKSPACE, user_id=alice.id, kinds=[ScheduleKind.digest])
    assert digest.next_run_at is not None

    await slack.interaction(home_click(published[1].params["view"], "home_digest_off", "off"))
    published = await fake.wait_for("views.publish", 3)
    assert digest_switch(published[2].params["view"])["accessory"]["action_id"] == "home_digest_on"
    assert await store.schedules.list(WORKSPACE, user_id=alice.id, kinds=[ScheduleKind.digest]) == []


def digest_switch(view: dict[str, Any]) -> dict[str, Any]:
    [switch] = [b for b in view["blocks"] if b.get("block_id") == "digest"]
    return switch


def home_click(view: dict[str, Any], action_id: str, value: str) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "team": {"id": TEAM_ID, "domain": "acme"},
        "user": {"id": "U1", "username": "alice", "team_id": TEAM_ID},
        "api_app_id": "A1",
        "token": "legacy",
        "trigger_id": f"trigger-{action_id}",
        "container": {"type": "view", "view_id": "VHOME1"},
        "view": {**view, "id": "VHOME1"},
        "actions": [
            {"type": "button", "action_id": action_id, "block_id": "digest", "value": value, "action_ts": "1"}
        ],
    }


async def test_a_report_with_a_chart_shares_the_png_under_the_message(fake: FakeSlack) -> None:
    notifier = SlackNotifier(client_for(fake))
    days = tuple(date(2026, 11, 20) + timedelta(days=i) for i in range(14))
    chart = ChartData("Launch: last 14 days", days, (1,) * 14, (0,) * 13 + (3,), tuple(range(14, 0, -1)))
    notice = Notice(
        "report:1@x",
        WORKSPACE,
        ScheduleKind.report,
        Destination(Platform.slack, channel_id="C7"),
        Reply("*Launch* this week: 3 done, 1 overdue."),
        chart=chart,
    )
    ref = await notifier.send(notice)
    [posted] = fake.posted_to("C7")
    assert ref == f"slack:C7:{posted['ts']}"
    [done] = await fake.wait_for("files.completeUploadExternal")
    assert done.params["channel_id"] == "C7"
    [png] = fake.uploads.values()
    assert png.startswith(b"\x89PNG")


async def test_a_deactivated_account_gets_no_more_reminders(
    slack: SlackHarness, fake: FakeSlack, store: Store
) -> None:
    await slack.command("add Book the venue due tomorrow")
    await fake.wait_for("response_url")
    alice = await user(store, "U1")
    assert alice.deleted_at is None

    async def left() -> bool | None:
        """Whether the stored person has left, once the listener (run after the ack) has written it."""
        for _ in range(100):
            found = await user(store, "U1")
            if (found.deleted_at is not None) == wanted:
                return wanted
            await asyncio.sleep(0.05)
        return None

    wanted = True
    await slack.event({"type": "user_change", "user": {"id": "U1", "team_id": TEAM_ID, "deleted": True}})
    assert await left() is True
    wanted = False
    await slack.event({"type": "user_change", "user": {"id": "U1", "team_id": TEAM_ID, "deleted": False}})
    assert await left() is False
