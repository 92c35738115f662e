"""``TaskRepo.search`` in SQL: the candidate rows of one workspace, ranked by ``storage.search_rank``.

Only the columns the ranking needs are selected; the full rows of the winners are read afterwards by id.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyarrow as pa
import sqlalchemy as sa

from core.models import OPEN_STATUSES
from storage.sql.tables import tasks

_OPEN = sorted(s.value for s in OPEN_STATUSES)
_COLUMNS = [tasks.c.id, tasks.c.number, tasks.c.title, tasks.c.description, tasks.c.tags, tasks.c.status]
_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("number", pa.int64()),
        ("title", pa.string()),
        ("description", pa.string()),
        ("tags", pa.list_(pa.string())),
        ("is_open", pa.bool_()),
    ]
)


def live(workspace_id: str, *, include_closed: bool) -> list[sa.ColumnElement[bool]]:
    """One workspace's tasks that are not deleted (and open, unless closed ones are wanted)."""
    c = tasks.c
    clauses: list[sa.ColumnElement[bool]] = [c.workspace_id == workspace_id, c.deleted_at.is_(None)]
    if not include_closed:
        clauses.append(c.status.in_(_OPEN))
    return clauses


def candidates_of(where: list[sa.ColumnElement[bool]]) -> sa.Select[Any]:
    return sa.select(*_COLUMNS).where(*where)


def candidate_table(rows: Iterable[sa.Row[Any]]) -> pa.Table:
    """The candidate rows as the table ``rank_table`` ranks."""
    out: dict[str, list[Any]] = {name: [] for name in _SCHEMA.names}
    for row in rows:
        out["id"].append(row.id)
        out["number"].append(row.number)
        out["title"].append(row.title)
        out["description"].append(row.description)
        out["tags"].append(row.tags or [])
        out["is_open"].append(row.status in _OPEN)
    return pa.table(out, schema=_SCHEMA)
