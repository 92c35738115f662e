"""The contract between the sync engine and each tracker client (Motion, Linear, GitLab, Notion).

Vendor modules in ``integrations/`` implement ``IntegrationClient`` and translate their wire payloads into the
vendor-neutral values below, so the engine in ``core/sync`` never sees a vendor's JSON.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Protocol, runtime_checkable

from core.models import IntegrationType, Priority, TaskStatus

# Called with (phase, done, total) while a long operation runs; total is None while unknown.
Progress = Callable[[str, int, int | None], None]

# The task fields the engine keeps in step, in merge order.
SYNCED_FIELDS: tuple[str, ...] = (
    "title",
    "description",
    "status",
    "priority",
    "tags",
    "due_date",
    "due_time",
    "estimate_minutes",
    "assignee",
    "project",
    "parent",
    "blocked_by",
)
# The structure fields: a tracker keeps those of them it has (``IntegrationClient.structure``); the
# others stay local only, and the engine neither sends nor expects them.
STRUCTURE_FIELDS: frozenset[str] = frozenset({"parent", "blocked_by"})


@dataclass(frozen=True)
class TaskFields:
    """One task's synced fields in neutral terms; ``assignee``, ``project``, ``parent`` (the parent item) and
    ``blocked_by`` (the items that block this one) are the *remote* ids."""

    title: str
    description: str = ""  # Markdown
    status: TaskStatus = TaskStatus.todo
    priority: Priority = Priority.medium
    tags: tuple[str, ...] = ()
    due_date: date | None = None
    due_time: time | None = None
    estimate_minutes: int | None = None
    assignee: str | None = None
    project: str | None = None
    parent: str | None = None
    blocked_by: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """JSON-safe values keyed by field name; equal values mean equal fields."""
        return {
            "title": self.title,
            "description": self.description,
            "status": self.status.value,
            "priority": self.priority.value,
            "tags": sorted(self.tags),
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "due_time": self.due_time.strftime("%H:%M") if self.due_time else None,
            "estimate_minutes": self.estimate_minutes,
            "assignee": self.assignee,
            "project": self.project,
            "parent": self.parent,
            # None when empty: a baseline written before structure was synced reads the same.
            "blocked_by": sorted(set(self.blocked_by)) or None,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TaskFields:
        """The inverse of ``to_json`` (missing keys take the defaults)."""
        due_time = data.get("due_time")
        return cls(
            title=str(data.get("title", "")),
            description=str(data.get("description") or ""),
            status=TaskStatus(data.get("status") or TaskStatus.todo),
            priority=Priority(data.get("priority") or Priority.medium),
            tags=tuple(data.get("tags") or ()),
            due_date=date.fromisoformat(data["due_date"]) if data.get("due_date") else None,
            due_time=time.fromisoformat(due_time) if due_time else None,
            estimate_minutes=data.get("estimate_minutes"),
            assignee=data.get("assignee"),
            project=data.get("project"),
            parent=data.get("parent"),
            blocked_by=tuple(data.get("blocked_by") or ()),
        )

    def replace(self, **changes: Any) -> TaskFields:
        """A copy with some fields changed (values in their typed form)."""
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class RemoteTask:
    """A task as the tracker has it."""

    id: str
    fields: TaskFields
    updated_at: datetime
    created_at: datetime | None = None
    completed_at: datetime | None = None
    local_ref: str | None = None  # the local task id this item was created from, when tagged by a push
    url: str | None = None


@dataclass(frozen=True)
class RemoteUser:
    id: str
    name: str
    email: str | None = None


@dataclass(frozen=True)
class RemoteContainer:
    """A tracker's grouping of tasks (Motion/Linear project, GitLab milestone, Notion database)."""

    id: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class ChangeSet:
    """What ``changes_since`` found.

    ``tasks`` holds every existing task when ``snapshot`` is true (so a missing linked task was
    deleted), or only changed ones otherwise. ``changed_ids`` are those updated since the cursor;
    ``cursor`` is the next one.
    """

    tasks: list[RemoteTask]
    changed_ids: frozenset[str]
    cursor: str
    snapshot: bool = True
    deleted_ids: frozenset[str] = field(default_factory=frozenset)


@runtime_checkable
class IntegrationClient(Protocol):
    """One tracker's API in neutral terms. Every method raises only ``core.errors`` exceptions."""

    kind: IntegrationType
    structure: frozenset[str]  # which of ``STRUCTURE_FIELDS`` the tracker keeps (empty: the links stay local)

    async def prepare(self) -> None:
        """Load what mapping needs (the workspace, its statuses and labels); call once per session."""
        ...

    async def current_user(self) -> RemoteUser:
        """The account the credentials belong to (a cheap connectivity and auth check)."""
        ...

    async def list_users(self) -> list[RemoteUser]: ...

    async def list_containers(self) -> list[RemoteContainer]: ...

    async def get_container(self, remote_id: str) -> RemoteContainer | None: ...

    async def create_container(self, name: str, description: str = "") -> RemoteContainer:
        """Create a project; a retried create whose response was lost returns the first one."""
        ...

    async def update_container(self, remote_id: str, name: str, description: str = "") -> RemoteContainer:
        """Rename or re-describe a project (IntegrationError where the tracker's API can't)."""
        ...

    async def delete_container(self, remote_id: str) -> None:
        """Delete (or archive) a project; one already gone counts as deleted."""
        ...

    async def changes_since(self, cursor: str | None, progress: Progress | None = None) -> ChangeSet:
        """Tasks changed since ``cursor`` (None: everything), with the cursor for the next run."""
        ...

    async def get_task(self, remote_id: str) -> RemoteTask | None: ...

    async def create_task(self, fields: TaskFields, local_ref: str) -> RemoteTask:
        """Create a task tagged with ``local_ref``; never creates a second one when a response was lost."""
        ...

    async def update_task(self, remote_id: str, fields: TaskFields, changed: frozenset[str]) -> RemoteTask:
        """Send only the ``changed`` fields of ``fields``."""
        ...

    async def delete_task(self, remote_id: str) -> None:
        """Delete; a task that is already gone counts as deleted."""
        ...

    def normalize(self, fields: TaskFields) -> TaskFields:
        """``fields`` as the tracker would store and return them (lossy mappings applied), for comparing."""
        ...

    async def aclose(self) -> None: ...
