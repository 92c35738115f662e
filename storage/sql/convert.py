"""Rows <-> models: which model each table holds, encoding for inserts, decoding rows, validating changes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from pydantic import BaseModel

from core.errors import NotFoundError
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
)
from storage.changes import validated_changes
from storage.sql import tables as t

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Entity(Generic[M]):
    """One table and the model its rows are."""

    table: sa.Table
    model: type[M]
    noun: str  # how a chat message names one row
    scope: str = "workspace_id"  # the tenant column; ``id`` for workspaces
    has_updated_at: bool = False

    @property
    def columns(self) -> list[str]:
        return [c.name for c in self.table.columns]

    @property
    def exclude(self) -> set[str]:
        """Model fields computed on read that are never written."""
        return PERSISTED_EXCLUDE.get(self.model, set())

    def key(self, scope_value: str, row_id: str) -> sa.ColumnElement[bool]:
        """The predicate of one row of one workspace."""
        c = self.table.c
        if self.scope == "id":
            return sa.and_(c.id == row_id, c.id == scope_value)
        return sa.and_(c.workspace_id == scope_value, c.id == row_id)

    def not_found(self, row_id: str) -> NotFoundError:
        return NotFoundError(f"I couldn't find that {self.noun} (`{row_id}`) in this workspace.")


WORKSPACES = Entity(t.workspaces, Workspace, "workspace", scope="id")
USERS = Entity(t.users, User, "user", has_updated_at=True)
PROJECTS = Entity(t.projects, Project, "project", has_updated_at=True)
TASKS = Entity(t.tasks, Task, "task", has_updated_at=True)
INTEGRATIONS = Entity(t.integrations, Integration, "integration", has_updated_at=True)
CONVERSATIONS = Entity(t.conversations, Conversation, "conversation", has_updated_at=True)
AUDIT_EVENTS = Entity(t.audit_events, AuditEvent, "audit event")
AGENT_LOGS = Entity(t.agent_logs, AgentLog, "agent log")
SYNC_LOGS = Entity(t.sync_logs, SyncLog, "sync log")
SCHEDULES = Entity(t.schedules, Schedule, "schedule", has_updated_at=True)
DELIVERIES = Entity(t.deliveries, Delivery, "delivery", has_updated_at=True)


def plain(value: Any) -> Any:
    """A value as a column takes it: enums by value (lists of them too); everything else unchanged."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def to_row(entity: Entity[M], model: M) -> dict[str, Any]:
    """The persisted columns of one model."""
    return {name: plain(getattr(model, name)) for name in entity.columns}


def to_model(entity: Entity[M], row: sa.Row[Any] | Mapping[str, Any]) -> M:
    """Decode one row (validated, so a corrupt row fails loudly)."""
    values = dict(row._mapping) if isinstance(row, sa.Row) else dict(row)
    return entity.model.model_validate(values)


def validate_changes(entity: Entity[M], changes: Mapping[str, Any]) -> dict[str, Any]:
    """The changed columns' new values, validated through the model (see ``storage.changes``)."""
    values = validated_changes(
        entity.model, changes, columns=entity.columns, exclude=entity.exclude, noun=entity.noun
    )
    return {name: plain(value) for name, value in values.items()}
