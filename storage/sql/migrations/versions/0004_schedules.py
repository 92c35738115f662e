"""Speaking first (issue 14): ``schedules``, ``deliveries``, ``users.quiet_hours`` and
``users.remind_before_minutes``.

- ``schedules``: what the assistant will say by itself, and when. Every scheduler tick reads the earliest
  ``next_run_at`` and claims the due rows of every workspace, both from the ``next_run_at`` index; listings by
  person and by task have their own.
- ``deliveries``: one receipt per (schedule, occurrence), keyed so that an occurrence is said at most once.
- ``users.quiet_hours`` ("20:00-08:00", "off") and ``users.remind_before_minutes`` (a person's own reminder
  before their tasks are due): nullable columns with no default, so adding them rewrites no rows.

Revision ID: 0004
Revises: 0003
Create Date: 2030-01-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None

TEXT = sa.Text()
INT = sa.BigInteger()


def TS() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _key() -> list[sa.Column]:
    return [
        sa.Column("workspace_id", TEXT, primary_key=True),
        sa.Column("id", TEXT, primary_key=True),
    ]


def upgrade() -> None:
    op.add_column("users", sa.Column("quiet_hours", TEXT))
    op.add_column("users", sa.Column("remind_before_minutes", INT))
    op.create_table(
        "schedules",
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
        sa.Column("explicit", sa.Boolean(), nullable=False),
        sa.Column("next_run_at", TS()),
        sa.Column("occurrence_at", TS()),
        sa.Column("attempts", INT, nullable=False),
        sa.Column("lease_holder", TEXT),
        sa.Column("lease_until", TS()),
        sa.Column("last_sent_at", TS()),
        sa.Column("last_error", TEXT),
        sa.Column("created_by", TEXT),
        sa.Column("created_at", TS(), nullable=False),
        sa.Column("updated_at", TS(), nullable=False),
        sa.Column("cancelled_at", TS()),
    )
    op.create_index("ix_schedules_next_run", "schedules", ["next_run_at"])
    op.create_index("ix_schedules_workspace_user", "schedules", ["workspace_id", "user_id"])
    op.create_index("ix_schedules_workspace_task", "schedules", ["workspace_id", "task_id"])
    op.create_table(
        "deliveries",
        *_key(),
        sa.Column("schedule_id", TEXT, nullable=False),
        sa.Column("occurrence_at", TS(), nullable=False),
        sa.Column("user_id", TEXT),
        sa.Column("status", TEXT, nullable=False),
        sa.Column("attempts", INT, nullable=False),
        sa.Column("holder", TEXT),
        sa.Column("message_ref", TEXT),
        sa.Column("error", TEXT),
        sa.Column("created_at", TS(), nullable=False),
        sa.Column("updated_at", TS(), nullable=False),
    )
    op.create_index("ix_deliveries_workspace_schedule", "deliveries", ["workspace_id", "schedule_id"])


def downgrade() -> None:
    op.drop_table("deliveries")  # its indexes go with it
    op.drop_table("schedules")
    # batch mode: SQLite before 3.35 cannot drop a column in place.
    with op.batch_alter_table("users") as batch:
        batch.drop_column("remind_before_minutes")
        batch.drop_column("quiet_hours")
