"""``TaskQuery`` as SQL: the filters, the sort orders (undated last, ties broken by number) and the counts.

Semantics follow the Delta store exactly: tags match case-insensitively and whole; text is a
case-insensitive substring of the title or the description, matched literally (``%`` and ``_`` are escaped,
so "50%" finds "50%", not "500"); overdue means open and due before the given day.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from core.models import OPEN_STATUSES, Priority, TaskStatus
from core.store import TaskQuery, TaskSort
from storage.sql.tables import tasks

_OPEN = sorted(s.value for s in OPEN_STATUSES)
_RANK = sa.case({p.value: p.rank for p in Priority}, value=tasks.c.priority, else_=len(Priority))

LIKE_ESCAPE = "\\"


def like_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, with the wildcards in ``text`` taken literally."""
    escaped = text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", LIKE_ESCAPE + "%")
    return "%" + escaped.replace("_", LIKE_ESCAPE + "_") + "%"


def _has_tag(dialect: str, tag: str) -> sa.ColumnElement[bool]:
    function = sa.func.json_array_elements_text if dialect == "postgresql" else sa.func.json_each
    elements = function(tasks.c.tags).table_valued("value")
    return sa.exists().select_from(elements).where(sa.func.lower(elements.c.value) == tag.lower())


def _blocked_by(dialect: str, task_id: str) -> sa.ColumnElement[bool]:
    """Tasks whose dependencies hold ``task_id``: on PostgreSQL a containment the GIN index over
    ``dependencies::jsonb`` answers (migration 0005; the cast must match the index expression); on SQLite an
    exact match among the list's elements (no LIKE over the JSON text, which would match parts of ids)."""
    if dialect == "postgresql":
        return sa.cast(tasks.c.dependencies, JSONB).contains([task_id])
    elements = sa.func.json_each(tasks.c.dependencies).table_valued("value")
    return sa.exists().select_from(elements).where(elements.c.value == task_id)


def _text(text: str) -> sa.ColumnElement[bool]:
    pattern = like_pattern(text.lower())
    title = sa.func.lower(tasks.c.title).like(pattern, escape=LIKE_ESCAPE)
    body = sa.func.lower(sa.func.coalesce(tasks.c.description, "")).like(pattern, escape=LIKE_ESCAPE)
    return sa.or_(title, body)


def where(dialect: str, workspace_id: str, query: TaskQuery) -> sa.ColumnElement[bool] | None:
    """The filter for ``query``; ``None`` when nothing can match (an empty status set)."""
    if query.statuses is not None and not query.statuses:
        return None
    c = tasks.c
    clauses: list[sa.ColumnElement[bool]] = [c.workspace_id == workspace_id]
    if query.only_deleted:
        clauses.append(c.deleted_at.is_not(None))
    elif not query.include_deleted:
        clauses.append(c.deleted_at.is_(None))
    if query.project_id is not None:
        clauses.append(c.project_id == query.project_id)
    if query.statuses is not None:
        clauses.append(c.status.in_(sorted(TaskStatus(s).value for s in query.statuses)))
    if query.assignee_id is not None:
        clauses.append(c.assignee_id == query.assignee_id)
    if query.unassigned:
        clauses.append(c.assignee_id.is_(None))
    if query.due_before is not None:
        clauses.append(c.due_date <= query.due_before)
    if query.due_after is not None:
        clauses.append(c.due_date >= query.due_after)
    if query.overdue_on is not None:
        clauses.append(sa.and_(c.due_date < query.overdue_on, c.status.in_(_OPEN)))
    if query.parent_id is not None:
        clauses.append(c.parent_id == query.parent_id)
    if query.blocked_by is not None:
        clauses.append(_blocked_by(dialect, query.blocked_by))
    if query.tag:
        clauses.append(_has_tag(dialect, query.tag))
    if query.text:
        clauses.append(_text(query.text))
    return sa.and_(*clauses)


def order_by(query: TaskQuery) -> list[sa.ColumnElement[Any]]:
    """Sort keys; nulls last in either direction, and the number breaks ties so pages never overlap."""
    c = tasks.c
    by: dict[TaskSort, list[sa.ColumnElement[Any]]] = {
        TaskSort.due: [c.due_date, c.due_time],
        TaskSort.priority: [_RANK],
        TaskSort.created: [c.created_at],
        TaskSort.updated: [c.updated_at],
        TaskSort.number: [],
    }
    primary = by[TaskSort(query.sort)]
    keys = [*primary, c.number]
    return [(k.desc() if query.descending else k.asc()).nulls_last() for k in keys]


def counts(workspace_id: str, today: date) -> sa.Select[Any]:
    """Per project, in one grouped query: live tasks, completed ones, open ones due before ``today``."""
    c = tasks.c
    completed = sa.case((c.status == TaskStatus.completed.value, 1), else_=0)
    overdue = sa.case((sa.and_(c.status.in_(_OPEN), c.due_date < today), 1), else_=0)
    return (
        sa.select(c.project_id, sa.func.count(), sa.func.sum(completed), sa.func.sum(overdue))
        .where(c.workspace_id == workspace_id, c.deleted_at.is_(None), c.project_id.is_not(None))
        .group_by(c.project_id)
    )
