"""``TaskQuery`` on the tasks table: what goes into the scan predicate, what is filtered and sorted in arrow.

Everything that narrows by equality, range or null-ness is pushed into the scan so file statistics skip data,
and so is list membership (``blocked_by``: ``array_has`` on the ``dependencies`` list, evaluated by the scan);
the case-insensitive tag and text matches run in arrow over the already narrowed rows.
"""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pyarrow.compute as pc

from core.models import OPEN_STATUSES, Priority, Task, TaskStatus
from core.store import ProjectCounts, TaskQuery, TaskSort
from storage.delta.convert import plain, rows_at, to_models
from storage.delta.predicates import and_, date_lit, eq, is_in, lit
from storage.delta.schema import TASKS

_OPEN = [s.value for s in OPEN_STATUSES]
_PRIORITY_ORDER = pa.array([p.value for p in Priority])  # index = rank, most urgent first
_RANK = "__rank"

COUNT_COLUMNS = ["project_id", "status", "due_date"]


def scan_predicate(workspace_id: str, query: TaskQuery) -> str | None:
    """The predicate for ``query``; ``None`` when nothing can match (an empty status set)."""
    if query.statuses is not None and not query.statuses:
        return None
    deleted: str | None = None
    if query.only_deleted:
        deleted = "deleted_at IS NOT NULL"
    elif not query.include_deleted:
        deleted = "deleted_at IS NULL"
    return and_(
        eq("workspace_id", workspace_id),
        eq("project_id", query.project_id) if query.project_id is not None else None,
        is_in("status", [s.value for s in query.statuses]) if query.statuses is not None else None,
        eq("assignee_id", query.assignee_id) if query.assignee_id is not None else None,
        "assignee_id IS NULL" if query.unassigned else None,
        f"due_date <= {date_lit(query.due_before)}" if query.due_before is not None else None,
        f"due_date >= {date_lit(query.due_after)}" if query.due_after is not None else None,
        f"due_date < {date_lit(query.overdue_on)} AND {is_in('status', _OPEN)}"
        if query.overdue_on is not None
        else None,
        eq("parent_id", query.parent_id) if query.parent_id is not None else None,
        f"array_has(dependencies, {lit(query.blocked_by)})" if query.blocked_by is not None else None,
        deleted,
    )


def _key_columns(query: TaskQuery) -> list[str]:
    names = {"number", "priority", "due_date", "due_time", "created_at", "updated_at"}
    if query.tag:
        names.add("tags")
    if query.text:
        names |= {"title", "description"}
    return sorted(names)


def _matches(keys: pa.Table, query: TaskQuery) -> pa.ChunkedArray | pa.Array | None:
    """Row mask of the case-insensitive tag and text filters; ``None`` when neither is set."""
    mask = None
    if query.tag:
        tags = keys.column("tags").combine_chunks()
        hits = pc.equal(pc.utf8_lower(pc.list_flatten(tags)), query.tag.lower())
        rows = pc.unique(pc.filter(pc.list_parent_indices(tags), hits)).cast(pa.int64())
        mask = pc.is_in(pa.array(range(keys.num_rows), pa.int64()), value_set=rows)
    if query.text:
        needle = query.text.lower()
        title = pc.match_substring(pc.utf8_lower(keys.column("title").fill_null("")), needle)
        body = pc.match_substring(pc.utf8_lower(keys.column("description").fill_null("")), needle)
        text = pc.or_(title, body)
        mask = text if mask is None else pc.and_(mask, text)
    return mask


def _sort_keys(query: TaskQuery) -> list[tuple[str, str, str]]:
    order = "descending" if query.descending else "ascending"
    primary = {
        TaskSort.due: [("due_date", order), ("due_time", order)],
        TaskSort.priority: [(_RANK, order)],
        TaskSort.created: [("created_at", order)],
        TaskSort.updated: [("updated_at", order)],
        TaskSort.number: [],
    }[query.sort]
    # The number breaks ties so that pages never overlap or skip rows; undated tasks sort last either way.
    return [(name, direction, "at_end") for name, direction in [*primary, ("number", order)]]


def page(table: pa.Table, query: TaskQuery) -> tuple[list[Task], int]:
    """Filter, sort and cut one page; returns the page's tasks and the total number of matches.

    Filtering and sorting work on the few key columns only; full rows are taken for the page alone.
    """
    keys = plain(TASKS, table, _key_columns(query))
    positions: pa.Array | None = None
    mask = _matches(keys, query)
    if mask is not None:
        positions = pc.indices_nonzero(mask)
        keys = keys.take(positions)
    total = keys.num_rows
    if query.sort is TaskSort.priority:
        keys = keys.append_column(_RANK, pc.index_in(keys.column("priority"), value_set=_PRIORITY_ORDER))
    if total > 1:
        order = pc.sort_indices(keys, sort_keys=_sort_keys(query))
    else:
        order = pa.array(range(total), pa.uint64())
    chosen = order[max(query.offset, 0) : max(query.offset, 0) + max(query.limit, 0)]
    if positions is not None:
        chosen = positions.take(chosen)
    return to_models(TASKS, rows_at(TASKS, table, chosen)), total


def counts(table: pa.Table, today: date) -> dict[str, ProjectCounts]:
    """Per project: tasks, completed ones, open ones due before ``today`` (rows already exclude deleted)."""
    if not table.num_rows:
        return {}
    status = plain(TASKS, table, ["status"]).column("status")
    completed = pc.equal(status, TaskStatus.completed.value)
    overdue = pc.and_(
        pc.is_in(status, value_set=pa.array(_OPEN)),
        pc.less(table.column("due_date"), pa.scalar(today, pa.date32())),
    ).fill_null(False)
    flags = pa.table(
        {
            "project_id": table.column("project_id"),
            "total": pa.array([1] * table.num_rows, pa.int64()),
            "completed": completed.cast(pa.int64()),
            "overdue": overdue.cast(pa.int64()),
        }
    )
    grouped = flags.group_by("project_id").aggregate(
        [("total", "sum"), ("completed", "sum"), ("overdue", "sum")]
    )
    return {
        row["project_id"]: ProjectCounts(row["total_sum"], row["completed_sum"], row["overdue_sum"])
        for row in grouped.to_pylist()
    }
