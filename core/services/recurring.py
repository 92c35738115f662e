"""Recurring tasks: reading a task's repeat rule, and the next occurrence a completed one leaves behind."""

from __future__ import annotations

from datetime import date, time

from core.dates import Due
from core.errors import ValidationError
from core.models import Task
from core.recurrence import Rule, is_none, next_after, parse_rule
from core.services.actor import Actor


def read_rule(text: str | None) -> Rule | None:
    """The rule ``text`` names; None for no text or a word meaning "stop repeating" ("none")."""
    if text is None or is_none(text):
        return None
    return parse_rule(text)


def first_due(actor: Actor, rule: Rule) -> Due:
    """The first occurrence from the actor's moment on: today counts if its time (if any) is still ahead."""
    return next_after(rule, actor.now(), actor.zone)


def with_rule_time(rule: Rule | None, due_date: date | None, due_time: time | None) -> time | None:
    """A due date given without a time takes the rule's time of day ("every monday 9am" due fri → fri 9am)."""
    if rule is None or due_date is None or due_time is not None:
        return due_time
    return rule.time


def next_occurrence(actor: Actor, done: Task) -> Task | None:
    """The task that follows ``done`` (not stored yet), or None when it has no rule this version reads."""
    if not done.repeat:
        return None
    try:
        rule = parse_rule(done.repeat)
    except ValidationError:
        return None  # a rule this version can't read must not block completing the task
    due = next_after(rule, done.due_date or actor.today(), actor.zone)
    return Task(
        workspace_id=done.workspace_id,
        title=done.title,
        description=done.description,
        project_id=done.project_id,
        priority=done.priority,
        assignee_id=done.assignee_id,
        tags=list(done.tags),
        estimate_minutes=done.estimate_minutes,
        repeat=rule.text,
        due_date=due.date,
        # A rule without a time keeps the time the task had ("every monday", due 3pm → next monday 3pm).
        due_time=due.time if rule.time is not None else done.due_time,
        created_by=actor.user_id,
        created_at=actor.instant(),
        updated_at=actor.instant(),
    )
