"""The audit trail in plain words: "bob completed T-3 'Review contract' · 2 h ago".

Events are read by task, person or project and a period (``store.audit.list`` with ``since``/``until`` and
``entity_ids``), newest first, and phrased in the viewer's timezone at the turn's moment (``actor.now()``).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from core.models import AuditAction, AuditEvent, EntityType, Project, Surface, Task
from core.services.actor import Actor
from core.services.history_window import Period, period
from core.services.resolve import Resolver
from core.store import Store, TaskQuery

MAX_EVENTS = 100
PROJECT_TASKS = 500  # a project's tasks whose events its history reads
TITLE_CHARS = 60
_SHOWN = (EntityType.task, EntityType.project)  # people appearing on first sight are not news


@dataclass(frozen=True)
class ActivityLine:
    """One event said in words, and when it happened for the viewer."""

    event: AuditEvent
    text: str  # "bob completed T-3 'Review contract'"
    ago: str  # "2 h ago"
    ref: str | None  # the task or project it is about

    @property
    def line(self) -> str:
        return f"{self.text} · {self.ago}"


@dataclass(frozen=True)
class Activity:
    """What a history request found: the lines, newest first, and what was asked ("T-3", "@bob", "today")."""

    lines: list[ActivityLine]
    scope: str
    period: Period


def ago(moment: datetime, now: datetime) -> str:
    """``just now``, ``5 min ago``, ``2 h ago``, ``yesterday 14:05``, ``Mon 09:30``, ``Nov 23``, read in
    ``now``'s timezone."""
    local = moment.astimezone(now.tzinfo)
    seconds = (now - local).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 24 * 3600 and local.date() == now.date():
        return f"{int(seconds // 3600)} h ago"
    if local.date() == now.date() - timedelta(days=1):
        return f"yesterday {local:%H:%M}"
    if seconds < 6 * 24 * 3600:
        return f"{local:%a %H:%M}"
    year = f" {local.year}" if local.year != now.year else ""
    return f"{local:%b} {local.day}{year}"


def quoted(title: str) -> str:
    short = title if len(title) <= TITLE_CHARS else title[: TITLE_CHARS - 1] + "…"
    return f"'{short}'"


def _day(value: Any) -> str:
    try:
        day = datetime.fromisoformat(str(value)).date()
    except ValueError:
        return str(value)
    return f"{day:%a %b} {day.day}"


class _Names:
    """People's, projects' and tasks' names for phrasing a batch of events (a few reads, not one per line)."""

    def __init__(self, people: dict[str, str], projects: dict[str, str], tasks: dict[str, Task]) -> None:
        self.people, self.projects, self.tasks = people, projects, tasks

    def who(self, event: AuditEvent) -> str:
        if event.actor_id is not None:
            name = self.people.get(event.actor_id, "someone")
            return f"{name} (via the assistant)" if event.surface is Surface.agent else name
        return "a tracker sync" if event.surface is Surface.sync else "the system"

    def what(self, event: AuditEvent) -> str:
        """``T-3 'Title'`` or ``project Launch``."""
        if event.entity_type is EntityType.project:
            name = self.projects.get(event.entity_id) or str(
                (event.after or {}).get("name") or event.entity_ref
            )
            return f"project {name}"
        task = self.tasks.get(event.entity_id)
        title = task.title if task else str((event.after or event.before or {}).get("title") or "")
        return f"{event.entity_ref} {quoted(title)}" if title else event.entity_ref


def phrase(event: AuditEvent, names: _Names) -> str:
    """One event as a sentence without its time."""
    who, what = names.who(event), names.what(event)
    after = event.after or {}
    simple = {
        AuditAction.create: "created",
        AuditAction.complete: "completed",
        AuditAction.reopen: "reopened",
        AuditAction.delete: "deleted",
        AuditAction.restore: "restored",
    }
    if event.action in simple:
        return f"{who} {simple[event.action]} {what}"
    if event.action is AuditAction.undo:
        return f"{who} undid a change to {what}"
    if event.action is AuditAction.assign or set(after) == {"assignee_id"}:
        person = after.get("assignee_id")
        if person:
            return f"{who} assigned {what} to {names.people.get(str(person), 'someone')}"
        return f"{who} unassigned {what}"
    return f"{who} {_change(event, what, names)}"


def _change(event: AuditEvent, what: str, names: _Names) -> str:
    """An update in words: one field said naturally, several listed."""
    after = {k: v for k, v in (event.after or {}).items() if not k.startswith("external")}
    before = event.before or {}
    if not after:
        return f"synced {what}" if event.surface is Surface.sync else f"updated {what}"
    parts: list[str] = []
    for key, value in after.items():
        if key == "title":
            if len(after) == 1:
                old = quoted(str(before.get("title", "")))
                return f"renamed {event.entity_ref} {old} to {quoted(str(value))}"
            parts.append(f"title {quoted(str(value))}")
        elif key == "due_date":
            if len(after) <= 2 and set(after) <= {"due_date", "due_time"}:
                return f"moved {what} to {_day(value)}" if value else f"cleared the due date of {what}"
            parts.append(f"due {_day(value)}" if value else "no due date")
        elif key == "due_time":
            parts.append(f"at {str(value)[:5]}" if value else "no time")
        elif key == "priority":
            if len(after) == 1:
                return f"set {what} to {value} priority"
            parts.append(f"priority {value}")
        elif key == "status":
            if len(after) <= 2 and set(after) <= {"status", "completed_at"}:
                return f"set {what} to {str(value).replace('_', ' ')}"
            parts.append(str(value).replace("_", " "))
        elif key == "project_id":
            place = f"#{names.projects.get(str(value), 'a project')}" if value else "no project"
            if len(after) == 1:
                return f"moved {what} to {place}" if value else f"took {what} out of its project"
            parts.append(place)
        elif key == "assignee_id":
            parts.append(f"assigned to {names.people.get(str(value), 'someone')}" if value else "unassigned")
        elif key == "tags":
            parts.append("tags " + (" ".join(f"+{t}" for t in value) if value else "cleared"))
        elif key == "description":
            if len(after) == 1:
                return f"edited the description of {what}"
            parts.append("description")
        elif key == "repeat":
            if len(after) == 1:
                return f"made {what} repeat {value}" if value else f"stopped {what} repeating"
            parts.append(f"repeats {value}" if value else "no repeat")
        elif key in ("completed_at", "deleted_at", "deleted_by", "name"):
            continue
        else:
            parts.append(key.replace("_", " "))
    return f"changed {what}: {', '.join(parts)}" if parts else f"updated {what}"


class ActivityService:
    """History for `history`, `show T-n` and the agent's ``activity`` tool."""

    def __init__(self, store: Store, resolver: Resolver) -> None:
        self._store = store
        self._resolve = resolver

    async def history(
        self,
        actor: Actor,
        *,
        task: str | int | None = None,
        person: str | None = None,
        project: str | None = None,
        since: str | Period | None = None,
        limit: int = 25,
    ) -> Activity:
        """Events of one task, one person's doing, or one project's tasks (or the whole workspace)."""
        window = since if isinstance(since, Period) else period(actor, since)
        ws = actor.workspace_id
        scope: list[str] = []
        entity_ids: list[str] | None = None
        actor_id: str | None = None
        if task is not None:
            found = await self._resolve.task(actor, task, include_deleted=True)
            entity_ids = [found.id]
            scope.append(f"{found.ref} {quoted(found.title)}")
        if project is not None:
            proj = await self._resolve.project(actor, project)
            page = await self._store.tasks.list(
                ws, TaskQuery(project_id=proj.id, statuses=None, include_deleted=True, limit=PROJECT_TASKS)
            )
            ids = [proj.id, *(t.id for t in page.items)]
            entity_ids = ids if entity_ids is None else [i for i in entity_ids if i in ids]
            scope.append(f"#{proj.name}")
        if person is not None:
            user = await self._resolve.user(actor, person)
            actor_id = user.id
            scope.append(f"@{user.label}")
        if entity_ids == []:  # the task isn't in that project
            return Activity([], " in ".join(scope), window)
        limit = max(1, min(limit, MAX_EVENTS))
        events = await self._store.audit.list(
            ws,
            actor_id=actor_id,
            entity_ids=entity_ids,
            since=window.since,
            until=window.until,
            limit=limit * 2,  # room for the people's events left out below
        )
        shown = [e for e in events if e.entity_type in _SHOWN][:limit]
        lines = await self.phrase_all(actor, shown)
        return Activity(lines, " in ".join(scope) or "this workspace", window)

    async def recent(self, actor: Actor, task: Task, *, limit: int = 5) -> list[ActivityLine]:
        """The last few events of one task, any time (for `show T-n`)."""
        events = await self._store.audit.list(actor.workspace_id, entity_id=task.id, limit=limit)
        return await self.phrase_all(actor, events, known=[task])

    async def phrase_all(
        self, actor: Actor, events: list[AuditEvent], known: list[Task] | None = None
    ) -> list[ActivityLine]:
        """Events in words, with two reads of names and one per task not already at hand."""
        if not events:
            return []
        ws = actor.workspace_id
        tasks = {t.id: t for t in known or []}
        wanted = {e.entity_id for e in events if e.entity_type is EntityType.task} - set(tasks)
        users, projects, found = await asyncio.gather(
            self._store.users.list(ws),
            self._store.projects.list(ws, include_deleted=True),
            asyncio.gather(*(self._store.tasks.get(ws, i) for i in wanted)),
        )
        tasks.update({t.id: t for t in found if t is not None})
        names = _Names({u.id: u.label for u in users}, _project_names(projects), tasks)
        now = actor.now()
        return [
            ActivityLine(e, phrase(e, names), ago(e.created_at, now), e.entity_ref or None) for e in events
        ]


def _project_names(projects: list[Project]) -> dict[str, str]:
    return {p.id: p.name for p in projects}
