"""A project's chart numbers: per day in the reader's timezone, tasks created, completed, and left open.

``chart_series`` is the arithmetic on a list of tasks (what tests call); ``project_chart`` reads one project's
tasks, deleted ones included, through the Store and hands them to it.

What a day counts, from what a task records (there is no per-change history here):
- created: tasks whose ``created_at`` falls on that local day, even if deleted later (it happened);
- completed: tasks whose ``completed_at`` falls on that day (a reopened task has none: reopening clears it);
- open at the end of the day: created by then and not yet closed, where a task closes at its ``completed_at``,
  its ``deleted_at``, or, for one cancelled (no stamp of its own), its ``updated_at``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import date, datetime, timedelta, tzinfo

from core.models import Project, Task
from core.schedule.chart_data import ChartData
from core.services.actor import Actor
from core.store import Store, TaskQuery

DEFAULT_DAYS = 14
MAX_DAYS = 90  # a bar per day stays readable up to about here
_PAGE = 5000


def chart_series(
    tasks: Iterable[Task], *, name: str, last_day: date, zone: tzinfo, days: int = DEFAULT_DAYS
) -> ChartData:
    """The ``days`` days ending with ``last_day`` (local to ``zone``), oldest first."""
    days = max(1, days)
    first = last_day - timedelta(days=days - 1)
    created = [0] * days
    completed = [0] * days
    # Net change of the open count per day; index 0 also carries everything that happened before ``first``.
    delta = [0] * days

    def slot(moment: datetime) -> int | None:
        """The day's index, 0 for any day before the window, None for one after it."""
        day = moment.astimezone(zone).date()
        if day > last_day:
            return None
        return max(0, (day - first).days)

    def on(moment: datetime) -> int | None:
        """The day's index only when the day is inside the window."""
        day = moment.astimezone(zone).date()
        return (day - first).days if first <= day <= last_day else None

    for task in tasks:
        if (i := on(task.created_at)) is not None:
            created[i] += 1
        if task.completed_at is not None and (i := on(task.completed_at)) is not None:
            completed[i] += 1
        born = slot(task.created_at)
        if born is None:
            continue  # created after the window (a clock ahead of the reader's)
        delta[born] += 1
        closed = _closed_at(task)
        if closed is not None and (end := slot(max(closed, task.created_at))) is not None:
            delta[end] -= 1

    open_at_end: list[int] = []
    running = 0
    for change in delta:
        running += change
        open_at_end.append(running)
    return ChartData(
        title=f"{name}: last {days} day{'s' if days != 1 else ''}",
        days=tuple(first + timedelta(days=i) for i in range(days)),
        created=tuple(created),
        completed=tuple(completed),
        open_at_end=tuple(open_at_end),
    )


def _closed_at(task: Task) -> datetime | None:
    """When the task stopped being open, as far as its row tells; None while it is open."""
    stamps = [s for s in (task.completed_at, task.deleted_at) if s is not None]
    if not stamps and not task.status.is_open:
        # Cancelled (or completed by a sync that left no stamp): its last change is the best record of when.
        stamps.append(task.updated_at)
    return min(stamps) if stamps else None


async def project_tasks(store: Store, workspace_id: str, project_id: str) -> list[Task]:
    """Every task of the project, closed and deleted ones included."""
    found: list[Task] = []
    while True:
        query = TaskQuery(
            project_id=project_id, statuses=None, include_deleted=True, limit=_PAGE, offset=len(found)
        )
        page = await store.tasks.list(workspace_id, query)
        found.extend(page.items)
        if not page.items or not page.has_more:
            return found


async def project_chart(store: Store, actor: Actor, project: Project, days: int = DEFAULT_DAYS) -> ChartData:
    """The chart of ``project`` over the last ``days`` days (today included) in the actor's timezone."""
    tasks = await project_tasks(store, actor.workspace_id, project.id)
    # A pass over every task the project ever had: tens of ms at 10,000 (bench/chart.py), so off the loop.
    return await asyncio.to_thread(
        chart_series, tasks, name=project.name, last_day=actor.today(), zone=actor.zone, days=days
    )
