"""The initial schema: one table per entity, receipts, number counters, and the query-path indexes.

Revision ID: 0001
Revises:
Create Date: 2030-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

TEXT = sa.Text()
INT = sa.BigInteger()


def TS() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def JSON() -> sa.JSON:
    return sa.JSON(none_as_null=True)


def _key() -> list[sa.Column]:
    return [
        sa.Column("workspace_id", TEXT, primary_key=True),
        sa.Column("id", TEXT, primary_key=True),
    ]


def upgrade() -> None:
    op.create_table(
        "workspaces",
        sa.Column("id", TEXT, primary_key=True),
        sa.Column("platform", TEXT, nullable=False),
        sa.Column("name", TEXT, nullable=False),
        sa.Column("external_id", TEXT),
        sa.Column("default_timezone", TEXT, nullable=False),
        sa.Column("daily_token_budget", INT),
        sa.Column("settings", JSON()),
        sa.Column("created_at", TS(), nullable=False),
    )
    op.create_table(
        "users",
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
        sa.Column("created_at", TS(), nullable=False),
        sa.Column("updated_at", TS(), nullable=False),
        sa.Column("deleted_at", TS()),
    )
    op.create_index("ix_users_workspace_slack", "users", ["workspace_id", "slack_user_id"])
    op.create_index("ix_users_workspace_discord", "users", ["workspace_id", "discord_user_id"])
    op.create_table(
        "projects",
        *_key(),
        sa.Column("number", INT, nullable=False),
        sa.Column("name", TEXT, nullable=False),
        sa.Column("description", TEXT, nullable=False),
        sa.Column("status", TEXT, nullable=False),
        sa.Column("priority", TEXT, nullable=False),
        sa.Column("tags", JSON(), nullable=False),
        sa.Column("start_date", sa.Date()),
        sa.Column("due_date", sa.Date()),
        sa.Column("owner_id", TEXT),
        sa.Column("external_ids", JSON(), nullable=False),
        sa.Column("created_by", TEXT),
        sa.Column("created_at", TS(), nullable=False),
        sa.Column("updated_at", TS(), nullable=False),
        sa.Column("deleted_at", TS()),
        sa.Column("deleted_by", TEXT),
        sa.UniqueConstraint("workspace_id", "number", name="uq_projects_workspace_number"),
    )
    op.create_table(
        "tasks",
        *_key(),
        sa.Column("number", INT, nullable=False),
        sa.Column("title", TEXT, nullable=False),
        sa.Column("description", TEXT, nullable=False),
        sa.Column("project_id", TEXT),
        sa.Column("status", TEXT, nullable=False),
        sa.Column("priority", TEXT, nullable=False),
        sa.Column("due_date", sa.Date()),
        sa.Column("due_time", sa.Time()),
        sa.Column("assignee_id", TEXT),
        sa.Column("tags", JSON(), nullable=False),
        sa.Column("estimate_minutes", INT),
        sa.Column("parent_id", TEXT),
        sa.Column("dependencies", JSON(), nullable=False),
        sa.Column("external_ids", JSON(), nullable=False),
        sa.Column("source_url", TEXT),
        sa.Column("created_by", TEXT),
        sa.Column("created_at", TS(), nullable=False),
        sa.Column("updated_at", TS(), nullable=False),
        sa.Column("completed_at", TS()),
        sa.Column("deleted_at", TS()),
        sa.Column("deleted_by", TEXT),
        sa.UniqueConstraint("workspace_id", "number", name="uq_tasks_workspace_number"),
    )
    op.create_index("ix_tasks_workspace_project_status", "tasks", ["workspace_id", "project_id", "status"])
    op.create_index("ix_tasks_workspace_assignee", "tasks", ["workspace_id", "assignee_id"])
    op.create_index("ix_tasks_workspace_due", "tasks", ["workspace_id", "due_date"])
    op.create_table(
        "integrations",
        *_key(),
        sa.Column("type", TEXT, nullable=False),
        sa.Column("name", TEXT, nullable=False),
        sa.Column("base_url", TEXT),
        sa.Column("credentials_encrypted", TEXT, nullable=False),
        sa.Column("options", JSON(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("sync_direction", TEXT, nullable=False),
        sa.Column("sync_interval_minutes", INT, nullable=False),
        sa.Column("conflict_policy", TEXT, nullable=False),
        sa.Column("last_sync_cursor", TEXT),
        sa.Column("last_sync_at", TS()),
        sa.Column("last_sync_status", TEXT),
        sa.Column("created_at", TS(), nullable=False),
        sa.Column("updated_at", TS(), nullable=False),
    )
    op.create_table(
        "conversations",
        *_key(),
        sa.Column("user_id", TEXT),
        sa.Column("platform", TEXT, nullable=False),
        sa.Column("channel_id", TEXT),
        sa.Column("thread_id", TEXT),
        sa.Column("messages_json", TEXT, nullable=False),
        sa.Column("summary", TEXT, nullable=False),
        sa.Column("active_project_id", TEXT),
        sa.Column("pending_action", JSON()),
        sa.Column("preferred_model", TEXT),
        sa.Column("tokens_in", INT, nullable=False),
        sa.Column("tokens_out", INT, nullable=False),
        sa.Column("created_at", TS(), nullable=False),
        sa.Column("updated_at", TS(), nullable=False),
    )
    op.create_table(
        "audit_events",
        *_key(),
        sa.Column("actor_id", TEXT),
        sa.Column("surface", TEXT, nullable=False),
        sa.Column("action", TEXT, nullable=False),
        sa.Column("entity_type", TEXT, nullable=False),
        sa.Column("entity_id", TEXT, nullable=False),
        sa.Column("entity_ref", TEXT, nullable=False),
        sa.Column("before", JSON()),
        sa.Column("after", JSON()),
        sa.Column("undoes", TEXT),
        sa.Column("batch_id", TEXT),
        sa.Column("created_at", TS(), nullable=False),
    )
    op.create_index("ix_audit_events_workspace_created", "audit_events", ["workspace_id", "created_at"])
    op.create_index("ix_audit_events_workspace_entity", "audit_events", ["workspace_id", "entity_id"])
    op.create_table(
        "agent_logs",
        *_key(),
        sa.Column("user_id", TEXT),
        sa.Column("conversation_id", TEXT),
        sa.Column("provider", TEXT, nullable=False),
        sa.Column("model", TEXT, nullable=False),
        sa.Column("task_type", TEXT, nullable=False),
        sa.Column("input_tokens", INT, nullable=False),
        sa.Column("output_tokens", INT, nullable=False),
        sa.Column("cost_usd", sa.Float(), nullable=False),
        sa.Column("latency_ms", sa.Float(), nullable=False),
        sa.Column("tool_calls", JSON(), nullable=False),
        sa.Column("error", TEXT),
        sa.Column("created_at", TS(), nullable=False),
    )
    op.create_index("ix_agent_logs_workspace_created", "agent_logs", ["workspace_id", "created_at"])
    op.create_index("ix_agent_logs_created", "agent_logs", ["created_at"])
    op.create_table(
        "sync_logs",
        *_key(),
        sa.Column("integration_id", TEXT, nullable=False),
        sa.Column("direction", TEXT, nullable=False),
        sa.Column("status", TEXT, nullable=False),
        sa.Column("started_at", TS(), nullable=False),
        sa.Column("finished_at", TS()),
        sa.Column("pulled", INT, nullable=False),
        sa.Column("pushed", INT, nullable=False),
        sa.Column("created", INT, nullable=False),
        sa.Column("updated", INT, nullable=False),
        sa.Column("deleted", INT, nullable=False),
        sa.Column("conflicts", JSON(), nullable=False),
        sa.Column("errors", JSON(), nullable=False),
    )
    op.create_index("ix_sync_logs_workspace_started", "sync_logs", ["workspace_id", "started_at"])
    op.create_table(
        "receipts",
        *_key(),
        sa.Column("created_at", TS(), nullable=False),
    )
    op.create_table(
        "number_counters",
        sa.Column("workspace_id", TEXT, primary_key=True),
        sa.Column("kind", TEXT, primary_key=True),
        sa.Column("last_number", INT, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "number_counters",
        "receipts",
        "sync_logs",
        "agent_logs",
        "audit_events",
        "conversations",
        "integrations",
        "tasks",
        "projects",
        "users",
        "workspaces",
    ):
        op.drop_table(table)
