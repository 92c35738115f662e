"""Digests, reports and snoozes in people's own timezones, across DST changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.clock import FixedClock
from core.models import DeliveryStatus, Platform, ScheduleKind
from core.schedule.notify import DeliveryError
from core.schedule.scheduler import Scheduler
from core.services import Services
from tests.schedule.conftest import person
from tests.schedule.fakes import RecordingNotifier


async def _run_until(sched: Scheduler, clock: FixedClock, moment: datetime) -> None:
    clock.at = moment
    await sched.tick()


async def test_a_weekday_digest_stays_at_8_30_across_new_yorks_dst_switch(
    services: Services, notifier: RecordingNotifier
) -> None:
    clock = FixedClock(datetime(2026, 3, 5, 18, 0, tzinfo=UTC))  # Thu Mar 5, EST (UTC-5)
    dana = await person(services, clock, "dana", "America/New_York")
    await services.tasks.create(dana, "File the quarterly taxes", due="2026-03-01", assignee="me")  # overdue
    row, text = await services.digests.enable(dana, "8:30 weekdays")
    assert "every weekday 8:30am" in text
    assert row.next_run_at == datetime(2026, 3, 6, 13, 30, tzinfo=UTC)  # Fri 8:30 EST
    sched = Scheduler(services.store, notifier, clock)
    await _run_until(sched, clock, datetime(2026, 3, 6, 13, 30, tzinfo=UTC))
    assert len(notifier.sent) == 1 and "1 overdue" in notifier.sent[0].reply.text
    # DST starts Sun Mar 8: Monday's 8:30 is EDT (UTC-4), an hour earlier in UTC; no weekend digests.
    [after] = [r for r in await services.store.schedules.list("T1") if r.kind is ScheduleKind.digest]
    assert after.next_run_at == datetime(2026, 3, 9, 12, 30, tzinfo=UTC)
    await _run_until(sched, clock, datetime(2026, 3, 9, 12, 30, tzinfo=UTC))
    assert len(notifier.sent) == 2


async def test_a_daily_digest_in_berlin_across_the_spring_switch(
    services: Services, notifier: RecordingNotifier
) -> None:
    clock = FixedClock(datetime(2026, 3, 27, 12, 0, tzinfo=UTC))
    jonas = await person(services, clock, "jonas", "Europe/Berlin")
    await services.tasks.create(jonas, "Steuererklärung", due="2026-03-20", assignee="me")
    await services.digests.enable(jonas, "8:30")
    sched = Scheduler(services.store, notifier, clock)
    expected = [
        datetime(2026, 3, 28, 7, 30, tzinfo=UTC),  # Sat, CET (UTC+1)
        datetime(2026, 3, 29, 6, 30, tzinfo=UTC),  # Sun, the switch day: CEST (UTC+2)
        datetime(2026, 3, 30, 6, 30, tzinfo=UTC),
    ]
    for moment in expected:
        [row] = [r for r in await services.store.schedules.list("T1") if r.kind is ScheduleKind.digest]
        assert row.next_run_at == moment
        await _run_until(sched, clock, moment)
    assert len(notifier.sent) == 3


async def test_people_at_utc_plus_13_and_minus_10_each_get_their_own_morning(
    services: Services, notifier: RecordingNotifier, clock: FixedClock
) -> None:
    # 15:00 UTC Thu Dec 3 is 04:00 Fri Dec 4 in Tonga (UTC+13) and 05:00 Thu Dec 3 in Honolulu (UTC-10).
    tevita = await person(services, clock, "tevita", "Pacific/Tongatapu")
    kai = await person(services, clock, "kai", "Pacific/Honolulu")
    shared = await services.tasks.create(tevita, "Ship the release", due="2026-12-04", assignee="me")
    await services.tasks.create(kai, "Review the release notes", due="2026-12-04", assignee="me")
    await services.digests.enable(tevita, "9am")
    await services.digests.enable(kai, "9am")
    rows = {r.user_id: r for r in await services.store.schedules.list("T1") if r.kind is ScheduleKind.digest}
    assert rows[kai.user_id].next_run_at == datetime(2026, 12, 3, 19, 0, tzinfo=UTC)  # Thu 9:00 HST
    assert rows[tevita.user_id].next_run_at == datetime(2026, 12, 3, 20, 0, tzinfo=UTC)  # Fri 9:00 TOT

    sched = Scheduler(services.store, notifier, clock)
    await _run_until(sched, clock, datetime(2026, 12, 3, 19, 0, tzinfo=UTC))
    # Kai's Thursday: their task is due tomorrow, nothing is overdue or new: no digest at all.
    assert notifier.sent == []
    receipts = await services.store.deliveries.list("T1", user_id=kai.user_id)
    assert [r.status for r in receipts] == [DeliveryStatus.skipped]
    await _run_until(sched, clock, datetime(2026, 12, 3, 20, 0, tzinfo=UTC))
    # Tevita's Friday: the release is due today (and its 9:00 due-day reminder comes with the digest).
    [digest] = [n for n in notifier.sent if n.kind is ScheduleKind.digest]
    assert [n.task_ref for n in notifier.sent if n.kind is ScheduleKind.due] == [shared.ref]
    assert digest.to.user is not None and digest.to.user.id == tevita.user_id
    assert "1 due today" in digest.reply.text and shared.ref in digest.reply.text
    # The workspace default reminds each owner at 9:00 on the due day, in their own zone.
    listed = await services.store.schedules.list("T1", kinds=[ScheduleKind.due], active=False)
    due_rows = {r.user_id: r for r in listed}
    assert due_rows[kai.user_id].next_run_at == datetime(2026, 12, 4, 19, 0, tzinfo=UTC)
    assert due_rows[tevita.user_id].next_run_at is None  # said at Friday 9:00 Tonga time, with the digest
    assert due_rows[tevita.user_id].last_sent_at == datetime(2026, 12, 3, 20, 0, tzinfo=UTC)


async def test_the_digest_tells_what_was_handed_to_you_and_stays_quiet_otherwise(
    services: Services, notifier: RecordingNotifier, clock: FixedClock
) -> None:
    alice = await person(services, clock, "alice")
    bob = await person(services, clock, "bob")
    await services.digests.enable(alice, "9am")
    handed = await services.tasks.create(bob, "Prepare the budget")
    await services.tasks.assign(bob, handed.ref, "alice")
    await services.tasks.create(alice, "Mine already")  # self-made: not "new for you"
    sched = Scheduler(services.store, notifier, clock)
    await _run_until(sched, clock, datetime(2026, 12, 4, 9, 0, tzinfo=UTC))
    [digest] = notifier.sent
    assert "1 new for you since yesterday" in digest.reply.text
    assert [t.ref for t in digest.reply.tasks] == [handed.ref]
    # Two days later nothing is due, overdue or new: nothing is sent.
    await _run_until(sched, clock, datetime(2026, 12, 6, 9, 0, tzinfo=UTC))
    assert len(notifier.sent) == 1


async def test_a_channel_report_posts_the_summary_with_its_chart(
    services: Services, notifier: RecordingNotifier, clock: FixedClock
) -> None:
    alice = await person(services, clock, "alice")
    await services.projects.create(alice, "Launch")
    done = await services.tasks.create(alice, "Write the announcement", project="Launch", assignee="me")
    await services.tasks.create(alice, "Book the photographer", project="Launch", due="2026-12-01")
    await services.tasks.complete(alice, [done.ref])
    row, text = await services.reports.create(
        alice, "Launch", "weekly fri 16:00", "C0LAUNCH", platform=Platform.slack
    )
    assert row.next_run_at == datetime(2026, 12, 4, 16, 0, tzinfo=UTC) and "every friday 4pm" in text
    sched = Scheduler(services.store, notifier, clock)
    await _run_until(sched, clock, datetime(2026, 12, 4, 16, 0, tzinfo=UTC))
    [post] = notifier.sent
    assert post.to.channel_id == "C0LAUNCH" and not post.to.is_dm
    assert "Done this week: 1" in post.reply.text and "Overdue: 1" in post.reply.text
    assert post.chart is not None and sum(post.chart.created) == 2 and sum(post.chart.completed) == 1
    assert post.chart.open_at_end[-1] == 1
    [after] = [r for r in await services.store.schedules.list("T1") if r.kind is ScheduleKind.report]
    assert after.next_run_at == datetime(2026, 12, 11, 16, 0, tzinfo=UTC)


async def test_snooze_moves_the_reminder_and_it_comes_again(
    services: Services, notifier: RecordingNotifier, clock: FixedClock
) -> None:
    alice = await person(services, clock, "alice")
    task = await services.tasks.create(alice, "Call the bank")
    await services.reminders.remind(alice, task.ref, "in 5 minutes")
    sched = Scheduler(services.store, notifier, clock)
    clock.advance(timedelta(minutes=5))
    await sched.tick()
    assert len(notifier.sent) == 1
    _, text = await services.reminders.snooze(alice.at_moment(clock.now()), task.ref, "snooze_1h")
    assert "again today at 16:05" in text
    clock.advance(timedelta(minutes=59))
    await sched.tick()
    assert len(notifier.sent) == 1
    clock.advance(timedelta(minutes=1))
    await sched.tick()
    assert len(notifier.sent) == 2 and notifier.sent[1].task_ref == task.ref


async def test_slack_rate_limits_delay_but_do_not_drop_a_digest(
    services: Services, notifier: RecordingNotifier, clock: FixedClock
) -> None:
    alice = await person(services, clock, "alice")
    await services.tasks.create(alice, "Overdue thing", due="2026-12-01", assignee="me")
    await services.digests.enable(alice, "9am")
    notifier.failures = [DeliveryError("ratelimited", retry_after=120)]
    sched = Scheduler(services.store, notifier, clock)
    await _run_until(sched, clock, datetime(2026, 12, 4, 9, 0, tzinfo=UTC))
    assert notifier.sent == []
    await _run_until(sched, clock, datetime(2026, 12, 4, 9, 2, 1, tzinfo=UTC))
    assert len(notifier.sent) == 1
    [receipt] = await services.store.deliveries.list("T1", user_id=alice.user_id)
    assert receipt.status is DeliveryStatus.sent and receipt.id.endswith("20261204T090000Z")


async def test_a_digest_follows_its_person_to_a_new_timezone(
    services: Services, notifier: RecordingNotifier, clock: FixedClock
) -> None:
    alice = await person(services, clock, "alice", "Europe/London")
    await services.tasks.create(alice, "Overdue thing", due="2026-12-01", assignee="me")
    await services.digests.enable(alice, "9am")
    sched = Scheduler(services.store, notifier, clock)
    await _run_until(sched, clock, datetime(2026, 12, 4, 9, 0, tzinfo=UTC))
    await services.store.users.update("T1", alice.user_id, {"timezone": "Asia/Tokyo"})  # she moved
    [row] = [r for r in await services.store.schedules.list("T1") if r.kind is ScheduleKind.digest]
    # The next one was set when she was still in London; the one after is at 9:00 in Tokyo.
    assert row.next_run_at == datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
    await _run_until(sched, clock, datetime(2026, 12, 5, 9, 0, tzinfo=UTC))
    [row] = [r for r in await services.store.schedules.list("T1") if r.kind is ScheduleKind.digest]
    assert row.timezone == "Asia/Tokyo" and row.next_run_at == datetime(2026, 12, 6, 0, 0, tzinfo=UTC)
