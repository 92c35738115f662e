"""``TaskRepo.search`` on the tasks table: a scan of only the columns the ranking needs, ranked in arrow.

The scan predicate keeps one workspace and drops deleted rows (and closed ones when asked), so file
statistics skip what they can; only id, number, title, description, tags and status are read, and
``storage.search_rank.rank_positions`` matches and ranks them vectorised. The full rows of the winners are
read afterwards by id and number (numbers let file statistics skip files; ids are random).
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from core.models import OPEN_STATUSES
from storage.delta.convert import plain
from storage.delta.predicates import and_, eq, is_in
from storage.delta.schema import TASKS
from storage.search_rank import SearchText, rank_positions

COLUMNS = ["id", "number", "title", "description", "tags", "status"]
_OPEN = sorted(s.value for s in OPEN_STATUSES)


def scan_predicate(workspace_id: str, *, include_closed: bool) -> str:
    return and_(
        eq("workspace_id", workspace_id),
        "deleted_at IS NULL",
        None if include_closed else is_in("status", _OPEN),
    )


def best(table: pa.Table, search: SearchText, limit: int) -> list[tuple[str, int]]:
    """Ids and numbers of the best matches among the scanned rows, best first."""
    keys = plain(TASKS, table, COLUMNS)
    is_open = pc.is_in(keys.column("status"), value_set=pa.array(_OPEN))
    rows = rank_positions(
        search, keys.drop_columns(["status"]).append_column("is_open", is_open), limit=limit
    )
    chosen = keys.select(["id", "number"]).take(rows)
    return list(zip(chosen.column("id").to_pylist(), chosen.column("number").to_pylist(), strict=True))


_LISTED = 1000  # more literals than this in one predicate would make it huge (and deep) for the engine


def winners_predicate(workspace_id: str, chosen: list[tuple[str, int]]) -> str:
    """The chosen rows, still live: by number (file statistics skip most files; ids are random) and id.

    A long selection is read by its range of numbers; the caller keeps the chosen ids.
    """
    numbers = [n for _, n in chosen]
    if len(chosen) > _LISTED:
        listed = f"number >= {int(min(numbers))} AND number <= {int(max(numbers))}"
    else:
        listed = and_(
            f"number IN ({', '.join(str(int(n)) for n in numbers)})", is_in("id", [i for i, _ in chosen])
        )
    return and_(eq("workspace_id", workspace_id), listed, "deleted_at IS NULL")
