"""Recurring tasks: ``tasks.repeat``, the canonical repeat rule ("every monday 9am") of a task, or NULL.

Completing a task that has one creates its next occurrence (core/services/tasks.py). A nullable column with no
default: adding it rewrites no rows on SQLite or PostgreSQL.

Revision ID: 0003
Revises: 0002
Create Date: 2030-01-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.add_column("tasks", sa.Column("repeat", sa.Text()))


def downgrade() -> None:
    # batch mode: SQLite before 3.35 cannot drop a column in place.
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("repeat")
