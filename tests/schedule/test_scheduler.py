"""The scheduler end to end on a real store with a recording notifier and a fixed clock."""

from __future__ import annotations

import asyncio
from datetime import date, time, timedelta

import pytest

from core.clock import FixedClock
from core.models import DeliveryStatus, ScheduleKind
from core.schedule.notify import DeliveryError
from core.schedule.scheduler import Scheduler
from core.services import Services
from tests.schedule.conftest import person
from tests.schedule.fakes import Crash, RecordingNotifier


def scheduler(services: Services, notifier: RecordingNotifier, clock: FixedClock, **kw: object) -> Scheduler:
    return Scheduler(services.store, notifier, clock, **kw)  # type: ignore[arg-type]


async def test_a_reminder_comes_once_at_its_time_with_its_buttons(
    services: Services, notifier: RecordingNotifier, clock: FixedClock
) -> None:
    alice = await person(services, clock, "alice")
    task = await services.tasks.create(alice, "Book the venue")
    row, text = await services.reminders.remind(alice, task.ref, "in 10 minutes")
    assert "in" not in text or "today at 15:10" in text
    sched = scheduler(services, notifier, clock)

    early = await sched.tick()
    assert early.claimed == 0 and notifier.sent == []
    assert early.next_run == row.next_run_at

    clock.advance(timedelta(minutes=10))
    first = await sched.tick()
    assert first.sent == 1
    [notice] = notifier.sent
    assert notice.has_buttons and notice.task_ref == task.ref
    assert notice.to.user is not None and notice.to.user.id == alice.user_id and notice.to.is_dm
    assert "Book the venue" in notice.reply.text

    clock.advance(timedelta(minutes=1))
    again = await sched.tick()
    assert again.claimed == 0 and len(notifier.sent) == 1
    receipts = await services.store.deliveries.list("T1", schedule_id=row.id)
    assert [r.status for r in receipts] == [DeliveryStatus.sent]


async def test_a_closed_or_deleted_task_and_a_person_who_left_get_nothing(
    services: Services, notifier: RecordingNotifier, clock: FixedClock
) -> None:
    alice = await person(services, clock, "alice")
    bob = await person(services, clock, "bob")
    done = await services.tasks.create(alice, "Pay the deposit")
    gone = await services.tasks.create(alice, "Print flyers")
    kept = await services.tasks.create(alice, "Call the caterer")
    for t in (done, gone, kept):
        await services.reminders.remind(alice, t.ref, "in 5 minutes")
    await services.reminders.remind(alice, kept.ref, "in 5 minutes", "bob")
    await services.tasks.complete(alice, [done.ref])
    await services.tasks.delete(alice, [gone.ref])
    await services.store.users.update("T1", bob.user_id, {"deleted_at": clock.now()})

    clock.advance(timedelta(minutes=6))
    # Completing and deleting ended those reminders at once; the scheduler checks the rest as it sends.
    assert len(await services.reminders.mine(alice, everyone=True)) == 2
    report = await scheduler(services, notifier, clock).tick()
    assert report.claimed == 2 and report.skipped == 1
    assert [n.task_ref for n in notifier.sent] == [kept.ref]
    assert notifier.sent[0].to.user is not None and notifier.sent[0].to.user.name == "alice"
    assert await services.store.schedules.next_run() is None


async def test_the_default_reminder_follows_the_due_date_and_keeps_quiet_hours(
    services: Services, notifier: RecordingNotifier, clock: FixedClock
) -> None:
    # Berlin: 15:00 UTC is 16:00 local. Due tomorrow at 7:30, inside the default quiet hours (20:00-08:00).
    alice = await person(services, clock, "alice", "Europe/Berlin")
    task = await services.tasks.create(alice, "Send the contract", due="tomorrow 7:30am", assignee="me")
    [row] = await services.reminders.mine(alice)
    assert row.kind is ScheduleKind.due
    # The 9:00 morning reminder is after the due time; the due-time one is the task's own time and is kept.
    assert row.next_run_at is not None and row.next_run_at.hour == 6 and row.next_run_at.minute == 30

    # Moving the due date moves the reminder in the same call.
    await services.tasks.update(alice, task.ref, due="fri")
    [moved] = await services.reminders.mine(alice)
    assert moved.next_run_at is not None and moved.next_run_at.date() == date(2026, 12, 4)
    assert moved.next_run_at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Berlin")).time() == time(9, 0)

    # Completing it ends it.
    await services.tasks.complete(alice, [task.ref])
    assert await services.reminders.mine(alice) == []


async def test_an_automatic_reminder_waits_for_quiet_hours_to_end_but_an_explicit_one_does_not(
    services: Services, notifier: RecordingNotifier, clock: FixedClock
) -> None:
    alice = await person(services, clock, "alice")  # UTC; default quiet hours 20:00-08:00
    task = await services.tasks.create(alice, "Renew the domain", due="2026-12-05", assignee="me")
    await services.reminders.remind(alice, task.ref, "1 day before due")
    late = await services.tasks.create(alice, "Water the plants")
    await services.reminders.remind(alice, late.ref, "today 23:00")  # explicit, inside quiet hours
    rows = {r.task_id: r for r in await services.reminders.mine(alice) if r.kind is ScheduleKind.reminder}
    lead = rows[task.id]
    # 1 day before Dec 5 9:00 is Dec 4 9:00: outside quiet hours, kept.
    assert lead.next_run_at is not None and (lead.next_run_at.day, lead.next_run_at.hour) == (4, 9)
    explicit = rows[late.id].next_run_at
    assert explicit is not None and explicit.hour == 23

    clock.advance(timedelta(hours=8))  # 23:00 UTC
    await scheduler(services, notifier, clock).tick()
    assert [n.task_ref for n in notifier.sent] == [late.ref]


async def test_a_failed_send_is_retried_with_backoff_and_never_doubled(
    services: Services, notifier: RecordingNotifier, clock: FixedClock
) -> None:
    alice = await person(services, clock, "alice")
    task = await services.tasks.create(alice, "Book flights")
    row, _ = await services.reminders.remind(alice, task.ref, "in 1 minute")
    notifier.failures = [DeliveryError("Slack is rate limiting", retry_after=90), DeliveryError("Slack 503")]
    sched = scheduler(services, notifier, clock)
    clock.advance(timedelta(minutes=1))
    first = await sched.tick()
    assert first.retrying == 1 and notifier.sent == []
    stored = await services.store.schedules.get("T1", row.id)
    assert stored is not None and stored.attempts == 1 and stored.next_run_at is not None
    assert stored.next_run_at - clock.now() >= timedelta(seconds=90)  # Retry-After honoured
    assert stored.occurrence_at == row.occurrence_at  # still the same occurrence

    clock.advance(timedelta(seconds=60))
    assert (await sched.tick()).claimed == 0  # not before the backoff ends
    clock.advance(timedelta(seconds=31))
    second = await sched.tick()
    assert second.retrying == 1
    clock.advance(timedelta(minutes=2))
    third = await sched.tick()
    assert third.sent == 1 and len(notifier.sent) == 1
    [receipt] = await services.store.deliveries.list("T1", schedule_id=row.id)
    assert receipt.status is DeliveryStatus.sent


async def test_a_permanent_failure_gives_up_at_once(
    services: Services, notifier: RecordingNotifier, clock: FixedClock
) -> None:
    alice = await person(services, clock, "alice")
    task = await services.tasks.create(alice, "Book flights")
    row, _ = await services.reminders.remind(alice, task.ref, "in 1 minute")
    notifier.failures = [DeliveryError("cannot DM this user", permanent=True)]
    clock.advance(timedelta(minutes=1))
    report = await scheduler(services, notifier, clock).tick()
    assert report.failed == 1
    [receipt] = await services.store.deliveries.list("T1", schedule_id=row.id)
    assert receipt.status is DeliveryStatus.failed
    assert await services.store.schedules.next_run() is None


async def test_two_schedulers_racing_send_each_reminder_once(
    services: Services, clock: FixedClock, store_url: str
) -> None:
    from storage.factory import open_store

    alice = await person(services, clock, "alice")
    tasks = [await services.tasks.create(alice, f"Task {i}") for i in range(12)]
    for t in tasks:
        await services.reminders.remind(alice, t.ref, "in 2 minutes")
    other = open_store(store_url)  # a second replica: its own store instance on the same tables
    await other.open()
    try:
        one, two = RecordingNotifier(delay=0.01), RecordingNotifier(delay=0.01)
        clock.advance(timedelta(minutes=2))
        a = Scheduler(services.store, one, clock, batch=5)
        b = Scheduler(other, two, clock, batch=5)
        for _ in range(4):
            await asyncio.gather(a.tick(), b.tick())
        refs = [n.task_ref or "" for n in one.sent + two.sent]
        assert sorted(refs) == sorted(t.ref for t in tasks)  # all of them, none twice
    finally:
        await other.close()


@pytest.mark.parametrize("landed", [True, False])
async def test_a_restart_mid_send_neither_loses_nor_doubles_the_message(
    services: Services, clock: FixedClock, landed: bool
) -> None:
    alice = await person(services, clock, "alice")
    task = await services.tasks.create(alice, "Sign the lease")
    row, _ = await services.reminders.remind(alice, task.ref, "in 1 minute")
    platform = RecordingNotifier(crash_after_send=landed, crash_before_send=not landed)
    clock.advance(timedelta(minutes=1))
    dying = Scheduler(services.store, platform, clock, lease=timedelta(minutes=2))
    with pytest.raises(Crash):
        await dying.tick()
    assert len(platform.sent) == (1 if landed else 0)

    # The replacement process: the same platform (its history), a new scheduler, after the lease ran out.
    platform.crash_after_send = platform.crash_before_send = False
    fresh = Scheduler(services.store, platform, clock, lease=timedelta(minutes=2))
    assert (await fresh.tick()).claimed == 0  # still leased by the dead one
    clock.advance(timedelta(minutes=3))
    report = await fresh.tick()
    assert len(platform.sent) == 1  # exactly once either way
    assert report.recovered == (1 if landed else 0)
    [receipt] = await services.store.deliveries.list("T1", schedule_id=row.id)
    assert receipt.status is DeliveryStatus.sent


async def test_after_downtime_one_catch_up_message_per_person(
    services: Services, notifier: RecordingNotifier, clock: FixedClock
) -> None:
    alice = await person(services, clock, "alice")
    bob = await person(services, clock, "bob")
    for i in range(3):
        t = await services.tasks.create(alice, f"Alice thing {i}")
        await services.reminders.remind(alice, t.ref, f"in {10 + i} minutes")
    t = await services.tasks.create(bob, "Bob thing")
    await services.reminders.remind(bob, t.ref, "in 10 minutes")
    clock.advance(timedelta(hours=3))  # the scheduler was down
    report = await scheduler(services, notifier, clock).tick()
    assert report.claimed == 4
    by_person = {n.to.user.name: n for n in notifier.sent if n.to.user is not None}
    assert len(notifier.sent) == 2 and set(by_person) == {"alice", "bob"}
    assert "3 reminders" in by_person["alice"].reply.text
    assert len(by_person["alice"].reply.tasks) == 3
    assert all(r.status is DeliveryStatus.sent for r in await services.store.deliveries.list("T1"))


async def test_a_row_for_a_platform_this_process_cannot_reach_is_left_for_another(
    services: Services, clock: FixedClock
) -> None:
    alice = await person(services, clock, "alice")
    t = await services.tasks.create(alice, "Slack only")
    await services.reminders.remind(alice, t.ref, "in 1 minute")
    console_only = RecordingNotifier(platforms=frozenset())
    clock.advance(timedelta(minutes=1))
    await scheduler(services, console_only, clock).tick()
    assert console_only.sent == []
    slack = RecordingNotifier()
    clock.advance(timedelta(minutes=2))
    await scheduler(services, slack, clock).tick()
    assert [n.task_ref for n in slack.sent] == [t.ref]


async def test_undo_puts_the_reminder_back_where_the_due_date_goes_back(
    services: Services, notifier: RecordingNotifier, clock: FixedClock
) -> None:
    alice = await person(services, clock, "alice")
    task = await services.tasks.create(alice, "Pay rent", due="2026-12-10", assignee="me")
    [before] = await services.reminders.mine(alice)
    await services.tasks.complete(alice, [task.ref])
    assert await services.reminders.mine(alice) == []
    await services.undo.undo(alice)
    [after] = await services.reminders.mine(alice)
    assert after.next_run_at == before.next_run_at
