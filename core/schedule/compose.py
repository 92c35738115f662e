"""The words and cards of what the scheduler says: a reminder, a catch-up, a digest, a report."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

from core.conversation.messages import Reply, ReplyKind
from core.conversation.views import views_named
from core.models import Schedule, ScheduleKind, Task, User
from core.schedule.context import WorkspaceContext
from core.schedule.local_time import zone_of
from core.schedule.notify import Destination, Notice
from core.services.timing import annotate_task


def reminder_reply(task: Task, person: User, ctx: WorkspaceContext, now: datetime, *, late: bool) -> Reply:
    """ "⏰ Reminder: T-4 'Book the venue' is due today at 15:00." with the task's card."""
    local = now.astimezone(zone_of(person.timezone))
    task = annotate_task(task, local)
    if task.due_date is None:
        when = ""
    elif task.is_overdue:
        when = " is overdue"
    elif task.days_until_due == 0:
        when = " is due today" + (f" at {task.due_time:%H:%M}" if task.due_time else "")
    elif task.days_until_due == 1:
        when = " is due tomorrow" + (f" at {task.due_time:%H:%M}" if task.due_time else "")
    else:
        when = f" is due {task.due_date:%a %b} {task.due_date.day}"
    note = " (I was offline when this was due to go out.)" if late else ""
    text = f"⏰ Reminder: {task.ref} '{task.title}'{when}.{note}"
    return Reply(text, kind=ReplyKind.info, tasks=views_named([task], ctx.user_labels, ctx.project_names))


def destination(row: Schedule, ctx: WorkspaceContext, person: User | None) -> Destination:
    """A channel (a report, a reminder asked in a thread) or the person's DM, on the workspace's platform."""
    platform = row.platform or ctx.platform
    if row.channel_id:
        return Destination(platform, person, row.channel_id, row.thread_id)
    return Destination(platform, person)


def reminder_notice(
    row: Schedule, key: str, task: Task, person: User, ctx: WorkspaceContext, now: datetime, *, late: bool
) -> Notice:
    return Notice(
        delivery_id=key,
        workspace_id=row.workspace_id,
        kind=row.kind,
        to=destination(row, ctx, person),
        reply=reminder_reply(task, person, ctx, now, late=late),
        schedule_id=row.id,
        task_ref=task.ref,
    )


def catch_up_notice(
    person: User, ctx: WorkspaceContext, tasks: Sequence[Task], keys: Sequence[str], now: datetime
) -> Notice:
    """One message for every reminder a person missed while the scheduler was down."""
    local = now.astimezone(zone_of(person.timezone))
    shown = [annotate_task(t, local) for t in tasks]
    refs = ", ".join(f"{t.ref} '{t.title}'" for t in shown[:10])
    more = f" and {len(shown) - 10} more" if len(shown) > 10 else ""
    text = f"⏰ While I was offline, {len(shown)} reminders came due: {refs}{more}."
    digest = hashlib.sha256("|".join(sorted(keys)).encode()).hexdigest()[:16]
    return Notice(
        delivery_id=f"catchup:{person.id}:{digest}",
        workspace_id=ctx.workspace_id,
        kind=ScheduleKind.reminder,
        to=Destination(ctx.platform, person),
        reply=Reply(
            text, kind=ReplyKind.info, tasks=views_named(shown[:15], ctx.user_labels, ctx.project_names)
        ),
    )
