"""Arrow schemas of the Delta tables, one per entity, and the facts the store needs about each table.

Types are deliberately plain (string, int64, bool, float64, date32, timestamp[us, UTC], list<string>) so that
DuckDB, Polars and Spark read the tables without any help. Delta has no time-of-day type, so ``Task.due_time``
is kept as an ISO ``HH:MM:SS`` string (it still sorts correctly). Dict-shaped fields are JSON strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field

from core.models import (
    PERSISTED_EXCLUDE,
    AgentLog,
    AuditEvent,
    Conversation,
    Integration,
    Project,
    SyncLog,
    Task,
    User,
    Workspace,
    new_id,
    utcnow,
)
from storage.changes import IMMUTABLE

M = TypeVar("M", bound=BaseModel)

SCHEMA_NAME = "orchestrator"  # <catalog>.orchestrator.<table> <-> <root>/orchestrator/<table>

# Deleted files stay on disk this long so that readers holding an older snapshot keep working.
TABLE_PROPERTIES: dict[str, str | None] = {
    "delta.logRetentionDuration": "interval 1 days",
    "delta.deletedFileRetentionDuration": "interval 1 days",
}

_STR = pa.string()
_INT = pa.int64()
_TS = pa.timestamp("us", tz="UTC")
_DATE = pa.date32()
_STRS = pa.list_(pa.string())


def _f(name: str, type_: pa.DataType, nullable: bool = True) -> pa.Field:
    return pa.field(name, type_, nullable=nullable)


def _key() -> list[pa.Field]:
    return [_f("id", _STR, False), _f("workspace_id", _STR, False)]


@dataclass(frozen=True)
class TableSpec(Generic[M]):
    """One Delta table: its name, model, arrow schema and how rows are scoped and encoded."""

    name: str
    entity: str  # how a chat message names one row ("task", "project", …)
    model: type[M]
    schema: pa.Schema
    scope: str = "workspace_id"  # the tenant column every predicate includes
    numbered: bool = False  # rows get a per-workspace short number on create
    has_updated_at: bool = False
    json_columns: frozenset[str] = frozenset()
    time_columns: frozenset[str] = frozenset()
    z_order: tuple[str, ...] = ()  # clustering columns for maintenance; empty means plain compaction

    @property
    def columns(self) -> list[str]:
        return list(self.schema.names)

    @property
    def exclude(self) -> set[str]:
        """Model fields computed on read that are never written."""
        return PERSISTED_EXCLUDE.get(self.model, set())

    @property
    def immutable(self) -> frozenset[str]:
        return IMMUTABLE


WORKSPACES: TableSpec[Workspace] = TableSpec(
    name="workspaces",
    entity="workspace",
    model=Workspace,
    scope="id",
    json_columns=frozenset({"settings"}),
    schema=pa.schema(
        [
            _f("id", _STR, False),
            _f("platform", _STR),
            _f("name", _STR),
            _f("external_id", _STR),
            _f("default_timezone", _STR),
            _f("daily_token_budget", _INT),
            _f("settings", _STR),
            _f("created_at", _TS),
        ]
    ),
)

USERS: TableSpec[User] = TableSpec(
    name="users",
    entity="user",
    model=User,
    has_updated_at=True,
    schema=pa.schema(
        [
            *_key(),
            _f("name", _STR),
            _f("display_name", _STR),
            _f("email", _STR),
            _f("timezone", _STR),
            _f("role", _STR),
            _f("slack_user_id", _STR),
            _f("discord_user_id", _STR),
            _f("motion_user_id", _STR),
            _f("linear_user_id", _STR),
            _f("gitlab_user_id", _STR),
            _f("notion_user_id", _STR),
            _f("created_at", _TS),
            _f("updated_at", _TS),
            _f("deleted_at", _TS),
        ]
    ),
)

PROJECTS: TableSpec[Project] = TableSpec(
    name="projects",
    entity="project",
    model=Project,
    numbered=True,
    has_updated_at=True,
    json_columns=frozenset({"external_ids"}),
    schema=pa.schema(
        [
            *_key(),
            _f("number", _INT),
            _f("name", _STR),
            _f("description", _STR),
            _f("status", _STR),
            _f("priority", _STR),
            _f("tags", _STRS),
            _f("start_date", _DATE),
            _f("due_date", _DATE),
            _f("owner_id", _STR),
            _f("external_ids", _STR),
            _f("created_by", _STR),
            _f("created_at", _TS),
            _f("updated_at", _TS),
            _f("deleted_at", _TS),
            _f("deleted_by", _STR),
        ]
    ),
)

TASKS: TableSpec[Task] = TableSpec(
    name="tasks",
    entity="task",
    model=Task,
    numbered=True,
    has_updated_at=True,
    json_columns=frozenset({"external_ids"}),
    time_columns=frozenset({"due_time"}),
    z_order=("workspace_id", "project_id"),
    schema=pa.schema(
        [
            *_key(),
            _f("number", _INT),
            _f("title", _STR),
            _f("description", _STR),
            _f("project_id", _STR),
            _f("status", _STR),
            _f("priority", _STR),
            _f("due_date", _DATE),
            _f("due_time", _STR),
            _f("assignee_id", _STR),
            _f("tags", _STRS),
            _f("estimate_minutes", _INT),
            _f("parent_id", _STR),
            _f("dependencies", _STRS),
            _f("external_ids", _STR),
            _f("source_url", _STR),
            _f("created_by", _STR),
            _f("created_at", _TS),
            _f("updated_at", _TS),
            _f("completed_at", _TS),
            _f("deleted_at", _TS),
            _f("deleted_by", _STR),
        ]
    ),
)

INTEGRATIONS: TableSpec[Integration] = TableSpec(
    name="integrations",
    entity="integration",
    model=Integration,
    has_updated_at=True,
    json_columns=frozenset({"options"}),
    schema=pa.schema(
        [
            *_key(),
            _f("type", _STR),
            _f("name", _STR),
            _f("base_url", _STR),
            _f("credentials_encrypted", _STR),
            _f("options", _STR),
            _f("enabled", pa.bool_()),
            _f("sync_direction", _STR),
            _f("sync_interval_minutes", _INT),
            _f("conflict_policy", _STR),
            _f("last_sync_cursor", _STR),
            _f("last_sync_at", _TS),
            _f("last_sync_status", _STR),
            _f("created_at", _TS),
            _f("updated_at", _TS),
        ]
    ),
)

CONVERSATIONS: TableSpec[Conversation] = TableSpec(
    name="conversations",
    entity="conversation",
    model=Conversation,
    has_updated_at=True,
    json_columns=frozenset({"pending_action"}),
    schema=pa.schema(
        [
            *_key(),
            _f("user_id", _STR),
            _f("platform", _STR),
            _f("channel_id", _STR),
            _f("thread_id", _STR),
            _f("messages_json", _STR),
            _f("summary", _STR),
            _f("active_project_id", _STR),
            _f("pending_action", _STR),
            _f("preferred_model", _STR),
            _f("tokens_in", _INT),
            _f("tokens_out", _INT),
            _f("created_at", _TS),
            _f("updated_at", _TS),
        ]
    ),
)

AUDIT_EVENTS: TableSpec[AuditEvent] = TableSpec(
    name="audit_events",
    entity="audit event",
    model=AuditEvent,
    json_columns=frozenset({"before", "after"}),
    schema=pa.schema(
        [
            *_key(),
            _f("actor_id", _STR),
            _f("surface", _STR),
            _f("action", _STR),
            _f("entity_type", _STR),
            _f("entity_id", _STR),
            _f("entity_ref", _STR),
            _f("before", _STR),
            _f("after", _STR),
            _f("undoes", _STR),
            _f("batch_id", _STR),
            _f("created_at", _TS),
        ]
    ),
)

AGENT_LOGS: TableSpec[AgentLog] = TableSpec(
    name="agent_logs",
    entity="agent log",
    model=AgentLog,
    schema=pa.schema(
        [
            *_key(),
            _f("user_id", _STR),
            _f("conversation_id", _STR),
            _f("provider", _STR),
            _f("model", _STR),
            _f("task_type", _STR),
            _f("input_tokens", _INT),
            _f("output_tokens", _INT),
            _f("cost_usd", pa.float64()),
            _f("latency_ms", pa.float64()),
            _f("tool_calls", _STRS),
            _f("error", _STR),
            _f("created_at", _TS),
        ]
    ),
)

SYNC_LOGS: TableSpec[SyncLog] = TableSpec(
    name="sync_logs",
    entity="sync log",
    model=SyncLog,
    json_columns=frozenset({"conflicts"}),
    schema=pa.schema(
        [
            *_key(),
            _f("integration_id", _STR),
            _f("direction", _STR),
            _f("status", _STR),
            _f("started_at", _TS),
            _f("finished_at", _TS),
            _f("pulled", _INT),
            _f("pushed", _INT),
            _f("created", _INT),
            _f("updated", _INT),
            _f("deleted", _INT),
            _f("conflicts", _STR),
            _f("errors", _STRS),
        ]
    ),
)


class Receipt(BaseModel):
    """An idempotency claim: ``id`` is the claimed key (a Slack event id, a Discord interaction id, …)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(default_factory=new_id)
    workspace_id: str
    created_at: datetime = Field(default_factory=utcnow)


RECEIPTS: TableSpec[Receipt] = TableSpec(
    name="receipts",
    entity="receipt",
    model=Receipt,
    schema=pa.schema([*_key(), _f("created_at", _TS)]),
)


class MaintenanceLease(BaseModel):
    """Who may maintain table ``id`` until ``expires_at`` (one process at a time, see leases.py)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    holder: str
    expires_at: datetime


LEASES: TableSpec[MaintenanceLease] = TableSpec(
    name="maintenance_leases",
    entity="maintenance lease",
    model=MaintenanceLease,
    scope="id",
    schema=pa.schema([_f("id", _STR, False), _f("holder", _STR), _f("expires_at", _TS)]),
)

ALL_SPECS: tuple[TableSpec[Any], ...] = (
    WORKSPACES,
    USERS,
    PROJECTS,
    TASKS,
    INTEGRATIONS,
    CONVERSATIONS,
    AUDIT_EVENTS,
    AGENT_LOGS,
    SYNC_LOGS,
    RECEIPTS,
    LEASES,
)


def schema_drift(spec: TableSpec[M]) -> list[str]:
    """Describe where a model and its table schema disagree (a model field added without a column)."""
    fields = set(spec.model.model_fields) - spec.exclude
    columns = set(spec.columns)
    problems = [f"{spec.name}: model field `{name}` has no column" for name in sorted(fields - columns)]
    problems += [f"{spec.name}: column `{name}` is not a model field" for name in sorted(columns - fields)]
    return problems
