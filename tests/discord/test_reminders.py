"""The scheduler's notices on Discord: DiscordNotifier over the bot's REST client against the fake (a DM with
its buttons, once; ``landed``; 429 and 5xx; refusals that are permanent), the reminder buttons clicked
through the Gateway, and `/digest`."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.discord.notify import DiscordNotifier, nonce_of
from bot.discord.surface import DiscordSurface
from core.conversation.messages import Reply, TaskView
from core.models import Platform, Priority, Schedule, ScheduleKind, TaskStatus, User, utcnow
from core.schedule.chart_data import ChartData
from core.schedule.notify import DeliveryError, Destination, Notice
from core.services import Services
from tests.discord.conftest import World, buttons, task
from tests.discord.fake.payloads import FakeUser, Json

REMINDER_BUTTONS = ["complete", "snooze_1h", "snooze_tomorrow", "snooze_next_week", "open"]


def notifier_of(bot: DiscordSurface) -> DiscordNotifier:
    notifier = bot.notifier()
    assert isinstance(notifier, DiscordNotifier)
    return notifier


def person(world: World, who: FakeUser) -> User:
    return User(id=f"u-{who.name}", workspace_id=world.acme_ws, name=who.name, discord_user_id=str(who.id))


def reminder(
    world: World, to: Destination, delivery_id: str = "sched-1@2026-12-03T09:00", ref: str = "T-1"
) -> Notice:
    view = TaskView(
        id="t1", ref=ref, title="Book the venue", status=TaskStatus.todo, priority=Priority.medium
    )
    return Notice(
        delivery_id=delivery_id,
        workspace_id=world.acme_ws,
        kind=ScheduleKind.reminder,
        to=to,
        reply=Reply(f"⏰ Reminder: {ref} 'Book the venue' is due today.", tasks=[view]),
        schedule_id="sched-1",
        task_ref=ref,
    )


def dm_to(world: World, who: FakeUser) -> Destination:
    return Destination(Platform.discord, person(world, who))


def dm_messages(world: World, who: FakeUser) -> list[Json]:
    return world.fake.in_channel(world.fake.dm_channels[who.id])


async def test_a_dm_arrives_once_with_its_buttons_and_landed_finds_it(
    world: World, bot: DiscordSurface
) -> None:
    notifier = notifier_of(bot)
    notice = reminder(world, dm_to(world, world.alice))
    assert notifier.handles(Platform.discord) and not notifier.handles(Platform.slack)
    assert await notifier.landed(notice) is None

    ref = await notifier.send(notice)

    [message] = dm_messages(world, world.alice)
    assert ref == f"discord:{message['channel_id']}:{message['id']}"
    ids = [b["custom_id"] for b in buttons(message)]
    assert ids == [f"remind:{a}:{world.acme_ws}:T-1" for a in REMINDER_BUTTONS]
    assert message["embeds"][0]["title"] == "T-1 · Book the venue"
    assert message["embeds"][-1]["footer"]["text"].endswith(f"ref {nonce_of(notice.delivery_id)}")
    assert await notifier.landed(notice) == ref
    assert await notifier.landed(reminder(world, dm_to(world, world.alice), "sched-1@later")) is None

    # Sent again (a scheduler that died before its receipt, or discord.py retrying): the nonce makes
    # Discord answer with the message it already has.
    assert await notifier.send(notice) == ref
    assert len(dm_messages(world, world.alice)) == 1
    assert len([r for r in world.fake.requests if r[1].endswith("/users/@me/channels")]) == 1


async def test_a_channel_destination_posts_in_the_channel(world: World, bot: DiscordSurface) -> None:
    notifier = notifier_of(bot)
    to = Destination(Platform.discord, person(world, world.alice), channel_id=str(world.acme.channel_id))
    notice = reminder(world, to)
    ref = await notifier.send(notice)
    [message] = [m for m in world.fake.in_channel(world.acme.channel_id) if m["author"]["bot"]]
    assert ref == f"discord:{world.acme.channel_id}:{message['id']}"
    assert await notifier.landed(notice) == ref


async def test_a_text_only_notice_carries_its_marker_in_a_subtext_line(
    world: World, bot: DiscordSurface
) -> None:
    notifier = notifier_of(bot)
    notice = Notice(
        "digest:1@x", world.acme_ws, ScheduleKind.digest, dm_to(world, world.bob), Reply("Nothing.")
    )
    ref = await notifier.send(notice)
    [message] = dm_messages(world, world.bob)
    assert message["content"] == f"Nothing.\n-# ref {nonce_of('digest:1@x')}" and message["components"] == []
    assert await notifier.landed(notice) == ref


async def test_a_429_is_waited_out_as_discord_says(world: World, bot: DiscordSurface) -> None:
    notifier = notifier_of(bot)
    await notifier.send(reminder(world, dm_to(world, world.alice), "warm-up"))  # the DM channel is known
    world.fake.fail_next("POST", "/messages", 1, status=429, retry_after=0.5)
    await notifier.send(reminder(world, dm_to(world, world.alice)))
    first, second = world.fake.times_of("POST", "/messages")[1:]
    assert second - first >= 0.5
    assert len(dm_messages(world, world.alice)) == 2


async def test_a_500_is_retried_and_sent_once(world: World, bot: DiscordSurface) -> None:
    notifier = notifier_of(bot)
    world.fake.fail_next("POST", "/messages", 1, status=500)
    await notifier.send(reminder(world, dm_to(world, world.alice)))
    assert len(world.fake.times_of("POST", "/messages")) == 2
    assert len(dm_messages(world, world.alice)) == 1


async def test_a_503_is_a_transient_failure(world: World, bot: DiscordSurface) -> None:
    notifier = notifier_of(bot)
    world.fake.fail_next("POST", "/messages", 1, status=503)
    with pytest.raises(DeliveryError) as caught:
        await notifier.send(reminder(world, dm_to(world, world.alice)))
    assert not caught.value.permanent and caught.value.retry_after is None


async def test_refusals_are_permanent(world: World, bot: DiscordSurface) -> None:
    notifier = notifier_of(bot)
    world.fake.closed_dms.add(world.bob.id)
    with pytest.raises(DeliveryError) as caught:
        await notifier.send(reminder(world, dm_to(world, world.bob)))
    assert caught.value.permanent  # 403 50007: this person doesn't take DMs from the bot
    stranger = User(id="u-x", workspace_id=world.acme_ws, name="x", discord_user_id="12345")
    with pytest.raises(DeliveryError) as caught:
        await notifier.send(reminder(world, Destination(Platform.discord, stranger)))
    assert caught.value.permanent
    gone = Destination(Platform.discord, person(world, world.alice), channel_id="999")
    with pytest.raises(DeliveryError) as caught:
        await notifier.send(reminder(world, gone))
    assert caught.value.permanent  # 404 10003 Unknown Channel
    assert await notifier.landed(reminder(world, gone)) is None


# -- the buttons and /digest, through the Gateway ---------------------------------------------------------


async def _reminded(world: World, bot: DiscordSurface, services: Services) -> tuple[Json, Schedule]:
    """T-1 with a reminder for alice in ten minutes, and the reminder DM the notifier sent her."""
    ws = world.acme_ws
    await world.fake.slash(world.alice, "task add", guild=world.acme, title="Book the venue", due="tomorrow")
    created = await task(services, ws, 1)
    alice = await services.store.users.find_by_field(ws, "discord_user_id", str(world.alice.id))
    assert alice is not None
    at = utcnow() + timedelta(minutes=10)
    row = await services.store.schedules.put(
        Schedule(
            workspace_id=ws,
            kind=ScheduleKind.reminder,
            user_id=alice.id,
            task_id=created.id,
            explicit=True,
            next_run_at=at,
            occurrence_at=at,
        )
    )
    notice = reminder(world, Destination(Platform.discord, alice), f"{row.id}@x")
    await notifier_of(bot).send(notice)
    [message] = dm_messages(world, world.alice)
    return message, row


async def test_snooze_on_a_reminder_moves_it_and_removes_the_buttons(
    world: World, bot: DiscordSurface, services: Services
) -> None:
    message, row = await _reminded(world, bot, services)
    before = row.next_run_at
    assert before is not None
    record = await world.fake.click(
        world.alice, int(message["id"]), f"remind:snooze_tomorrow:{world.acme_ws}:T-1"
    )
    updated = await world.fake.wait_edited(record)
    assert record.responses[0]["type"] == 6
    assert updated["content"].startswith("💤") and updated["components"] == []
    rows = await services.store.schedules.list(
        world.acme_ws, task_id=row.task_id, kinds=[ScheduleKind.reminder]
    )
    assert rows and max(r.next_run_at for r in rows if r.next_run_at) > before + timedelta(hours=6)


async def test_complete_on_a_reminder_completes_the_task(
    world: World, bot: DiscordSurface, services: Services
) -> None:
    message, _ = await _reminded(world, bot, services)
    record = await world.fake.click(world.alice, int(message["id"]), f"remind:complete:{world.acme_ws}:T-1")
    updated = await world.fake.wait_edited(record)
    assert updated["content"].startswith("✅ @Alice A. completed T-1") and updated["components"] == []
    assert updated["embeds"][0]["title"].startswith("T-1 ·")
    assert (await task(services, world.acme_ws, 1)).status is TaskStatus.completed


async def test_open_shows_the_task_privately(world: World, bot: DiscordSurface, services: Services) -> None:
    message, _ = await _reminded(world, bot, services)
    record = await world.fake.click(world.alice, int(message["id"]), f"remind:open:{world.acme_ws}:T-1")
    await world.fake.wait_for(lambda: record.followups)
    shown = world.fake.messages[record.followups[0]]
    assert int(shown["flags"]) & 64 and shown["embeds"][0]["title"] == "T-1 · Book the venue"
    assert len(buttons(world.fake.messages[int(message["id"])])) == 5  # the card keeps its buttons


async def test_digest_command_turns_it_on_and_off(
    world: World, bot: DiscordSurface, services: Services
) -> None:
    fake, ws = world.fake, world.acme_ws
    on = fake.message_for(
        await fake.slash(world.alice, "digest", guild=world.acme, turn="on", when="9:00 daily")
    )
    assert not on["content"].startswith("⚠️"), on["content"]
    alice = await services.store.users.find_by_field(ws, "discord_user_id", str(world.alice.id))
    assert alice is not None
    [row] = await services.store.schedules.list(ws, user_id=alice.id, kinds=[ScheduleKind.digest])
    assert row.next_run_at is not None
    shown = fake.message_for(await fake.slash(world.alice, "digest", guild=world.acme))
    assert shown["content"].startswith("Your digest:")
    await fake.slash(world.alice, "digest", guild=world.acme, turn="off")
    assert await services.store.schedules.list(ws, user_id=alice.id, kinds=[ScheduleKind.digest]) == []


async def test_a_report_with_a_chart_attaches_the_png(world: World, bot: DiscordSurface) -> None:
    notifier = notifier_of(bot)
    days = tuple(date(2026, 11, 20) + timedelta(days=i) for i in range(14))
    chart = ChartData("Launch: last 14 days", days, (1,) * 14, (0,) * 13 + (3,), tuple(range(14, 0, -1)))
    to = Destination(Platform.discord, channel_id=str(world.acme.channel_id))
    notice = Notice(
        "report:1@x", world.acme_ws, ScheduleKind.report, to, Reply("**Launch** this week."), chart=chart
    )
    ref = await notifier.send(notice)
    [message] = [m for m in world.fake.in_channel(world.acme.channel_id) if m["author"].get("bot")]
    assert ref.endswith(f":{message['id']}")
    [attachment] = message["attachments"]
    assert attachment["filename"] == chart.file_name
    assert world.fake.files[attachment["id"]].startswith(b"\x89PNG")
    assert await notifier.landed(notice) == ref
