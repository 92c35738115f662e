"""The chart's day arithmetic: local days in the reader's zone, what each day counts, deletes and cancels."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from core.models import Task, TaskStatus
from core.schedule.chart_series import chart_series, project_chart
from core.services import Actor, Services
from tests.conftest import make_actor

UTC_ZONE = ZoneInfo("UTC")
TODAY = date(2026, 12, 3)  # a Thursday


def at(day: date, hour: int = 12, minute: int = 0, zone: ZoneInfo = UTC_ZONE) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone).astimezone(UTC)


def task(created: datetime, **fields: Any) -> Task:
    return Task(workspace_id="w", title="t", created_at=created, updated_at=created, **fields)


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def test_the_window_ends_today_oldest_first() -> None:
    chart = chart_series([], name="Launch", last_day=TODAY, zone=UTC_ZONE)
    assert chart.title == "Launch: last 14 days"
    assert chart.days[0] == date(2026, 11, 20) and chart.days[-1] == TODAY and len(chart.days) == 14
    assert chart.created == chart.completed == chart.open_at_end == (0,) * 14
    assert chart.file_name == "launch-2026-12-03.png"


def test_created_completed_and_open_per_day() -> None:
    tasks = [
        task(at(days_ago(20))),  # open since before the window
        task(at(days_ago(20)), status=TaskStatus.completed, completed_at=at(days_ago(16))),  # closed before
        task(at(days_ago(10)), status=TaskStatus.completed, completed_at=at(days_ago(3))),
        task(at(days_ago(3)), status=TaskStatus.completed, completed_at=at(days_ago(3), 18)),
        task(at(days_ago(3))),
        task(at(TODAY)),
    ]
    chart = chart_series(tasks, name="Launch", last_day=TODAY, zone=UTC_ZONE, days=14)
    by_day = dict(
        zip(chart.days, zip(chart.created, chart.completed, chart.open_at_end, strict=True), strict=True)
    )
    assert by_day[days_ago(13)] == (0, 0, 1)
    assert by_day[days_ago(10)] == (1, 0, 2)
    assert by_day[days_ago(4)] == (0, 0, 2)
    assert by_day[days_ago(3)] == (2, 2, 2)  # two created, two done (one made that day), T+1 open
    assert by_day[TODAY] == (1, 0, 3)
    assert sum(chart.created) == 4 and sum(chart.completed) == 2


def test_days_are_the_readers_local_days() -> None:
    # 23:30 UTC on Dec 2 is already Dec 3 in Berlin and still Dec 2 in Honolulu.
    late = datetime(2026, 12, 2, 23, 30, tzinfo=UTC)
    tasks = [task(late)]
    berlin = chart_series(tasks, name="P", last_day=TODAY, zone=ZoneInfo("Europe/Berlin"), days=3)
    honolulu = chart_series(tasks, name="P", last_day=TODAY, zone=ZoneInfo("Pacific/Honolulu"), days=3)
    assert berlin.created == (0, 0, 1) and berlin.open_at_end == (0, 0, 1)
    assert honolulu.created == (0, 1, 0) and honolulu.open_at_end == (0, 1, 1)
    # UTC+13: the evening before is the next day there.
    auckland = chart_series(
        [task(datetime(2026, 12, 1, 11, 30, tzinfo=UTC))],
        name="P",
        last_day=TODAY,
        zone=ZoneInfo("Pacific/Tongatapu"),
        days=3,
    )
    assert auckland.created == (0, 1, 0)


def test_a_dst_switch_day_is_one_day() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    switch = date(2026, 3, 29)  # 23 hours long in Berlin
    tasks = [task(at(switch, 0, 30, berlin)), task(at(switch, 23, 30, berlin))]
    chart = chart_series(tasks, name="P", last_day=switch + timedelta(days=1), zone=berlin, days=3)
    assert chart.days == (date(2026, 3, 28), switch, date(2026, 3, 30))
    assert chart.created == (0, 2, 0)


def test_deleted_and_cancelled_tasks_close_when_their_rows_say() -> None:
    tasks = [
        # created and deleted inside the window: counted as created, open until the delete
        task(at(days_ago(5)), deleted_at=at(days_ago(2))),
        # cancelled two days ago: no stamp of its own, its last change closes it
        task(at(days_ago(6)), status=TaskStatus.cancelled).model_copy(update={"updated_at": at(days_ago(2))}),
        # completed, then deleted: it was done (the completion counts), closed at the completion
        task(
            at(days_ago(4)), status=TaskStatus.completed, completed_at=at(days_ago(1)), deleted_at=at(TODAY)
        ),
    ]
    chart = chart_series(tasks, name="P", last_day=TODAY, zone=UTC_ZONE, days=7)
    assert chart.created == (1, 1, 1, 0, 0, 0, 0)
    assert chart.completed == (0, 0, 0, 0, 0, 1, 0)
    assert chart.open_at_end == (1, 2, 3, 3, 1, 0, 0)


def test_a_reopened_task_is_open_and_counts_no_completion() -> None:
    # Reopening clears completed_at: the model keeps no record of the earlier completion.
    reopened = task(at(days_ago(5)), status=TaskStatus.todo, completed_at=None)
    chart = chart_series([reopened], name="P", last_day=TODAY, zone=UTC_ZONE, days=3)
    assert chart.completed == (0, 0, 0) and chart.open_at_end == (1, 1, 1)


def test_tasks_from_after_the_window_are_left_out() -> None:
    ahead = task(at(TODAY + timedelta(days=1)))  # a clock ahead of the reader's
    imported = task(at(days_ago(1)), status=TaskStatus.completed, completed_at=at(days_ago(9)))
    chart = chart_series([ahead, imported], name="P", last_day=TODAY, zone=UTC_ZONE, days=3)
    assert chart.created == (0, 1, 0) and chart.completed == (0, 0, 0)
    assert chart.open_at_end == (0, 0, 0)  # closed before it was (locally) created: never open


def test_one_day() -> None:
    chart = chart_series([task(at(TODAY))], name="P", last_day=TODAY, zone=UTC_ZONE, days=1)
    assert chart.title == "P: last 1 day" and chart.open_at_end == (1,)


async def test_project_chart_reads_one_project_with_its_deleted_tasks(services: Services) -> None:
    alice: Actor = await make_actor(services, tz="America/New_York")
    launch = await services.projects.create(alice, "Launch")
    other = await services.projects.create(alice, "Other")
    empty = await services.projects.create(alice, "Empty")
    a = await services.tasks.create(alice, "Write plan", project="Launch")
    await services.tasks.create(alice, "Book venue", project="Launch")
    gone = await services.tasks.create(alice, "Mistake", project="Launch")
    await services.tasks.create(alice, "Elsewhere", project="Other")
    await services.tasks.complete_all(alice, [a.number])
    await services.tasks.delete(alice, [gone.number])

    chart = await project_chart(services.store, alice, launch)
    assert chart.days[-1] == alice.today() and len(chart.days) == 14
    assert chart.created[-1] == 3 and chart.completed[-1] == 1 and chart.open_at_end[-1] == 1
    assert sum(chart.created) == 3  # the other project's task is not in it
    assert (await project_chart(services.store, alice, other, days=7)).open_at_end[-1] == 1
    nothing = await project_chart(services.store, alice, empty, days=30)
    assert nothing.created == nothing.completed == nothing.open_at_end == (0,) * 30
