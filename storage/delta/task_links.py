"""``TaskRepo.links`` on the tasks table: a scan of only the columns of ``TaskLink``, in number order."""

from __future__ import annotations

import pyarrow as pa

from core.models import TaskStatus
from core.store import TaskLink
from storage.delta.convert import plain
from storage.delta.predicates import and_, eq
from storage.delta.schema import TASKS

COLUMNS = [
    "id",
    "number",
    "status",
    "parent_id",
    "dependencies",
    "project_id",
    "assignee_id",
    "estimate_minutes",
    "due_date",
]


def scan_predicate(workspace_id: str) -> str:
    return and_(eq("workspace_id", workspace_id), "deleted_at IS NULL")


def links(table: pa.Table) -> list[TaskLink]:
    """The scanned rows as links, by number."""
    keys = plain(TASKS, table, COLUMNS).sort_by("number")
    columns = [keys.column(name).to_pylist() for name in COLUMNS]
    return [
        TaskLink(
            id=str(task_id),
            number=int(number),
            status=TaskStatus(status),
            parent_id=parent_id,
            dependencies=tuple(dependencies or ()),
            project_id=project_id,
            assignee_id=assignee_id,
            estimate_minutes=estimate,
            due_date=due,
        )
        for task_id, number, status, parent_id, dependencies, project_id, assignee_id, estimate, due in zip(
            *columns, strict=True
        )
    ]
