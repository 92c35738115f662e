"""Task structure (issue 15): ``tasks.actual_minutes`` and the indexes of the reverse lookups.

- ``tasks.actual_minutes``: the time a task really took ("done T-3 took 3h"), or NULL. A nullable column with
  no default: adding it rewrites no rows.
- ``ix_tasks_workspace_parent`` on ``(workspace_id, parent_id)``: a task's subtasks.
- PostgreSQL: ``ix_tasks_dependencies``, a GIN index (``jsonb_path_ops``) over ``dependencies::jsonb``: the
  tasks a task blocks are those whose dependencies contain its id (``dependencies::jsonb @> '["<id>"]'``).
  The column stays ``json`` (no table rewrite); the cast is immutable, so the expression can be indexed.
  SQLite has no index for list membership: it reads the workspace's rows through ``json_each``.

Revision ID: 0005
Revises: 0004
Create Date: 2030-01-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.add_column("tasks", sa.Column("actual_minutes", sa.BigInteger()))
    op.create_index("ix_tasks_workspace_parent", "tasks", ["workspace_id", "parent_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            sa.text(
                "CREATE INDEX ix_tasks_dependencies ON tasks USING gin ((dependencies::jsonb) jsonb_path_ops)"
            )
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.text("DROP INDEX IF EXISTS ix_tasks_dependencies"))
    op.drop_index("ix_tasks_workspace_parent", "tasks")
    # batch mode: SQLite before 3.35 cannot drop a column in place.
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("actual_minutes")
