"""Arrow schemas of the Delta tables, one per entity, and the facts the store needs about each table.

Types are deliberately plain (string, int64, bool, float64, date32, timestamp[us, UTC], list<string>) so that
DuckDB, Polars and Spark read the tables without any help. Delta has no time-of-day type, so ``Task.due_time``
is kept as an ISO ``HH:MM:SS`` string (it still sorts correctly). Dict-shaped fields are JSON strings. Each
schema is derived from its pydantic model (``table()``), so a new model field is a new column.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import Enum
from typing import Any, Generic, TypeVar

import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field

from core.models import (
    PERSISTED_EXCLUDE,
    AgentLog,
    AuditEvent,
    Conversation,
    Delivery,
    Integration,
    Project,
    Schedule,
    SyncLog,
    Task,
    User,
    Workspace,
    new_id,
    utcnow,
)

M = TypeVar("M", bound=BaseModel)

SCHEMA_NAME = "orchestrator"  # <catalog>.orchestrator.<table> <-> <root>/orchestrator/<table>

# Deleted files stay on disk this long so that readers holding an older snapshot keep working.
TABLE_PROPERTIES: dict[str, str | None] = {
    "delta.logRetentionDuration": "interval 1 days",
    "delta.deletedFileRetentionDuration": "interval 1 days",
}


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


_TIMESTAMP = pa.timestamp("us", tz="UTC")
_PLAIN: dict[Any, pa.DataType] = {
    str: pa.string(),
    bool: pa.bool_(),
    int: pa.int64(),
    float: pa.float64(),
    datetime: _TIMESTAMP,
    date: pa.date32(),
}


def _column(annotation: Any) -> tuple[pa.DataType, str | None]:
    """The arrow type of a model field, and "json" or "time" when the value is encoded as a string."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        [inner] = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _column(inner)
    if origin is list:
        [item] = typing.get_args(annotation)
        return (pa.list_(pa.string()), None) if item is str else (pa.string(), "json")
    if origin is dict or annotation is dict:
        return pa.string(), "json"
    if annotation is time:  # Delta has no time-of-day type
        return pa.string(), "time"
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return pa.string(), None
    if annotation in _PLAIN:
        return _PLAIN[annotation], None
    raise TypeError(f"no Delta column type for {annotation!r}")


def table(
    name: str,
    entity: str,
    model: type[M],
    *,
    scope: str = "workspace_id",
    numbered: bool = False,
    z_order: tuple[str, ...] = (),
) -> TableSpec[M]:
    """The spec of ``model``'s table, its schema derived from the model so the two can never drift."""
    fields: list[pa.Field] = []
    encoded: dict[str, set[str]] = {"json": set(), "time": set()}
    for field_name, info in model.model_fields.items():
        if field_name in PERSISTED_EXCLUDE.get(model, set()):
            continue
        arrow_type, encoding = _column(info.annotation)
        if encoding:
            encoded[encoding].add(field_name)
        fields.append(pa.field(field_name, arrow_type, nullable=field_name not in ("id", "workspace_id")))
    schema = pa.schema(fields)
    return TableSpec(
        name=name,
        entity=entity,
        model=model,
        schema=schema,
        scope=scope,
        numbered=numbered,
        has_updated_at="updated_at" in schema.names,
        json_columns=frozenset(encoded["json"]),
        time_columns=frozenset(encoded["time"]),
        z_order=z_order,
    )


WORKSPACES: TableSpec[Workspace] = table(
    name="workspaces",
    entity="workspace",
    model=Workspace,
    scope="id",
)

USERS: TableSpec[User] = table(
    name="users",
    entity="user",
    model=User,
)

PROJECTS: TableSpec[Project] = table(
    name="projects",
    entity="project",
    model=Project,
    numbered=True,
)

TASKS: TableSpec[Task] = table(
    name="tasks",
    entity="task",
    model=Task,
    numbered=True,
    z_order=("workspace_id", "project_id"),
)

INTEGRATIONS: TableSpec[Integration] = table(
    name="integrations",
    entity="integration",
    model=Integration,
)

CONVERSATIONS: TableSpec[Conversation] = table(
    name="conversations",
    entity="conversation",
    model=Conversation,
)

AUDIT_EVENTS: TableSpec[AuditEvent] = table(
    name="audit_events",
    entity="audit event",
    model=AuditEvent,
)

AGENT_LOGS: TableSpec[AgentLog] = table(
    name="agent_logs",
    entity="agent log",
    model=AgentLog,
)

SYNC_LOGS: TableSpec[SyncLog] = table(
    name="sync_logs",
    entity="sync log",
    model=SyncLog,
)

# The scheduler's work list, read across workspaces every tick (storage/delta/repos/schedules.py).
SCHEDULES: TableSpec[Schedule] = table(
    name="schedules",
    entity="schedule",
    model=Schedule,
)

DELIVERIES: TableSpec[Delivery] = table(
    name="deliveries",
    entity="delivery",
    model=Delivery,
)


class Receipt(BaseModel):
    """An idempotency claim: ``id`` is the claimed key (a Slack event id, a Discord interaction id, …)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(default_factory=new_id)
    workspace_id: str
    created_at: datetime = Field(default_factory=utcnow)


RECEIPTS: TableSpec[Receipt] = table(
    name="receipts",
    entity="receipt",
    model=Receipt,
)


class MaintenanceLease(BaseModel):
    """Who may maintain table ``id`` until ``expires_at`` (one process at a time, see leases.py)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    holder: str
    expires_at: datetime


LEASES: TableSpec[MaintenanceLease] = table(
    name="maintenance_leases",
    entity="maintenance lease",
    model=MaintenanceLease,
    scope="id",
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
    SCHEDULES,
    DELIVERIES,
    LEASES,
)


def schema_drift(spec: TableSpec[M]) -> list[str]:
    """Describe where a model and its table schema disagree (a model field added without a column)."""
    fields = set(spec.model.model_fields) - spec.exclude
    columns = set(spec.columns)
    problems = [f"{spec.name}: model field `{name}` has no column" for name in sorted(fields - columns)]
    problems += [f"{spec.name}: column `{name}` is not a model field" for name in sorted(columns - fields)]
    return problems
