"""The async ``Store`` protocol that every storage backend implements (Delta by default, SQL later).

Rules every implementation keeps (the contract suite in ``tests/contract`` checks them):
- every read and write is scoped by ``workspace_id``; nothing crosses workspaces;
- ``create`` assigns the short number (``T-n`` / ``P-n``) atomically: unique per workspace even with several
  processes writing at once;
- ``update`` applies only the given fields, so concurrent edits of different fields both survive;
- values computed on read (``Task.is_overdue``, ``Project.task_count``) are never persisted;
- a concurrent commit conflict is retried inside the store; callers never see it;
- a write given an ``audit`` recorder stores the events the recorder returns *atomically with the write*: both
  land or neither does, and ``audit.list`` shows the events of every write that landed. SQL keeps them in one
  transaction; Delta carries them inside the entity table's own commit (docs/audit.md).
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel

from core.models import (
    AgentLog,
    AuditEvent,
    Conversation,
    Delivery,
    Integration,
    Project,
    Schedule,
    ScheduleKind,
    SyncLog,
    Task,
    TaskStatus,
    User,
    Workspace,
)


class TaskSort(StrEnum):
    due = "due"  # due date ascending, undated last
    priority = "priority"  # most urgent first
    created = "created"
    updated = "updated"
    number = "number"


@dataclass(frozen=True)
class TaskQuery:
    """Filters for listing tasks; every field narrows the result (AND)."""

    project_id: str | None = None
    statuses: frozenset[TaskStatus] | None = None  # None means any status
    assignee_id: str | None = None
    unassigned: bool = False
    due_before: date | None = None  # inclusive
    due_after: date | None = None  # inclusive
    overdue_on: date | None = None  # open tasks with due_date before this day
    tag: str | None = None  # case-insensitive exact tag
    text: str | None = None  # case-insensitive substring of title or description
    parent_id: str | None = None  # the subtasks of this task
    blocked_by: str | None = None  # the tasks whose dependencies hold this task id
    include_deleted: bool = False
    only_deleted: bool = False
    sort: TaskSort = TaskSort.due
    descending: bool = False
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class TaskPage:
    items: list[Task]
    total: int
    offset: int
    limit: int

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.items) < self.total


@dataclass(frozen=True)
class TaskName:
    """What a message can name a task by: its number and title, and where it sits (``TaskRepo.names``)."""

    number: int
    title: str
    project_id: str | None = None
    assignee_id: str | None = None


@dataclass(frozen=True)
class TaskLink:
    """A task's place in the structure of work (``TaskRepo.links``): enough to walk parents, subtasks and
    blockers, check cycles and depth, and roll up counts and estimates, without reading whole rows."""

    id: str
    number: int
    status: TaskStatus
    parent_id: str | None = None
    dependencies: tuple[str, ...] = ()
    project_id: str | None = None
    assignee_id: str | None = None
    estimate_minutes: int | None = None
    due_date: date | None = None


@dataclass(frozen=True)
class ProjectCounts:
    total: int = 0
    completed: int = 0
    overdue: int = 0


@dataclass(frozen=True)
class TableInfo:
    name: str
    version: int
    files: int
    rows: int
    location: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class MaintenanceReport:
    table: str
    files_before: int
    files_after: int
    compacted: bool
    checkpointed: bool
    vacuumed_files: int
    seconds: float
    # Set when the table was left alone because another process holds its maintenance lease.
    skipped_by: str | None = None
    lease_expires_at: datetime | None = None


# What one write did to one row: (before, after); ``before`` is None for a new row.
RowChange = tuple[BaseModel | None, BaseModel]


class Recorder(Protocol):
    """Builds the audit events of one write from what it did to each row.

    The store calls it inside the write (after numbers are assigned, before anything is committed), possibly
    more than once when the write is retried, so it must only compute. Rows that changed nothing may get no
    event.
    """

    def __call__(self, changes: Sequence[RowChange], /) -> list[AuditEvent]: ...


class WorkspaceRepo(Protocol):
    async def ensure(self, workspace: Workspace) -> Workspace:
        """Return the stored workspace with this id, creating it from ``workspace`` if absent."""
        ...

    async def get(self, workspace_id: str) -> Workspace | None: ...

    async def list(self) -> list[Workspace]: ...

    async def update(self, workspace_id: str, changes: Mapping[str, Any]) -> Workspace: ...


class UserRepo(Protocol):
    async def add(self, user: User, *, audit: Recorder | None = None) -> User: ...

    async def get(self, workspace_id: str, user_id: str) -> User | None: ...

    async def find_by_name(self, workspace_id: str, name: str) -> User | None:
        """Case-insensitive match on ``name`` or ``display_name`` (not deleted)."""
        ...

    async def find_by_field(self, workspace_id: str, field: str, value: str) -> User | None:
        """Exact match on one identity field, e.g. ``slack_user_id`` or ``email``."""
        ...

    async def list(self, workspace_id: str) -> list[User]: ...

    async def update(
        self, workspace_id: str, user_id: str, changes: Mapping[str, Any], *, audit: Recorder | None = None
    ) -> User: ...


class ProjectRepo(Protocol):
    async def create(self, project: Project, *, audit: Recorder | None = None) -> Project:
        """Store a new project; returns it with its ``number`` assigned."""
        ...

    async def get(self, workspace_id: str, project_id: str) -> Project | None: ...

    async def get_by_number(self, workspace_id: str, number: int) -> Project | None: ...

    async def find_by_name(self, workspace_id: str, name: str) -> Project | None:
        """Case-insensitive exact name among projects that are not deleted."""
        ...

    async def list(self, workspace_id: str, *, include_deleted: bool = False) -> list[Project]: ...

    async def update(
        self, workspace_id: str, project_id: str, changes: Mapping[str, Any], *, audit: Recorder | None = None
    ) -> Project: ...

    async def update_many(
        self,
        workspace_id: str,
        changes: Sequence[tuple[str, Mapping[str, Any]]],
        *,
        audit: Recorder | None = None,
    ) -> builtins.list[Project]:
        """Like ``TaskRepo.update_many``."""
        ...


class TaskRepo(Protocol):
    async def create(self, task: Task, *, audit: Recorder | None = None) -> Task:
        """Store a new task; returns it with its ``number`` assigned."""
        ...

    async def create_many(self, tasks: Sequence[Task], *, audit: Recorder | None = None) -> list[Task]:
        """Store several new tasks of one workspace in one commit where the backend allows."""
        ...

    async def get(self, workspace_id: str, task_id: str) -> Task | None: ...

    async def get_by_number(self, workspace_id: str, number: int) -> Task | None: ...

    async def get_many(self, workspace_id: str, ids: Sequence[str]) -> builtins.list[Task]:
        """The tasks of this workspace with these ids (deleted ones too), in no particular order; unknown ids
        are left out. One read however many: the scheduler needs hundreds per tick."""
        ...

    async def list(self, workspace_id: str, query: TaskQuery) -> TaskPage: ...

    async def update(
        self, workspace_id: str, task_id: str, changes: Mapping[str, Any], *, audit: Recorder | None = None
    ) -> Task: ...

    async def update_many(
        self,
        workspace_id: str,
        changes: Sequence[tuple[str, Mapping[str, Any]]],
        *,
        audit: Recorder | None = None,
    ) -> builtins.list[Task]:
        """Apply each task's own changes, in one commit where the backend allows; all or nothing.

        Returns the stored tasks in the order of their first mention; NotFoundError when any is missing.
        """
        ...

    async def counts_by_project(self, workspace_id: str, today: date) -> dict[str, ProjectCounts]:
        """Per project id: tasks not deleted, completed ones, and open ones due before ``today``."""
        ...

    async def names(self, workspace_id: str, *, open_tasks: bool, limit: int) -> builtins.list[TaskName]:
        """Numbers and titles of the most recently updated open tasks (``open_tasks``), or else of the closed
        and deleted ones, newest first. Reads only those columns: a message's words are matched against them
        every turn."""
        ...

    async def links(self, workspace_id: str) -> builtins.list[TaskLink]:
        """The structure of every task of the workspace that is not deleted, reading only the columns of
        ``TaskLink`` (list blocked/ready, cycle and depth checks, roll-ups)."""
        ...

    async def search(
        self, workspace_id: str, text: str, *, limit: int = 50, include_closed: bool = True
    ) -> builtins.list[Task]:
        """Tasks not deleted whose title, description or tags match ``text`` approximately: case-insensitive,
        typo-tolerant (one or two letters off in a word still matches), best match first, open before closed
        when scores tie within a band. Candidates only: the service re-ranks."""
        ...


class AuditRepo(Protocol):
    """The audit trail. Services don't add to it directly: a write's ``audit`` recorder does, atomically."""

    async def add(self, event: AuditEvent) -> None: ...

    async def add_many(self, events: Sequence[AuditEvent]) -> None: ...

    async def list(
        self,
        workspace_id: str,
        *,
        actor_id: str | None = None,
        entity_id: str | None = None,
        entity_ids: Sequence[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 50,
    ) -> list[AuditEvent]:
        """Newest first; includes the events of every audited write that has landed, each once.

        Every given filter narrows (AND): ``entity_ids`` is any of them (empty: nothing), ``since`` is
        inclusive and ``until`` exclusive (UTC-aware datetimes; naive ones are taken as UTC).
        """
        ...


class IntegrationRepo(Protocol):
    async def add(self, integration: Integration) -> Integration: ...

    async def get(self, workspace_id: str, integration_id: str) -> Integration | None: ...

    async def list(self, workspace_id: str | None = None) -> list[Integration]:
        """``None`` lists every workspace's integrations (the scheduler needs them all)."""
        ...

    async def update(
        self, workspace_id: str, integration_id: str, changes: Mapping[str, Any]
    ) -> Integration: ...

    async def remove(self, workspace_id: str, integration_id: str) -> bool: ...


class ConversationRepo(Protocol):
    async def get(self, workspace_id: str, conversation_id: str) -> Conversation | None: ...

    async def save(self, conversation: Conversation) -> None:
        """Insert or replace the whole conversation row."""
        ...

    async def delete(self, workspace_id: str, conversation_id: str) -> None: ...


class AgentLogRepo(Protocol):
    async def add(self, log: AgentLog) -> None: ...

    async def list(
        self, workspace_id: str | None = None, *, since: datetime | None = None
    ) -> list[AgentLog]: ...


class SyncLogRepo(Protocol):
    async def add(self, log: SyncLog) -> None: ...

    async def update(self, workspace_id: str, log_id: str, changes: Mapping[str, Any]) -> SyncLog: ...

    async def list(
        self, workspace_id: str, *, integration_id: str | None = None, limit: int = 50
    ) -> list[SyncLog]:
        """Newest first."""
        ...


class ReceiptRepo(Protocol):
    """Idempotency records: a delivered event (Slack event, Discord interaction, webhook) acts once."""

    async def claim(self, workspace_id: str, key: str) -> bool:
        """Record ``key``; True only for the first caller, even across processes and restarts."""
        ...


class ScheduleRepo(Protocol):
    """What the assistant will say by itself, and when (``Schedule``). The scheduler reads it every tick, so
    the two tick reads (``next_run`` and ``claim_due``) are cheap however many schedules there are: an index
    on ``next_run_at`` on SQL, the table version on Delta."""

    async def put(self, schedule: Schedule) -> Schedule:
        """Insert, or replace the row with the same id (the ids of ``due:``/``digest:`` rows are fixed, so
        putting one again is idempotent). A lease the stored row holds is kept."""
        ...

    async def get(self, workspace_id: str, schedule_id: str) -> Schedule | None: ...

    async def list(
        self,
        workspace_id: str,
        *,
        user_id: str | None = None,
        task_id: str | None = None,
        project_id: str | None = None,
        kinds: Sequence[ScheduleKind] | None = None,
        active: bool = True,
        limit: int = 200,
    ) -> builtins.list[Schedule]:
        """Soonest ``next_run_at`` first; ``active`` keeps only rows with a next run and not cancelled."""
        ...

    async def update(self, workspace_id: str, schedule_id: str, changes: Mapping[str, Any]) -> Schedule:
        """Apply only the given fields (NotFoundError when missing)."""
        ...

    async def next_run(self) -> datetime | None:
        """The earliest ``next_run_at`` of any active schedule in any workspace (leased or not), or None.

        A tick with nothing due reads only this: O(1) store reads, not a scan of every schedule."""
        ...

    async def claim_due(
        self, now: datetime, holder: str, until: datetime, *, limit: int = 500
    ) -> builtins.list[Schedule]:
        """Lease up to ``limit`` schedules of any workspace that are due (``next_run_at <= now``, active) and
        not leased (no lease, or one that ran out before ``now``) to ``holder`` until ``until``; return them,
        soonest first, as stored after the claim. Two schedulers claiming at once never get the same row."""
        ...

    async def release(
        self, workspace_id: str, schedule_id: str, holder: str, changes: Mapping[str, Any]
    ) -> bool:
        """Apply ``changes`` and clear the lease, only if ``holder`` still holds it; False (nothing written)
        when the lease ran out and another scheduler took the row."""
        ...

    async def release_many(
        self, holder: str, items: Sequence[tuple[str, str, Mapping[str, Any]]]
    ) -> set[str]:
        """``release`` for many rows of any workspaces, each ``(workspace_id, schedule_id, changes)``, in one
        commit where the backend allows (a tick sends hundreds); returns the ids that were still ``holder``'s
        and so were written."""
        ...


class DeliveryRepo(Protocol):
    """Delivery receipts, one per (schedule, occurrence): what makes each occurrence said at most once."""

    async def begin(self, delivery: Delivery) -> Delivery | None:
        """Insert ``delivery`` if no receipt has its id: None when inserted, else the receipt already there.
        Of two callers racing with one id, exactly one inserts."""
        ...

    async def begin_many(self, deliveries: Sequence[Delivery]) -> builtins.list[Delivery]:
        """``begin`` for many receipts of any workspaces in one commit where the backend allows: inserts the
        ones whose id is new, and returns the receipts that were already there (those were not inserted)."""
        ...

    async def get(self, workspace_id: str, delivery_id: str) -> Delivery | None: ...

    async def update(self, workspace_id: str, delivery_id: str, changes: Mapping[str, Any]) -> Delivery: ...

    async def update_many(self, items: Sequence[tuple[str, str, Mapping[str, Any]]]) -> None:
        """Apply each ``(workspace_id, delivery_id, changes)`` in one commit where the backend allows; rows
        that are missing are left out."""
        ...

    async def list(
        self,
        workspace_id: str,
        *,
        schedule_id: str | None = None,
        user_id: str | None = None,
        since: datetime | None = None,
        limit: int = 100,
    ) -> builtins.list[Delivery]:
        """Newest ``created_at`` first; every given filter narrows."""
        ...


@runtime_checkable
class Store(Protocol):
    """A storage backend: one repository per entity plus lifecycle and maintenance."""

    workspaces: WorkspaceRepo
    users: UserRepo
    projects: ProjectRepo
    tasks: TaskRepo
    audit: AuditRepo
    integrations: IntegrationRepo
    conversations: ConversationRepo
    agent_logs: AgentLogRepo
    sync_logs: SyncLogRepo
    receipts: ReceiptRepo
    schedules: ScheduleRepo
    deliveries: DeliveryRepo

    async def open(self) -> None:
        """Create missing tables; safe to call on every start."""
        ...

    async def close(self) -> None: ...

    async def info(self) -> list[TableInfo]: ...

    async def maintain(self, *, force: bool = False) -> list[MaintenanceReport]:
        """Compact, checkpoint and vacuum; without ``force`` only tables past their threshold."""
        ...
