"""Domain entities of Tasks Orchestrator (DESIGN §2).

Every entity carries ``workspace_id`` (except ``Workspace`` itself); timestamps are timezone-aware UTC.
Values computed on read (task counts, ``is_overdue``) are plain fields that the stores never persist:
see ``PERSISTED_EXCLUDE``.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

LOCAL_WORKSPACE = "local"


def new_id() -> str:
    """A fresh opaque identifier."""
    return uuid.uuid4().hex


def utcnow() -> datetime:
    """The current time, timezone-aware UTC, at microsecond precision (what the stores keep)."""
    return datetime.now(UTC)


class Platform(StrEnum):
    console = "console"
    slack = "slack"
    discord = "discord"


class Role(StrEnum):
    admin = "admin"
    member = "member"


class ProjectStatus(StrEnum):
    planning = "planning"
    active = "active"
    on_hold = "on_hold"
    completed = "completed"
    archived = "archived"


class Priority(StrEnum):
    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"
    backlog = "backlog"

    @property
    def rank(self) -> int:
        """0 for the most urgent; used for sorting."""
        return list(Priority).index(self)


class TaskStatus(StrEnum):
    todo = "todo"
    in_progress = "in_progress"
    blocked = "blocked"
    in_review = "in_review"
    completed = "completed"
    cancelled = "cancelled"

    @property
    def is_open(self) -> bool:
        return self not in (TaskStatus.completed, TaskStatus.cancelled)


OPEN_STATUSES: frozenset[TaskStatus] = frozenset(s for s in TaskStatus if s.is_open)


class IntegrationType(StrEnum):
    motion = "motion"
    linear = "linear"
    gitlab = "gitlab"
    notion = "notion"


class SyncDirection(StrEnum):
    pull = "pull"
    push = "push"
    both = "both"


class ConflictPolicy(StrEnum):
    newest_wins = "newest_wins"
    local_wins = "local_wins"
    remote_wins = "remote_wins"


class Surface(StrEnum):
    """Where a change came from; recorded on every AuditEvent."""

    command = "command"  # quick-add text or a slash command
    button = "button"  # an interactive component (Slack/Discord)
    agent = "agent"  # an agent tool call
    sync = "sync"  # an integration sync run
    cli = "cli"  # the orchestrator CLI
    system = "system"


class AuditAction(StrEnum):
    create = "create"
    update = "update"
    complete = "complete"
    reopen = "reopen"
    assign = "assign"
    delete = "delete"
    restore = "restore"
    undo = "undo"


class EntityType(StrEnum):
    task = "task"
    project = "project"
    user = "user"
    integration = "integration"


class _Entity(BaseModel):
    model_config = ConfigDict(validate_assignment=True, extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _utc(cls, value: Any) -> Any:
        # Naive datetimes are a bug anywhere in the domain: treat them as UTC rather than local time.
        if isinstance(value, datetime) and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        if isinstance(value, datetime):
            return value.astimezone(UTC)
        return value


class Workspace(_Entity):
    """A tenant: one Slack team, one Discord guild, or ``local`` for the console."""

    id: str
    platform: Platform
    name: str = ""
    external_id: str | None = None
    default_timezone: str = "UTC"
    daily_token_budget: int | None = None
    settings: dict[str, Any] = Field(default_factory=dict)
    created_at: datetime = Field(default_factory=utcnow)


class User(_Entity):
    id: str = Field(default_factory=new_id)
    workspace_id: str
    name: str
    display_name: str | None = None
    email: str | None = None
    timezone: str = "UTC"
    role: Role = Role.member
    slack_user_id: str | None = None
    discord_user_id: str | None = None
    motion_user_id: str | None = None
    linear_user_id: str | None = None
    gitlab_user_id: str | None = None
    notion_user_id: str | None = None
    # "20:00-08:00" in the person's timezone: automatic reminders and digests wait until it ends; None is
    # the workspace's default (core/schedule/quiet.py), "off" turns it off.
    quiet_hours: str | None = None
    # "remind me 1 day before due": besides the workspace default, the person's tasks also remind this long
    # before they are due (automatic, so quiet hours apply). None: only the workspace default.
    remind_before_minutes: int | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    deleted_at: datetime | None = None

    @property
    def label(self) -> str:
        return self.display_name or self.name


class Project(_Entity):
    id: str = Field(default_factory=new_id)
    workspace_id: str
    number: int = 0  # P-<number>; assigned by the store on create
    name: str
    description: str = ""
    status: ProjectStatus = ProjectStatus.active
    priority: Priority = Priority.medium
    tags: list[str] = Field(default_factory=list)
    start_date: date | None = None
    due_date: date | None = None
    owner_id: str | None = None
    external_ids: dict[str, str] = Field(default_factory=dict)
    created_by: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    deleted_at: datetime | None = None
    deleted_by: str | None = None
    # computed on read by the services, never persisted
    task_count: int = 0
    completed_task_count: int = 0
    overdue_count: int = 0

    @property
    def ref(self) -> str:
        return f"P-{self.number}"


class Task(_Entity):
    id: str = Field(default_factory=new_id)
    workspace_id: str
    number: int = 0  # T-<number>; assigned by the store on create
    title: str
    description: str = ""
    project_id: str | None = None
    status: TaskStatus = TaskStatus.todo
    priority: Priority = Priority.medium
    due_date: date | None = None
    due_time: time | None = None
    assignee_id: str | None = None
    tags: list[str] = Field(default_factory=list)
    estimate_minutes: int | None = None
    actual_minutes: int | None = None  # "done T-3 took 3h": the time it really took
    parent_id: str | None = None  # a subtask's parent (depth at most 3: core/services/structure.py)
    dependencies: list[str] = Field(default_factory=list)  # ids of the tasks that block this one
    external_ids: dict[str, str] = Field(default_factory=dict)
    source_url: str | None = None
    repeat: str | None = None  # a canonical repeat rule (core/recurrence.py); completing makes the next one
    created_by: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    completed_at: datetime | None = None
    deleted_at: datetime | None = None
    deleted_by: str | None = None
    # computed on read in the reader's timezone, never persisted
    is_overdue: bool = False
    days_until_due: int | None = None

    @property
    def ref(self) -> str:
        return f"T-{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status.is_open and self.deleted_at is None


class Integration(_Entity):
    id: str = Field(default_factory=new_id)
    workspace_id: str
    type: IntegrationType
    name: str = ""
    base_url: str | None = None
    credentials_encrypted: str = ""  # a Fernet token; never the plain secret
    options: dict[str, Any] = Field(default_factory=dict)
    enabled: bool = True
    sync_direction: SyncDirection = SyncDirection.both
    sync_interval_minutes: int = 15
    conflict_policy: ConflictPolicy = ConflictPolicy.newest_wins
    last_sync_cursor: str | None = None
    last_sync_at: datetime | None = None
    last_sync_status: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Conversation(_Entity):
    """Agent context for one conversation (platform + channel + thread, or a DM)."""

    id: str
    workspace_id: str
    user_id: str | None = None
    platform: Platform = Platform.console
    channel_id: str | None = None
    thread_id: str | None = None
    messages_json: str = "[]"  # pydantic-ai ModelMessagesTypeAdapter JSON
    summary: str = ""
    active_project_id: str | None = None
    pending_action: dict[str, Any] | None = None  # an action waiting for the user's "yes"
    preferred_model: str | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class AuditEvent(_Entity):
    """Who did what to which entity, before/after, via which surface: the basis of undo."""

    id: str = Field(default_factory=new_id)
    workspace_id: str
    actor_id: str | None
    surface: Surface
    action: AuditAction
    entity_type: EntityType
    entity_id: str
    entity_ref: str = ""
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    undoes: str | None = None  # id of the event this one reverted
    batch_id: str | None = None  # events written by one command share it; undo reverts them together
    created_at: datetime = Field(default_factory=utcnow)


class AgentLog(_Entity):
    id: str = Field(default_factory=new_id)
    workspace_id: str
    user_id: str | None = None
    conversation_id: str | None = None
    provider: str
    model: str
    task_type: str = ""
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    latency_ms: float = 0.0
    tool_calls: list[str] = Field(default_factory=list)
    error: str | None = None
    created_at: datetime = Field(default_factory=utcnow)


class SyncLog(_Entity):
    id: str = Field(default_factory=new_id)
    workspace_id: str
    integration_id: str
    direction: SyncDirection
    status: str = "running"
    started_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
    pulled: int = 0
    pushed: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0
    conflicts: list[dict[str, Any]] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list)


class ScheduleKind(StrEnum):
    """What a schedule sends."""

    reminder = "reminder"  # a person asked: at a fixed time, or some minutes before a task is due
    due = "due"  # the workspace's default reminder of an assigned task with a due date
    digest = "digest"  # a person's daily digest
    report = "report"  # a project's summary with a chart, posted to a channel


class Schedule(_Entity):
    """Something the assistant will say by itself, and when: the scheduler's work list (core/schedule/).

    ``next_run_at`` is the UTC moment the scheduler next acts on it (None: finished or cancelled);
    ``occurrence_at`` is the occurrence that action is for: the same moment, unless the send was deferred by
    quiet hours or a failed attempt, so that one occurrence has one delivery receipt however often it is
    tried. A scheduler claims a due row with a lease (``lease_holder`` until ``lease_until``) so that several
    replicas never act on it twice.
    """

    id: str = Field(default_factory=new_id)
    workspace_id: str
    kind: ScheduleKind
    user_id: str | None = None  # who gets it (reminder, due, digest); who set it up (report)
    task_id: str | None = None  # reminder, due
    project_id: str | None = None  # report
    platform: Platform | None = None  # where to say it; None: where the person is (the workspace's platform)
    channel_id: str | None = None  # a channel to post in (report) or reply in (a reminder asked in a thread)
    thread_id: str | None = None
    rule: str | None = None  # digest, report: a canonical repeat rule read in ``timezone`` (core/recurrence)
    offset_minutes: int | None = None  # reminder: this long before the task is due; None: at a fixed time
    timezone: str = "UTC"
    explicit: bool = False  # a time the person named: sent even in quiet hours
    next_run_at: datetime | None = None
    occurrence_at: datetime | None = None
    attempts: int = 0  # failed sends of the current occurrence
    lease_holder: str | None = None
    lease_until: datetime | None = None
    last_sent_at: datetime | None = None
    last_error: str | None = None
    created_by: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    cancelled_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.cancelled_at is None and self.next_run_at is not None


class DeliveryStatus(StrEnum):
    sending = "sending"  # claimed and handed to the platform; a holder that died leaves it so
    sent = "sent"
    failed = "failed"  # gave up on this occurrence after its attempts
    skipped = "skipped"  # nothing to say (empty digest), or the task or person is gone


class Delivery(_Entity):
    """The receipt of one occurrence of one schedule: it is said at most once (``id`` is the key)."""

    id: str  # delivery_key(schedule_id, occurrence)
    workspace_id: str
    schedule_id: str
    occurrence_at: datetime
    user_id: str | None = None
    status: DeliveryStatus = DeliveryStatus.sending
    attempts: int = 1
    holder: str | None = None  # the scheduler that sent it
    message_ref: str | None = None  # where it landed: "slack:C1:1700000000.000100", "discord:…", "console"
    error: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


def delivery_key(schedule_id: str, occurrence: datetime) -> str:
    """The receipt id of one occurrence: the same for every replica and every retry."""
    return f"{schedule_id}@{occurrence.astimezone(UTC):%Y%m%dT%H%M%SZ}"


# Fields computed on read that no store keeps.
PERSISTED_EXCLUDE: dict[type[BaseModel], set[str]] = {
    Project: {"task_count", "completed_task_count", "overdue_count"},
    Task: {"is_overdue", "days_until_due"},
}


def snapshot(entity: BaseModel) -> dict[str, Any]:
    """A JSON-safe dict of the persisted fields, as audit events keep them."""
    return entity.model_dump(mode="json", exclude=PERSISTED_EXCLUDE.get(type(entity), set()))
