"""The SQL tables, one per entity, with the indexes of the real query paths.

Names and columns follow the Delta tables (``storage/delta/schema.py``) so that ``orchestrator db copy`` moves
rows one to one. Every entity table is keyed by ``(workspace_id, id)`` (``workspaces`` by ``id``); dict- and
list-shaped fields are JSON; timestamps are timezone-aware UTC on the way in and out (see ``UtcDateTime``).
This module is the target the migrations in ``migrations/versions`` must build: a test compares the two.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect


class UtcDateTime(sa.types.TypeDecorator[datetime]):
    """``timestamptz`` on PostgreSQL; naive UTC text on SQLite. Always hands back aware UTC datetimes."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        utc = aware.astimezone(UTC)
        # SQLite keeps text: drop the offset so every stored value has one format and sorts as text.
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _json() -> sa.JSON:
    # ``none_as_null``: a Python None is SQL NULL (as in Delta), never the JSON literal ``null``.
    return sa.JSON(none_as_null=True)


TEXT = sa.Text
INT = sa.BigInteger
TS = UtcDateTime

metadata = sa.MetaData()


def _key() -> list[sa.Column[Any]]:
    return [
        sa.Column("workspace_id", TEXT, primary_key=True),
        sa.Column("id", TEXT, primary_key=True),
    ]


workspaces = sa.Table(
    "workspaces",
    metadata,
    sa.Column("id", TEXT, primary_key=True),
    sa.Column("platform", TEXT, nullable=False),
    sa.Column("name", TEXT, nullable=False),
    sa.Column("external_id", TEXT),
    sa.Column("default_timezone", TEXT, nullable=False),
    sa.Column("daily_token_budget", INT),
    sa.Column("settings", _json()),
    sa.Column("created_at", TS, nullable=False),
)

users = sa.Table(
    "users",
    metadata,
    *_key(),
    sa.Column("name", TEXT, nullable=False),
    sa.Column("display_name", TEXT),
    sa.Column("email", TEXT),
    sa.Column("timezone", TEXT, nullable=False),
    sa.Column("role", TEXT, nullable=False),
    sa.Column("slack_user_id", TEXT),
    sa.Column("discord_user_id", TEXT),
    sa.Column("motion_user_id", TEXT),
    sa.Column("linear_user_id", TEXT),
    sa.Column("gitlab_user_id", TEXT),
    sa.Column("notion_user_id", TEXT),
    sa.Column("quiet_hours", TEXT),  # migration 0004
    sa.Column("remind_before_minutes", INT),  # migration 0004
    sa.Column("created_at", TS, nullable=False),
    sa.Column("updated_at", TS, nullable=False),
    sa.Column("deleted_at", TS),
    # Every chat message resolves its sender by platform id.
    sa.Index("ix_users_workspace_slack", "workspace_id", "slack_user_id"),
    sa.Index("ix_users_workspace_discord", "workspace_id", "discord_user_id"),
)

projects = sa.Table(
    "projects",
    metadata,
    *_key(),
    sa.Column("number", INT, nullable=False),
    sa.Column("name", TEXT, nullable=False),
    sa.Column("description", TEXT, nullable=False),
    sa.Column("status", TEXT, nullable=False),
    sa.Column("priority", TEXT, nullable=False),
    sa.Column("tags", _json(), nullable=False),
    sa.Column("start_date", sa.Date),
    sa.Column("due_date", sa.Date),
    sa.Column("owner_id", TEXT),
    sa.Column("external_ids", _json(), nullable=False),
    sa.Column("created_by", TEXT),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("updated_at", TS, nullable=False),
    sa.Column("deleted_at", TS),
    sa.Column("deleted_by", TEXT),
    sa.UniqueConstraint("workspace_id", "number", name="uq_projects_workspace_number"),
)

tasks = sa.Table(
    "tasks",
    metadata,
    *_key(),
    sa.Column("number", INT, nullable=False),
    sa.Column("title", TEXT, nullable=False),
    sa.Column("description", TEXT, nullable=False),
    sa.Column("project_id", TEXT),
    sa.Column("status", TEXT, nullable=False),
    sa.Column("priority", TEXT, nullable=False),
    sa.Column("due_date", sa.Date),
    sa.Column("due_time", sa.Time),
    sa.Column("assignee_id", TEXT),
    sa.Column("tags", _json(), nullable=False),
    sa.Column("estimate_minutes", INT),
    sa.Column("actual_minutes", INT),  # migration 0005
    sa.Column("parent_id", TEXT),
    sa.Column("dependencies", _json(), nullable=False),
    sa.Column("external_ids", _json(), nullable=False),
    sa.Column("source_url", TEXT),
    sa.Column("repeat", TEXT),  # migration 0003
    sa.Column("created_by", TEXT),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("updated_at", TS, nullable=False),
    sa.Column("completed_at", TS),
    sa.Column("deleted_at", TS),
    sa.Column("deleted_by", TEXT),
    sa.UniqueConstraint("workspace_id", "number", name="uq_tasks_workspace_number"),
    # The listings a chat asks for: a project's open tasks, someone's tasks, what is due soon.
    sa.Index("ix_tasks_workspace_project_status", "workspace_id", "project_id", "status"),
    sa.Index("ix_tasks_workspace_assignee", "workspace_id", "assignee_id"),
    sa.Index("ix_tasks_workspace_due", "workspace_id", "due_date"),
    # A task's subtasks (migration 0005); what a task blocks is ``ix_tasks_dependencies`` below.
    sa.Index("ix_tasks_workspace_parent", "workspace_id", "parent_id"),
)

integrations = sa.Table(
    "integrations",
    metadata,
    *_key(),
    sa.Column("type", TEXT, nullable=False),
    sa.Column("name", TEXT, nullable=False),
    sa.Column("base_url", TEXT),
    sa.Column("credentials_encrypted", TEXT, nullable=False),
    sa.Column("options", _json(), nullable=False),
    sa.Column("enabled", sa.Boolean, nullable=False),
    sa.Column("sync_direction", TEXT, nullable=False),
    sa.Column("sync_interval_minutes", INT, nullable=False),
    sa.Column("conflict_policy", TEXT, nullable=False),
    sa.Column("last_sync_cursor", TEXT),
    sa.Column("last_sync_at", TS),
    sa.Column("last_sync_status", TEXT),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("updated_at", TS, nullable=False),
)

conversations = sa.Table(
    "conversations",
    metadata,
    *_key(),
    sa.Column("user_id", TEXT),
    sa.Column("platform", TEXT, nullable=False),
    sa.Column("channel_id", TEXT),
    sa.Column("thread_id", TEXT),
    sa.Column("messages_json", TEXT, nullable=False),
    sa.Column("summary", TEXT, nullable=False),
    sa.Column("active_project_id", TEXT),
    sa.Column("pending_action", _json()),
    sa.Column("preferred_model", TEXT),
    sa.Column("tokens_in", INT, nullable=False),
    sa.Column("tokens_out", INT, nullable=False),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("updated_at", TS, nullable=False),
)

audit_events = sa.Table(
    "audit_events",
    metadata,
    *_key(),
    sa.Column("actor_id", TEXT),
    sa.Column("surface", TEXT, nullable=False),
    sa.Column("action", TEXT, nullable=False),
    sa.Column("entity_type", TEXT, nullable=False),
    sa.Column("entity_id", TEXT, nullable=False),
    sa.Column("entity_ref", TEXT, nullable=False),
    sa.Column("before", _json()),
    sa.Column("after", _json()),
    sa.Column("undoes", TEXT),
    sa.Column("batch_id", TEXT),
    sa.Column("created_at", TS, nullable=False),
    # History reads: the whole workspace, one entity (or a few), or one person, each over a time range.
    sa.Index("ix_audit_events_workspace_created", "workspace_id", "created_at"),
    sa.Index("ix_audit_events_workspace_entity_created", "workspace_id", "entity_id", "created_at"),
    sa.Index("ix_audit_events_workspace_actor_created", "workspace_id", "actor_id", "created_at"),
)

agent_logs = sa.Table(
    "agent_logs",
    metadata,
    *_key(),
    sa.Column("user_id", TEXT),
    sa.Column("conversation_id", TEXT),
    sa.Column("provider", TEXT, nullable=False),
    sa.Column("model", TEXT, nullable=False),
    sa.Column("task_type", TEXT, nullable=False),
    sa.Column("input_tokens", INT, nullable=False),
    sa.Column("output_tokens", INT, nullable=False),
    sa.Column("cost_usd", sa.Float, nullable=False),
    sa.Column("latency_ms", sa.Float, nullable=False),
    sa.Column("tool_calls", _json(), nullable=False),
    sa.Column("error", TEXT),
    sa.Column("created_at", TS, nullable=False),
    # Token budgets read today's usage of one workspace; cost reports read a period of all of them.
    sa.Index("ix_agent_logs_workspace_created", "workspace_id", "created_at"),
    sa.Index("ix_agent_logs_created", "created_at"),
)

sync_logs = sa.Table(
    "sync_logs",
    metadata,
    *_key(),
    sa.Column("integration_id", TEXT, nullable=False),
    sa.Column("direction", TEXT, nullable=False),
    sa.Column("status", TEXT, nullable=False),
    sa.Column("started_at", TS, nullable=False),
    sa.Column("finished_at", TS),
    sa.Column("pulled", INT, nullable=False),
    sa.Column("pushed", INT, nullable=False),
    sa.Column("created", INT, nullable=False),
    sa.Column("updated", INT, nullable=False),
    sa.Column("deleted", INT, nullable=False),
    sa.Column("conflicts", _json(), nullable=False),
    sa.Column("errors", _json(), nullable=False),
    sa.Index("ix_sync_logs_workspace_started", "workspace_id", "started_at"),
)

# Idempotency receipts: ``id`` is the claimed key; the primary key makes a claim succeed once.
receipts = sa.Table(
    "receipts",
    metadata,
    *_key(),
    sa.Column("created_at", TS, nullable=False),
)

# What the assistant will say by itself, and when (migration 0004). Every scheduler tick reads the earliest
# ``next_run_at`` and claims the due rows of every workspace: both served by the ``next_run_at`` index.
schedules = sa.Table(
    "schedules",
    metadata,
    *_key(),
    sa.Column("kind", TEXT, nullable=False),
    sa.Column("user_id", TEXT),
    sa.Column("task_id", TEXT),
    sa.Column("project_id", TEXT),
    sa.Column("platform", TEXT),
    sa.Column("channel_id", TEXT),
    sa.Column("thread_id", TEXT),
    sa.Column("rule", TEXT),
    sa.Column("offset_minutes", INT),
    sa.Column("timezone", TEXT, nullable=False),
    sa.Column("explicit", sa.Boolean, nullable=False),
    sa.Column("next_run_at", TS),
    sa.Column("occurrence_at", TS),
    sa.Column("attempts", INT, nullable=False),
    sa.Column("lease_holder", TEXT),
    sa.Column("lease_until", TS),
    sa.Column("last_sent_at", TS),
    sa.Column("last_error", TEXT),
    sa.Column("created_by", TEXT),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("updated_at", TS, nullable=False),
    sa.Column("cancelled_at", TS),
    sa.Index("ix_schedules_next_run", "next_run_at"),
    # Someone's reminders and digest; a task's reminders (re-planned when its due date moves).
    sa.Index("ix_schedules_workspace_user", "workspace_id", "user_id"),
    sa.Index("ix_schedules_workspace_task", "workspace_id", "task_id"),
)

# Delivery receipts, one per (schedule, occurrence): the primary key makes ``begin`` succeed once.
deliveries = sa.Table(
    "deliveries",
    metadata,
    *_key(),
    sa.Column("schedule_id", TEXT, nullable=False),
    sa.Column("occurrence_at", TS, nullable=False),
    sa.Column("user_id", TEXT),
    sa.Column("status", TEXT, nullable=False),
    sa.Column("attempts", INT, nullable=False),
    sa.Column("holder", TEXT),
    sa.Column("message_ref", TEXT),
    sa.Column("error", TEXT),
    sa.Column("created_at", TS, nullable=False),
    sa.Column("updated_at", TS, nullable=False),
    sa.Index("ix_deliveries_workspace_schedule", "workspace_id", "schedule_id"),
)

# The last short number handed out per workspace and kind ("task", "project"): see numbering.py.
number_counters = sa.Table(
    "number_counters",
    metadata,
    sa.Column("workspace_id", TEXT, primary_key=True),
    sa.Column("kind", TEXT, primary_key=True),
    sa.Column("last_number", INT, nullable=False),
)

# The text search index, built by migration 0002 and kept in step with ``tasks`` by triggers. It differs per
# dialect (SQLite: an FTS5 index; PostgreSQL: a GIN index on the words of a task and the words seen per
# workspace), so it is not part of this metadata; derived data, never copied (the target rebuilds it).
SEARCH_OBJECTS = frozenset({"task_search", "task_search_keys", "task_search_terms", "ix_tasks_search_words"})
SEARCH_TABLE_PREFIX = "task_search"  # FTS5's own shadow tables (task_search_data, …) start with it too

# PostgreSQL only (migration 0005): a GIN index over ``dependencies::jsonb`` (jsonb_path_ops) answering "which
# tasks does this one block" by containment (``@>``). One dialect's expression index: not in this metadata.
DEPENDENCIES_INDEX = "ix_tasks_dependencies"
DIALECT_OBJECTS = SEARCH_OBJECTS | {DEPENDENCIES_INDEX}  # built by migrations only; schema tests skip them

# Tables holding the data ``db copy`` moves, in an order that keeps references readable mid-copy.
DATA_TABLES: tuple[sa.Table, ...] = (
    workspaces,
    users,
    projects,
    tasks,
    integrations,
    conversations,
    audit_events,
    agent_logs,
    sync_logs,
    receipts,
    schedules,
    deliveries,
)
