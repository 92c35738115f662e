"""``TaskRepo.search`` in SQL: the candidate rows of one workspace, ranked by ``storage.search_rank``.

Only the columns the ranking needs are selected; the full rows of the winners are read afterwards by id.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from core.models import OPEN_STATUSES
from storage.search_rank import Candidate
from storage.sql.tables import tasks

_OPEN = sorted(s.value for s in OPEN_STATUSES)
_COLUMNS = [tasks.c.id, tasks.c.number, tasks.c.title, tasks.c.description, tasks.c.tags, tasks.c.status]


def live(workspace_id: str, *, include_closed: bool) -> list[sa.ColumnElement[bool]]:
    """One workspace's tasks that are not deleted (and open, unless closed ones are wanted)."""
    c = tasks.c
    clauses: list[sa.ColumnElement[bool]] = [c.workspace_id == workspace_id, c.deleted_at.is_(None)]
    if not include_closed:
        clauses.append(c.status.in_(_OPEN))
    return clauses


def candidates_of(where: list[sa.ColumnElement[bool]]) -> sa.Select[Any]:
    return sa.select(*_COLUMNS).where(*where)


def candidate(row: sa.Row[Any]) -> Candidate:
    return Candidate(
        id=row.id,
        number=int(row.number),
        title=row.title or "",
        description=row.description or "",
        tags=row.tags or [],
        is_open=row.status in _OPEN,
    )
