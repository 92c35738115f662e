"""Replies to the commands of what the assistant says by itself: reminders, digests and quiet hours."""

from __future__ import annotations

from core.conversation.messages import Reply, ReplyKind
from core.models import Conversation, ScheduleKind
from core.quickadd_schedule import (
    CancelReminder,
    Digest,
    ListReminders,
    QuietHoursCommand,
    RemindTask,
    ReportProject,
    ScheduleCommand,
    SnoozeReminder,
    StopReport,
)
from core.schedule.context import load_context
from core.schedule.digests import compose_digest, digest_label
from core.schedule.local_time import zone_of
from core.schedule.quiet import parse_quiet, quiet_for
from core.schedule.reminders import thread_of
from core.schedule.when import when_label
from core.services import Actor, Services


async def run_schedule(
    services: Services, actor: Actor, command: ScheduleCommand, conv: Conversation
) -> Reply:
    """Run one schedule command for ``actor``."""
    if isinstance(command, RemindTask):
        channel, thread = thread_of(conv)
        _, text = await services.reminders.remind(
            actor, command.number, command.when, command.who, channel_id=channel, thread_id=thread
        )
        return Reply(text, kind=ReplyKind.success)
    if isinstance(command, SnoozeReminder):
        _, text = await services.reminders.snooze(actor, command.number, command.how)
        return Reply(text, kind=ReplyKind.success)
    if isinstance(command, ListReminders):
        return await _list(services, actor, everyone=command.everyone)
    if isinstance(command, CancelReminder):
        rows = await services.reminders.cancel(actor, command.number)
        return Reply(
            f"Cancelled {len(rows)} reminder{'s' if len(rows) != 1 else ''} about T-{command.number}."
        )
    if isinstance(command, Digest):
        return await _digest(services, actor, command)
    if isinstance(command, ReportProject):
        channel = command.channel or conv.channel_id
        if not channel or channel == "terminal":
            return Reply("Reports go to a Slack or Discord channel: run this there.", kind=ReplyKind.error)
        _, text = await services.reports.create(
            actor, command.ref, command.when, channel, platform=conv.platform
        )
        return Reply(text, kind=ReplyKind.success)
    if isinstance(command, StopReport):
        count = await services.reports.stop(actor, command.ref)
        return Reply(
            f"Stopped {count} report{'s' if count != 1 else ''}." if count else "There was no report to stop."
        )
    return await _quiet(services, actor, command)


async def _list(services: Services, actor: Actor, *, everyone: bool) -> Reply:
    return Reply(await reminders_text(services, actor, everyone=everyone))


async def reminders_text(services: Services, actor: Actor, *, everyone: bool) -> str:
    """The coming reminders in words, soonest first (the actor's own, or the workspace's)."""
    rows = await services.reminders.mine(actor, everyone=everyone)
    if not rows:
        whose = "anyone here" if everyone else "you"
        return f"No reminders for {whose}. Try `remind me about T-3 tomorrow 9am`."
    ids = [r.task_id for r in rows if r.task_id]
    ctx = await load_context(services.store, actor.workspace_id, ids)
    now = actor.instant()
    lines = []
    for row in rows[:25]:
        task = ctx.tasks.get(row.task_id or "")
        if task is None or row.next_run_at is None:
            continue
        who = (
            ""
            if not everyone
            else f" for @{ctx.users[row.user_id].label}"
            if row.user_id in ctx.users
            else ""
        )
        how = "due-date reminder" if row.kind is ScheduleKind.due else "reminder"
        label = when_label(row.next_run_at, zone_of(actor.user.timezone), now)
        lines.append(f"• {label}: {task.ref} '{task.title}'{who} ({how})")
    more = f"\n…and {len(rows) - 25} more." if len(rows) > 25 else ""
    return f"{len(lines)} coming reminder{'s' if len(lines) != 1 else ''}:\n" + "\n".join(lines) + more


async def _digest(services: Services, actor: Actor, command: Digest) -> Reply:
    if command.on is True:
        _, text = await services.digests.enable(actor, command.when)
        return Reply(text, kind=ReplyKind.success)
    if command.on is False:
        return Reply(await services.digests.disable(actor), kind=ReplyKind.success)
    now = actor.instant()
    if command.preview:
        ctx = await load_context(services.store, actor.workspace_id, [])
        reply = await compose_digest(services.store, ctx, actor.user, now)
        return reply or Reply("Nothing due today, nothing overdue and nothing new for you: no digest today.")
    row = await services.digests.current(actor)
    if row is None:
        return Reply("Your digest is off. Turn it on with `digest on 8:30 weekdays`.")
    return Reply(f"Your digest: {digest_label(row, now)}. `digest off` stops it; `digest now` shows today's.")


async def _quiet(services: Services, actor: Actor, command: QuietHoursCommand) -> Reply:
    if command.text is None:
        workspace = await services.store.workspaces.get(actor.workspace_id)
        quiet = quiet_for(actor.user, workspace)
        now = "off" if quiet is None else f"{quiet} ({actor.user.timezone})"
        return Reply(f"Your quiet hours: {now}. Automatic reminders and digests wait until they end.")
    quiet = parse_quiet(command.text)
    value = "off" if quiet is None else str(quiet)
    user = await services.store.users.update(actor.workspace_id, actor.user_id, {"quiet_hours": value})
    # The coming automatic reminders of this person's tasks move out of (or back into) the new hours.
    await services.reminders.refresh_owner(actor, user)
    if quiet is None:
        return Reply(
            "Quiet hours off: automatic reminders and digests come at their time.", kind=ReplyKind.success
        )
    return Reply(f"Quiet hours set: {quiet} ({actor.user.timezone}).", kind=ReplyKind.success)
