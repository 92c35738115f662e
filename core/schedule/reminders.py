"""Reminders on tasks: the ones people ask for, the workspace default, and keeping both true to the task.

A person's reminder is a ``Schedule`` of kind ``reminder``: at a fixed moment ("tomorrow 9am", explicit, so it
comes even in quiet hours) or some minutes before the task is due (automatic). The workspace default is one
``due`` row per task (``due:<task id>``) for whoever owns it (the assignee, else the creator), kept in step by
``tasks_changed`` whenever a write touches a task's due date, owner or state; the scheduler checks the task
again before it speaks, so a row a write missed can't remind about a task that moved or closed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from core.errors import NotFoundError, ValidationError
from core.models import OPEN_STATUSES, Conversation, Schedule, ScheduleKind, Task, User, Workspace
from core.schedule.instants import DefaultReminder, before_due, next_default
from core.schedule.local_time import local_instant, zone_of
from core.schedule.quiet import QuietHours, quiet_for
from core.schedule.when import MORNING, When, lead_label, read_when, when_label
from core.services.actor import Actor
from core.services.resolve import Resolver
from core.store import Store, TaskQuery


def due_row_id(task_id: str) -> str:
    return f"due:{task_id}"


def snooze_row_id(task_id: str, user_id: str) -> str:
    return f"snooze:{task_id}:{user_id}"


def thread_of(conv: Conversation) -> tuple[str | None, str | None]:
    """The channel and thread a reminder asked in ``conv`` answers in, or (None, None) for a DM.

    Only a real platform thread counts: slash commands live in a per-person conversation ("user:<id>"), and a
    reminder asked there is better as a DM than as a post in the channel."""
    thread = conv.thread_id
    if not conv.channel_id or not thread or ":" in thread:
        return None, None
    return conv.channel_id, thread


def owner_id(task: Task) -> str | None:
    """Who the workspace default reminds: the assignee, else whoever created the task."""
    return task.assignee_id or task.created_by


def default_next(
    task: Task, person: User, workspace: Workspace | None, after: datetime
) -> tuple[datetime | None, QuietHours | None]:
    """The next moment the workspace default (and the person's own lead) reminds ``person`` of ``task``."""
    if not task.is_open:
        return None, None
    zone = zone_of(person.timezone)
    quiet = quiet_for(person, workspace)
    found = [m for m in [next_default(task, zone, DefaultReminder.of(workspace), quiet, after)] if m]
    if person.remind_before_minutes is not None:
        lead = before_due(task, zone, person.remind_before_minutes, quiet, MORNING)
        if lead is not None and lead > after:
            found.append(lead)
    return (min(found) if found else None), quiet


class ReminderService:
    """Set, list, cancel and snooze reminders, and keep them in step with the tasks they are about."""

    def __init__(self, store: Store, resolver: Resolver) -> None:
        self._store = store
        self._resolve = resolver

    # -- asking ------------------------------------------------------------------------------------------

    async def remind(
        self,
        actor: Actor,
        ref: str | int | None,
        when: str,
        who: str | None = None,
        *,
        channel_id: str | None = None,
        thread_id: str | None = None,
    ) -> tuple[Schedule, str]:
        """Remind ``who`` (default: the actor) about task ``ref`` at ``when``; returns the row and a sentence.

        Without a task, "1 day before due" becomes the person's standing lead for all their tasks.
        ``channel_id``/``thread_id``: asked inside a thread, the reminder answers in that thread.
        """
        person = actor.user if who in (None, "", "me") else await self._resolve.user(actor, str(who))
        zone = zone_of(person.timezone)
        reading = read_when(when, zone, actor.instant())
        if ref in (None, ""):
            return await self._standing_lead(actor, person, reading)
        task = await self._resolve.task(actor, ref)  # type: ignore[arg-type]
        if not task.is_open:
            raise ValidationError(f"{task.ref} is already closed; there's nothing to remind about.")
        you = "you" if person.id == actor.user_id else f"@{person.label}"
        row = Schedule(
            workspace_id=actor.workspace_id,
            kind=ScheduleKind.reminder,
            user_id=person.id,
            task_id=task.id,
            channel_id=channel_id if thread_id else None,
            thread_id=thread_id,
            timezone=person.timezone,
            created_by=actor.user_id,
        )
        if reading.before_minutes is not None:
            if task.due_date is None:
                raise ValidationError(
                    f"{task.ref} has no due date, so there's no 'before due' yet.",
                    hint=f"Give it one (`edit {task.ref} due fri`) or pick a time: `tomorrow 9am`.",
                )
            workspace = await self._store.workspaces.get(actor.workspace_id)
            moment = before_due(task, zone, reading.before_minutes, quiet_for(person, workspace))
            if moment is None or moment <= actor.instant():
                raise ValidationError(f"That moment for {task.ref} has already passed.")
            row = row.model_copy(
                update={
                    "offset_minutes": reading.before_minutes,
                    "next_run_at": moment,
                    "occurrence_at": moment,
                }
            )
            lead = (
                "when it's due"
                if reading.before_minutes == 0
                else f"{lead_label(reading.before_minutes)} before it's due"
            )
            label = when_label(moment, zone, actor.instant())
            text = f"I'll remind {you} about {task.ref} '{task.title}' {lead} ({label})."
        else:
            assert reading.at is not None
            row = row.model_copy(
                update={"explicit": True, "next_run_at": reading.at, "occurrence_at": reading.at}
            )
            label = when_label(reading.at, zone, actor.instant())
            text = f"I'll remind {you} about {task.ref} '{task.title}' {label}."
        stored = await self._store.schedules.put(row)
        return stored, text

    async def _standing_lead(self, actor: Actor, person: User, reading: When) -> tuple[Schedule, str]:
        if reading.before_minutes is None:
            raise ValidationError(
                "Which task should I remind you about?",
                hint="For example: `remind me about T-4 tomorrow 9am`.",
            )
        await self._store.users.update(
            actor.workspace_id, person.id, {"remind_before_minutes": reading.before_minutes}
        )
        you = "you" if person.id == actor.user_id else f"@{person.label}"
        lead = (
            "when they're due"
            if reading.before_minutes == 0
            else f"{lead_label(reading.before_minutes)} before they're due"
        )
        # Existing tasks of theirs pick the new lead up as their rows are refreshed.
        person = person.model_copy(update={"remind_before_minutes": reading.before_minutes})
        await self.refresh_owner(actor, person)
        marker = Schedule(workspace_id=actor.workspace_id, kind=ScheduleKind.due, user_id=person.id)
        return (
            marker,
            f"From now on I'll remind {you} about {'your' if you == 'you' else 'their'} tasks {lead}.",
        )

    async def refresh_owner(self, actor: Actor, person: User) -> int:
        """Recompute the default rows of the open tasks ``person`` owns (after their lead or zone changed)."""
        page = await self._store.tasks.list(
            actor.workspace_id, TaskQuery(assignee_id=person.id, statuses=OPEN_STATUSES, limit=1000)
        )
        dated = [t for t in page.items if t.due_date is not None]
        await self.tasks_changed(actor, dated, people={person.id: person})
        return len(dated)

    # -- reading -----------------------------------------------------------------------------------------

    async def mine(self, actor: Actor, *, everyone: bool = False) -> list[Schedule]:
        """The actor's coming reminders (with ``everyone``, the workspace's), soonest first."""
        kinds = (ScheduleKind.reminder, ScheduleKind.due)
        return await self._store.schedules.list(
            actor.workspace_id, user_id=None if everyone else actor.user_id, kinds=kinds
        )

    async def cancel(self, actor: Actor, ref: str | int) -> list[Schedule]:
        """Cancel the actor's own reminders about task ``ref`` (the default one too); returns them."""
        task = await self._resolve.task(actor, ref, include_deleted=True)
        rows = await self._store.schedules.list(actor.workspace_id, task_id=task.id, user_id=actor.user_id)
        if not rows:
            raise NotFoundError(f"You have no reminder about {task.ref}.")
        stamp = {"cancelled_at": actor.instant(), "next_run_at": None}
        return [await self._store.schedules.update(actor.workspace_id, r.id, stamp) for r in rows]

    # -- the card's buttons ------------------------------------------------------------------------------

    async def snooze(self, actor: Actor, task_ref: str | int, how: str) -> tuple[Schedule, str]:
        """Remind the actor of the task again: ``snooze_1h``, ``snooze_tomorrow`` or ``snooze_next_week``."""
        task = await self._resolve.task(actor, task_ref)
        now = actor.instant()
        zone = actor.zone
        local = now.astimezone(zone)
        if how == "snooze_1h":
            moment = now + timedelta(hours=1)
        elif how == "snooze_tomorrow":
            moment = local_instant(local.date() + timedelta(days=1), MORNING, zone)
        elif how == "snooze_next_week":
            monday = local.date() + timedelta(days=7 - local.weekday())
            moment = local_instant(monday, MORNING, zone)
        else:
            raise ValidationError(f"I don't know how to snooze for '{how}'.")
        row = Schedule(
            id=snooze_row_id(task.id, actor.user_id),
            workspace_id=actor.workspace_id,
            kind=ScheduleKind.reminder,
            user_id=actor.user_id,
            task_id=task.id,
            timezone=actor.user.timezone,
            explicit=True,
            next_run_at=moment,
            occurrence_at=moment,
            created_by=actor.user_id,
        )
        stored = await self._store.schedules.put(row)
        return stored, f"Snoozed: I'll remind you about {task.ref} again {when_label(moment, zone, now)}."

    # -- keeping rows true to their tasks ----------------------------------------------------------------

    async def tasks_changed(
        self,
        actor: Actor,
        tasks: Sequence[Task],
        *,
        created: bool = False,
        people: dict[str, User] | None = None,
    ) -> None:
        """After a write touched ``tasks``' due dates, owners or states: move, start or end reminders."""
        if not tasks:
            return
        workspace = await self._store.workspaces.get(actor.workspace_id)
        people = dict(people or {})
        now = actor.instant()
        for task in tasks:
            owner = owner_id(task)
            if owner and owner not in people:
                found = await self._store.users.get(actor.workspace_id, owner)
                if found is not None:
                    people[owner] = found
            person = people.get(owner) if owner else None
            await self._refresh_default(task, person, workspace, now, created=created)
            if not created:  # a new task has no reminders of its own yet: no read for them
                await self._refresh_leads(task, people, workspace, now)

    async def _refresh_default(
        self, task: Task, person: User | None, workspace: Workspace | None, now: datetime, *, created: bool
    ) -> None:
        moment = None
        if person is not None and person.deleted_at is None:
            moment, _ = default_next(task, person, workspace, now)
        row_id = due_row_id(task.id)
        if moment is None:
            if created:
                return
            existing = await self._store.schedules.get(task.workspace_id, row_id)
            if existing is not None and existing.next_run_at is not None:
                await self._store.schedules.update(task.workspace_id, row_id, {"next_run_at": None})
            return
        assert person is not None
        row = Schedule(
            id=row_id,
            workspace_id=task.workspace_id,
            kind=ScheduleKind.due,
            user_id=person.id,
            task_id=task.id,
            timezone=person.timezone,
            next_run_at=moment,
            occurrence_at=moment,
        )
        await self._store.schedules.put(row)

    async def _refresh_leads(
        self, task: Task, people: dict[str, User], workspace: Workspace | None, now: datetime
    ) -> None:
        rows = await self._store.schedules.list(
            task.workspace_id, task_id=task.id, kinds=[ScheduleKind.reminder], active=False
        )
        for row in rows:
            if row.cancelled_at is not None:
                continue
            changes: dict[str, Any] = {}
            if not task.is_open:
                if row.next_run_at is not None:
                    changes = {"next_run_at": None}
            elif row.offset_minutes is not None and row.user_id:
                person = people.get(row.user_id) or await self._store.users.get(
                    task.workspace_id, row.user_id
                )
                if person is None:
                    continue
                people[person.id] = person
                zone = zone_of(person.timezone)
                moment = before_due(task, zone, row.offset_minutes, quiet_for(person, workspace))
                moment = moment if moment is not None and moment > now else None
                if moment != row.occurrence_at or (moment is None) != (row.next_run_at is None):
                    changes = {"next_run_at": moment, "occurrence_at": moment, "attempts": 0}
            if changes:
                await self._store.schedules.update(task.workspace_id, row.id, changes)
