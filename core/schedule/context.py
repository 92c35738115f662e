"""What one scheduler tick knows about each workspace it acts in: read once per tick, not once per message."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property

from core.models import OPEN_STATUSES, AuditEvent, EntityType, Platform, Project, Task, User, Workspace
from core.store import Store, TaskQuery

RECENT = timedelta(days=1)  # "assigned to you since yesterday"


@dataclass
class WorkspaceContext:
    """One workspace as a tick sees it: the workspace, its people, projects and the tasks the tick needs."""

    workspace_id: str
    workspace: Workspace | None
    users: dict[str, User]
    projects: dict[str, Project] = field(default_factory=dict)
    tasks: dict[str, Task] = field(default_factory=dict)
    recent_events: list[AuditEvent] | None = None
    open_due: dict[str, list[Task]] | None = None  # open tasks due by tomorrow anywhere, by assignee

    @property
    def platform(self) -> Platform:
        """Where this workspace's people are."""
        return self.workspace.platform if self.workspace is not None else Platform.console

    @cached_property
    def user_labels(self) -> dict[str, str]:
        """People's labels by id, built once per tick (every notice's cards use them)."""
        return {u.id: u.label for u in self.users.values()}

    @cached_property
    def project_names(self) -> dict[str, str]:
        return {p.id: p.name for p in self.projects.values()}

    def person(self, user_id: str | None) -> User | None:
        """A member still in the workspace, or None."""
        user = self.users.get(user_id) if user_id else None
        return user if user is not None and user.deleted_at is None else None


async def load_context(store: Store, workspace_id: str, task_ids: Iterable[str]) -> WorkspaceContext:
    """Read a workspace, its people and projects, and the tasks ``task_ids`` (deleted ones too)."""
    wanted = set(task_ids)
    workspace, users, projects = await asyncio.gather(
        store.workspaces.get(workspace_id),
        store.users.list(workspace_id),
        store.projects.list(workspace_id, include_deleted=True),
    )
    ctx = WorkspaceContext(workspace_id, workspace, {u.id: u for u in users}, {p.id: p for p in projects})
    if wanted:
        ctx.tasks = {t.id: t for t in await store.tasks.get_many(workspace_id, sorted(wanted))}
    return ctx


async def open_due_by_person(store: Store, ctx: WorkspaceContext, now: datetime) -> dict[str, list[Task]]:
    """The workspace's open, assigned tasks due on or before the latest "today" on Earth (UTC+14), by
    assignee: one read per tick for every digest in the workspace, not one per person."""
    if ctx.open_due is None:
        latest_today = (now + timedelta(hours=14)).date()
        query = TaskQuery(statuses=OPEN_STATUSES, due_before=latest_today, limit=1_000_000)
        found: dict[str, list[Task]] = {}
        for task in (await store.tasks.list(ctx.workspace_id, query)).items:
            if task.assignee_id:
                found.setdefault(task.assignee_id, []).append(task)
        ctx.open_due = found
    return ctx.open_due


async def recent_events(store: Store, ctx: WorkspaceContext, now: datetime) -> list[AuditEvent]:
    """The workspace's task events of the last day (once per tick, for every digest in it)."""
    if ctx.recent_events is None:
        events = await store.audit.list(ctx.workspace_id, since=now - RECENT, until=now, limit=5000)
        ctx.recent_events = [e for e in events if e.entity_type is EntityType.task]
    return ctx.recent_events
