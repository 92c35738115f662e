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
