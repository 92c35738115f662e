"""Values computed on read: overdue flags and days until due, in the reader's timezone."""

from __future__ import annotations

from datetime import datetime

from core.models import Task


def annotate_task(task: Task, now_local: datetime) -> Task:
    """Return ``task`` with ``is_overdue`` and ``days_until_due`` computed for ``now_local``."""
    if task.due_date is None:
        return task.model_copy(update={"is_overdue": False, "days_until_due": None})
    today = now_local.date()
    days = (task.due_date - today).days
    overdue = task.is_open and (
        days < 0 or (days == 0 and task.due_time is not None and now_local.time() > task.due_time)
    )
    return task.model_copy(update={"is_overdue": overdue, "days_until_due": days})
