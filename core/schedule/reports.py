"""A project's summary posted to a channel on a schedule: done this week, overdue, who has what, a chart."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from core.conversation.messages import Reply, ReplyKind
from core.conversation.views import views_named
from core.errors import ValidationError
from core.models import Platform, Project, Schedule, ScheduleKind, Task
from core.recurrence import parse_rule
from core.schedule.context import WorkspaceContext
from core.schedule.instants import next_rule_run
from core.schedule.local_time import zone_of
from core.schedule.when import when_label
from core.services.actor import Actor
from core.services.resolve import Resolver
from core.services.timing import annotate_task
from core.store import Store

HINT = "For example: `/project report #Launch weekly fri 16:00 in #launch-team`."
_SHORT = {"weekly": "every week", "daily": "every day", "monthly": "every month", "biweekly": "every 2 weeks"}


def report_row_id(project_id: str, channel_id: str) -> str:
    return f"report:{project_id}:{channel_id}"


def report_rule(text: str) -> str:
    """``"weekly fri 16:00"`` → ``every friday 4pm``; a rule without a time of day gets 9am."""
    words = " ".join(text.lower().split())
    first, _, rest = words.partition(" ")
    if first in _SHORT:
        words = f"{_SHORT[first]} on {rest}" if rest else _SHORT[first]
    elif not words.startswith("every"):
        words = f"every {words}"
    try:
        rule = parse_rule(words)
        if rule.time is None:
            rule = parse_rule(f"{words} 9am")
    except ValidationError:
        raise ValidationError(f'I can\'t read "{text}" as a schedule.', hint=HINT) from None
    return rule.text


class ReportService:
    """Start and stop a project's channel report."""

    def __init__(self, store: Store, resolver: Resolver) -> None:
        self._store = store
        self._resolve = resolver

    async def create(
        self, actor: Actor, project: str, when: str, channel_id: str, *, platform: Platform
    ) -> tuple[Schedule, str]:
        """Post ``project``'s summary in ``channel_id`` at ``when`` (in the actor's timezone)."""
        found = await self._resolve.project(actor, project)
        if not channel_id:
            raise ValidationError("Which channel should the report go to?", hint=HINT)
        rule = report_rule(when)
        zone = zone_of(actor.user.timezone)
        first = next_rule_run(rule, zone, actor.instant())
        row = Schedule(
            id=report_row_id(found.id, channel_id),
            workspace_id=actor.workspace_id,
            kind=ScheduleKind.report,
            user_id=actor.user_id,
            project_id=found.id,
            platform=platform,
            channel_id=channel_id,
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
            f"I'll post {found.name}'s report {rule} ({actor.user.timezone}); the first one {label}.",
        )

    async def stop(self, actor: Actor, project: str) -> int:
        """Stop every report of ``project``; how many there were."""
        found = await self._resolve.project(actor, project)
        rows = await self._store.schedules.list(
            actor.workspace_id, project_id=found.id, kinds=[ScheduleKind.report]
        )
        for row in rows:
            await self._store.schedules.update(
                actor.workspace_id, row.id, {"cancelled_at": actor.instant(), "next_run_at": None}
            )
        return len(rows)


def summarize(
    project: Project, tasks: list[Task], ctx: WorkspaceContext, now: datetime, zone_name: str
) -> Reply:
    """The week's summary of ``project`` from its ``tasks`` (deleted ones too), read in ``zone_name``."""
    local = now.astimezone(zone_of(zone_name))
    week_ago = now - timedelta(days=7)
    live = [annotate_task(t, local) for t in tasks if t.deleted_at is None]
    done = [t for t in live if t.completed_at is not None and t.completed_at >= week_ago and not t.is_open]
    open_ = [t for t in live if t.is_open]
    overdue = [t for t in open_ if t.is_overdue]
    who = Counter(ctx.user_labels.get(t.assignee_id or "", "nobody") for t in open_)
    lines = [f"*{project.name}: the week to {local:%a %b} {local.day}*"]
    lines.append(
        f"Done this week: {len(done)}" + (" — " + ", ".join(t.ref for t in done[:12]) if done else "")
    )
    lines.append(
        f"Overdue: {len(overdue)}" + (" — " + ", ".join(t.ref for t in overdue[:12]) if overdue else "")
    )
    if who:
        lines.append("Who has what: " + ", ".join(f"{name} {n}" for name, n in who.most_common(10)))
    else:
        lines.append("Nothing open.")
    views = views_named(overdue[:10], ctx.user_labels, ctx.project_names)
    return Reply("\n".join(lines), kind=ReplyKind.info, tasks=views)
