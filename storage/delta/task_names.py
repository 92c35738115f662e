"""``TaskRepo.names`` on the tasks table: a scan of the few columns a title match needs, newest first."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from core.models import OPEN_STATUSES, TaskStatus
from core.store import TaskName
from storage.delta.convert import plain
from storage.delta.predicates import and_, eq, is_in
from storage.delta.schema import TASKS

COLUMNS = ["number", "title", "project_id", "assignee_id", "updated_at"]
_OPEN = sorted(s.value for s in OPEN_STATUSES)
_CLOSED = sorted(s.value for s in TaskStatus if s not in OPEN_STATUSES)


def scan_predicate(workspace_id: str, *, open_tasks: bool) -> str:
    if open_tasks:
        return and_(eq("workspace_id", workspace_id), "deleted_at IS NULL", is_in("status", _OPEN))
    closed = f"(deleted_at IS NOT NULL OR {is_in('status', _CLOSED)})"
    return and_(eq("workspace_id", workspace_id), closed)


def newest(table: pa.Table, limit: int) -> list[TaskName]:
    """The ``limit`` most recently updated rows, as names."""
    keys = plain(TASKS, table, COLUMNS)
    if keys.num_rows > limit:
        keys = keys.take(pc.select_k_unstable(keys, k=limit, sort_keys=[("updated_at", "descending")]))
    keys = keys.sort_by([("updated_at", "descending"), ("number", "descending")])
    return [
        TaskName(int(n), str(t), p, a)
        for n, t, p, a in zip(
            keys.column("number").to_pylist(),
            keys.column("title").to_pylist(),
            keys.column("project_id").to_pylist(),
            keys.column("assignee_id").to_pylist(),
            strict=True,
        )
    ]
