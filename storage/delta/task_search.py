"""``TaskRepo.search`` on the tasks table: a scan of only the columns the ranking needs, then the ranking.

The scan predicate keeps one workspace and drops deleted rows (and closed ones when asked), so file
statistics skip what they can; only id, number, title, description, tags and status are read. The full rows
of the winners are read afterwards by id.
"""

from __future__ import annotations

import pyarrow as pa

from core.models import OPEN_STATUSES
from storage.delta.convert import plain
from storage.delta.predicates import and_, eq, is_in
from storage.delta.schema import TASKS
from storage.search_rank import Candidate, SearchText, rank

COLUMNS = ["id", "number", "title", "description", "tags", "status"]
_OPEN = {s.value for s in OPEN_STATUSES}


def scan_predicate(workspace_id: str, *, include_closed: bool) -> str:
    return and_(
        eq("workspace_id", workspace_id),
        "deleted_at IS NULL",
        None if include_closed else is_in("status", _OPEN),
    )


def best(table: pa.Table, search: SearchText, limit: int) -> list[str]:
    """Ids of the best matches among the scanned rows, best first."""
    rows = plain(TASKS, table, COLUMNS).to_pylist()
    candidates = (
        Candidate(
            id=r["id"],
            number=r["number"],
            title=r["title"] or "",
            description=r["description"] or "",
            tags=r["tags"] or [],
            is_open=r["status"] in _OPEN,
        )
        for r in rows
    )
    return [c.id for c in rank(search, candidates, limit=limit)]
