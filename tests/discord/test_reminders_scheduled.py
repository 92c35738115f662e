"""The scheduler speaking on Discord: a due reminder goes out through the bot's notifier as one DM with its
buttons, a second tick sends nothing, Snooze (clicked through the Gateway) moves it, and it comes again."""

from __future__ import annotations

from datetime import timedelta

from bot.discord.surface import DiscordSurface
from core.clock import FixedClock
from core.models import DeliveryStatus, ScheduleKind, Surface, utcnow
from core.schedule.scheduler import Scheduler
from core.services import Actor, Services
from tests.discord.conftest import World, buttons


async def test_the_scheduler_dms_once_and_snooze_brings_it_back_an_hour_later(
    world: World, bot: DiscordSurface, services: Services
) -> None:
    ws = world.acme_ws
    await world.fake.slash(world.alice, "task add", guild=world.acme, title="Book the venue", due="tomorrow")
    alice = await services.store.users.find_by_field(ws, "discord_user_id", str(world.alice.id))
    assert alice is not None
    clock = FixedClock(utcnow())
    row, _ = await services.reminders.remind(
        Actor(alice, Surface.command, at=clock.now()), "T-1", "in 10 minutes"
    )
    notifier = bot.notifier()
    assert notifier is not None
    scheduler = Scheduler(services.store, notifier, clock)

    clock.advance(timedelta(minutes=10))
    assert (await scheduler.tick()).sent == 1
    assert (await scheduler.tick()).claimed == 0
    [dm] = world.fake.in_channel(world.fake.dm_channels[world.alice.id])
    assert "Reminder: T-1 'Book the venue'" in str(dm.get("content", "")) + str(dm.get("embeds", ""))
    assert any("snooze_1h" in b["custom_id"] for b in buttons(dm)), buttons(dm)
    [receipt] = await services.store.deliveries.list(ws, schedule_id=row.id)
    assert (
        receipt.status is DeliveryStatus.sent
        and receipt.message_ref == f"discord:{dm['channel_id']}:{dm['id']}"
    )

    record = await world.fake.click(world.alice, int(dm["id"]), f"remind:snooze_1h:{ws}:T-1")
    await world.fake.wait_edited(record)
    snoozed = [
        r for r in await services.store.schedules.list(ws, kinds=[ScheduleKind.reminder]) if r.next_run_at
    ]
    assert snoozed and min(r.next_run_at for r in snoozed if r.next_run_at) > utcnow() + timedelta(minutes=55)

    clock.at = min(r.next_run_at for r in snoozed if r.next_run_at)
    assert (await scheduler.tick()).sent == 1
    assert len(world.fake.in_channel(world.fake.dm_channels[world.alice.id])) == 2


async def test_project_report_posts_the_summary_with_its_chart_in_the_channel(
    world: World, bot: DiscordSurface, services: Services
) -> None:
    ws = world.acme_ws
    await world.fake.slash(world.alice, "project add", guild=world.acme, name="Launch")
    await world.fake.slash(world.alice, "task add", guild=world.acme, title="Print flyers", project="Launch")
    record = await world.fake.slash(
        world.alice, "project report", guild=world.acme, project="Launch", when="weekly fri 16:00"
    )
    answer = await world.fake.wait_answered(record)
    assert "I'll post Launch's report every friday 4pm" in answer["content"]
    [row] = await services.store.schedules.list(ws, kinds=[ScheduleKind.report])
    assert row.channel_id == str(world.acme.channel_id) and row.platform is not None
    notifier = bot.notifier()
    assert notifier is not None and row.next_run_at is not None
    before = len(world.fake.in_channel(world.acme.channel_id))
    await Scheduler(services.store, notifier, FixedClock(row.next_run_at)).tick()
    posted = world.fake.in_channel(world.acme.channel_id)[before:]
    assert len(posted) == 1 and "Launch: the week to" in str(posted[0])
    assert world.fake.files and all(png.startswith(b"\x89PNG") for png in world.fake.files.values())
    stopped = await world.fake.slash(
        world.alice, "project report", guild=world.acme, project="Launch", when="off"
    )
    assert "Stopped 1 report" in (await world.fake.wait_answered(stopped))["content"]
