"""A person's daily digest: what is due today, what is overdue, and what was handed to them since yesterday.

Opting in makes one ``digest:<user id>`` schedule whose rule is read in the person's zone, so "8:30 weekdays"
stays 8:30 across DST; a digest with nothing to say is not sent.
"""

from __future__ import annotations

import re
from datetime import datetime

from core.conversation.messages import Reply, ReplyKind
from core.conversation.views import views_named
from core.errors import ValidationError
from core.models import Schedule, ScheduleKind, Task, User
from core.recurrence import parse_rule
from core.schedule.context import WorkspaceContext, open_due_by_person, recent_events
from core.schedule.instants import next_rule_run
from core.schedule.local_time import zone_of
from core.schedule.when import when_label
from core.services.actor import Actor
from core.services.timing import annotate_task
from core.store import Store

DEFAULT_TIME = "8:30"
HINT = "For example: `digest on 8:30 weekdays`, `digest on 9am`, `digest on 7:45 mon wed fri`, `digest off`."
_DAYS = {
    "": "day",
    "daily": "day",
    "every day": "day",
    "everyday": "day",
    "weekdays": "weekday",
    "weekday": "weekday",
    "workdays": "weekday",
    "mon-fri": "weekday",
}
_CLOCK = re.compile(r"\b(?:at\s+)?(\d{1,2}(?::\d{2})?\s*(?:am|pm)?)\b", re.I)


def digest_row_id(user_id: str) -> str:
    return f"digest:{user_id}"


def digest_rule(text: str) -> str:
    """``"8:30 weekdays"`` → the canonical rule ``every weekday 8:30am`` (ValidationError when unreadable)."""
    words = " ".join(text.lower().replace(",", " ").split())
    clock = _CLOCK.search(words)
    at = clock.group(1).replace(" ", "") if clock else DEFAULT_TIME
    if at.isdigit():
        at += ":00"  # "at 8": a bare hour is a time here, not a count
    rest = (words[: clock.start()] + words[clock.end() :]).strip() if clock else words
    rest = rest.removeprefix("on ").removeprefix("every ").strip()
    days = _DAYS.get(rest, rest)
    try:
        rule = parse_rule(f"every {days} {at}")
    except ValidationError:
        raise ValidationError(f'I can\'t read "{text}" as a digest time.', hint=HINT) from None
    if rule.time is None:
        raise ValidationError("A digest needs a time of day.", hint=HINT)
    return rule.text


class DigestService:
    """Turn a person's digest on and off, and write it."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def enable(
        self, actor: Actor, when: str = "", *, channel_id: str | None = None
    ) -> tuple[Schedule, str]:
        """Send the actor a digest at ``when`` ("8:30 weekdays"); replaces an earlier choice."""
        rule = digest_rule(when)
        zone = zone_of(actor.user.timezone)
        first = next_rule_run(rule, zone, actor.instant())
        row = Schedule(
            id=digest_row_id(actor.user_id),
            workspace_id=actor.workspace_id,
            kind=ScheduleKind.digest,
            user_id=actor.user_id,
            rule=rule,
            timezone=actor.user.timezone,
            next_run_at=first,
            occurrence_at=first,
            created_by=actor.user_id,
        )
        stored = await self._store.schedules.put(row)
        label = when_label(first, zone, actor.instant())
        return (
            stored,
            f"Your digest is on: {rule} ({actor.user.timezone}). The first one comes {label}.",
        )

    async def disable(self, actor: Actor) -> str:
        row = await self._store.schedules.get(actor.workspace_id, digest_row_id(actor.user_id))
        if row is None or not row.active:
            return "Your digest is already off."
        await self._store.schedules.update(
            actor.workspace_id, row.id, {"cancelled_at": actor.instant(), "next_run_at": None}
        )
        return "Your digest is off."

    async def current(self, actor: Actor) -> Schedule | None:
        """The actor's digest schedule when it is on."""
        row = await self._store.schedules.get(actor.workspace_id, digest_row_id(actor.user_id))
        return row if row is not None and row.active else None


async def compose_digest(store: Store, ctx: WorkspaceContext, person: User, now: datetime) -> Reply | None:
    """The digest ``person`` gets at ``now``, or None when there is nothing to say."""
    zone = zone_of(person.timezone)
    local = now.astimezone(zone)
    today = local.date()
    due = await open_due_by_person(store, ctx, now)
    mine = [annotate_task(t, local) for t in due.get(person.id, []) if t.due_date and t.due_date <= today]
    due_today = [t for t in mine if t.due_date == today]
    overdue = [t for t in mine if t.due_date is not None and t.due_date < today]
    given: list[str] = []
    for event in await recent_events(store, ctx, now):
        after, before = event.after or {}, event.before or {}
        if after.get("assignee_id") != person.id or before.get("assignee_id") == person.id:
            continue
        if event.actor_id != person.id and event.entity_id not in given:
            given.append(event.entity_id)
    found = await store.tasks.get_many(ctx.workspace_id, given) if given else []
    handed: dict[str, Task] = {
        t.id: annotate_task(t, local) for t in found if t.is_open and t.assignee_id == person.id
    }
    new = [t for t in handed.values() if t.id not in {x.id for x in due_today + overdue}]
    if not (due_today or overdue or new):
        return None
    parts = []
    if due_today:
        parts.append(f"{len(due_today)} due today")
    if overdue:
        parts.append(f"{len(overdue)} overdue")
    if new:
        parts.append(f"{len(new)} new for you since yesterday")
    lines = [f"Good morning, {person.label}: " + ", ".join(parts) + "."]
    for title, group in (("Due today", due_today), ("Overdue", overdue), ("New for you", new)):
        if group:
            lines.append(f"*{title}:* " + ", ".join(f"{t.ref} {t.title}" for t in group[:10]))
    shown = (due_today + overdue + new)[:15]
    views = views_named(shown, ctx.user_labels, ctx.project_names)
    return Reply("\n".join(lines), kind=ReplyKind.info, tasks=views, total=len(due_today + overdue + new))


def digest_label(row: Schedule, now: datetime) -> str:
    """ "every weekday 8:30am, next tomorrow at 8:30"."""
    zone = zone_of(row.timezone)
    nxt = f", next {when_label(row.next_run_at, zone, now)}" if row.next_run_at else ""
    return f"{row.rule}{nxt}"
