"""When each kind of schedule speaks next, as UTC moments computed in the recipient's zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from core.models import Task, Workspace
from core.recurrence import next_after
from core.schedule.local_time import local_instant
from core.schedule.quiet import QuietHours

MORNING = time(9, 0)  # when a day without a time of day is reminded about

SETTING = "reminders"  # Workspace.settings["reminders"]: the default reminder


@dataclass(frozen=True)
class DefaultReminder:
    """The workspace default: at ``morning`` (local) on the due day, and at the due time if a task has one."""

    enabled: bool = True
    morning: time | None = MORNING
    at_due_time: bool = True

    @classmethod
    def of(cls, workspace: Workspace | None) -> DefaultReminder:
        raw: Any = (workspace.settings.get(SETTING) if workspace is not None else None) or {}
        if not isinstance(raw, dict):
            return cls()
        morning: time | None = MORNING
        text = raw.get("morning", "09:00")
        if text in (None, "", "off"):
            morning = None
        else:
            try:
                morning = time.fromisoformat(str(text))
            except ValueError:
                pass  # a bad stored value keeps the default rather than silencing reminders
        return cls(bool(raw.get("enabled", True)), morning, bool(raw.get("at_due_time", True)))


def due_moment(task: Task, zone: ZoneInfo, day_time: time = MORNING) -> datetime | None:
    """When ``task`` is due, in UTC: its due time, or ``day_time`` on its due day when it has no time."""
    if task.due_date is None:
        return None
    return local_instant(task.due_date, task.due_time or day_time, zone)


def default_moments(
    task: Task, zone: ZoneInfo, rule: DefaultReminder, quiet: QuietHours | None
) -> list[datetime]:
    """The moments the workspace default reminds about ``task``, soonest first, quiet hours applied to
    the morning one (automatic); the due-time one is the task's own time and is kept."""
    if not rule.enabled or task.due_date is None:
        return []
    found: set[datetime] = set()
    if rule.morning is not None:
        morning = local_instant(task.due_date, rule.morning, zone)
        found.add(quiet.defer(morning, zone) if quiet is not None else morning)
    if rule.at_due_time and task.due_time is not None:
        found.add(local_instant(task.due_date, task.due_time, zone))
    return sorted(found)


def next_default(
    task: Task, zone: ZoneInfo, rule: DefaultReminder, quiet: QuietHours | None, after: datetime
) -> datetime | None:
    """The first default moment strictly after ``after``, or None."""
    return next((m for m in default_moments(task, zone, rule, quiet) if m > after), None)


def before_due(
    task: Task, zone: ZoneInfo, minutes: int, quiet: QuietHours | None, morning: time = MORNING
) -> datetime | None:
    """``minutes`` before ``task`` is due (a date-only task is due at ``morning``), quiet hours applied."""
    due = due_moment(task, zone, morning)
    if due is None:
        return None
    moment = due - timedelta(minutes=minutes)
    return quiet.defer(moment, zone) if quiet is not None else moment


def next_rule_run(rule: str, zone: ZoneInfo, after: datetime) -> datetime:
    """The first occurrence of a repeat rule (with a time of day) strictly after ``after``, in UTC."""
    due = next_after(rule, after + timedelta(seconds=1), zone)
    return local_instant(due.date, due.time or MORNING, zone)
