"""``TaskRepo.search`` in SQL: the word index finds the candidates, ``storage.search_rank`` ranks them.

1. The index's words that could match are read (SQL keeps those holding a query word or of a near length),
   and ``SearchText.matching`` picks the ones that do, typos included.
2. The index gives the workspace's live tasks holding any of those words (SQLite: FTS5 ``MATCH``;
   PostgreSQL: the GIN index on ``task_search_words``, ``&&``), just the columns the ranking needs.
3. ``rank_table`` ranks them as on every backend; the full rows of the winners are read by id.
Migration 0002 builds the index and the triggers that keep it in step.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection

from core.models import OPEN_STATUSES
from storage.search_rank import SearchText, allowed_edits
from storage.sql.tables import tasks

_OPEN = sorted(s.value for s in OPEN_STATUSES)
# Tags as their JSON text: the ranking tokenizes it as it is, and no row's JSON needs decoding.
_COLUMNS = [
    tasks.c.id,
    tasks.c.number,
    tasks.c.title,
    tasks.c.description,
    sa.cast(tasks.c.tags, sa.Text).label("tags"),
    tasks.c.status,
]
_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("number", pa.int64()),
        ("title", pa.string()),
        ("description", pa.string()),
        ("tags", pa.string()),
        ("status", pa.string()),
    ]
)


def live(workspace_id: str, *, include_closed: bool) -> list[sa.ColumnElement[bool]]:
    """One workspace's tasks that are not deleted (and open, unless closed ones are wanted)."""
    c = tasks.c
    clauses: list[sa.ColumnElement[bool]] = [c.workspace_id == workspace_id, c.deleted_at.is_(None)]
    if not include_closed:
        clauses.append(c.status.in_(_OPEN))
    return clauses


_TERMS = sa.table("task_search_terms", sa.column("term", sa.Text), sa.column("workspace_id", sa.Text))


def _worth_matching(dialect: str, search: SearchText) -> sa.ColumnElement[bool]:
    """Index words that may match a query word: containing it, of a near length, or not plain ASCII (their
    case folding is Python's job)."""
    term = _TERMS.c.term
    find = sa.func.strpos if dialect == "postgresql" else sa.func.instr
    octets = (
        sa.func.octet_length(term)
        if dialect == "postgresql"
        else sa.func.length(sa.cast(term, sa.LargeBinary))
    )
    clauses: list[sa.ColumnElement[bool]] = [sa.func.length(term) != octets]
    for q in search.query:
        clauses.append(find(term, q) > 0)
        edits = allowed_edits(q)
        if edits:
            # A word within ``edits`` typos of q keeps q's first letter or one of its letter pairs: an edit
            # breaks at most three pairs (a swap), one at the start at most two, and q has enough of them.
            near = sa.func.length(term).between(len(q) - edits, len(q) + edits)
            kept = [
                sa.func.substr(term, 1, 1) == q[0],
                *(find(term, q[i : i + 2]) > 0 for i in range(len(q) - 1)),
            ]
            clauses.append(sa.and_(near, sa.or_(*kept)))
    return sa.or_(*clauses)


async def matching_terms(
    conn: AsyncConnection, dialect: str, workspace_id: str, search: SearchText
) -> list[str]:
    """The words of the index that match the search (SQLite's index is shared by all workspaces)."""
    stmt = sa.select(_TERMS.c.term).where(_worth_matching(dialect, search))
    if dialect == "postgresql":
        stmt = stmt.where(_TERMS.c.workspace_id == workspace_id)
    terms = [row.term for row in await conn.execute(stmt)]
    return search.matching(pa.array(terms, pa.string())) if terms else []


def _fts_query(terms: list[str]) -> str:
    """An FTS5 query for any of ``terms``, each quoted as a string."""
    return " OR ".join('"' + term.replace('"', '""') + '"' for term in terms)


def candidates_of(dialect: str, where: list[sa.ColumnElement[bool]], terms: list[str]) -> sa.Select[Any]:
    """The live tasks (``where``) holding any of ``terms``, through the index."""
    c = tasks.c
    if dialect == "postgresql":
        words = sa.func.task_search_words(c.title, c.description, c.tags)
        holds = words.op("&&")(sa.bindparam("terms", terms, type_=postgresql.ARRAY(sa.Text)))
        return sa.select(*_COLUMNS).where(*where, holds)
    index = sa.table("task_search", sa.column("rowid", sa.Integer))
    keys = sa.table(
        "task_search_keys", sa.column("key", sa.Integer), sa.column("workspace_id"), sa.column("task_id")
    )
    return (
        sa.select(*_COLUMNS)
        .select_from(index)
        .join(keys, keys.c.key == index.c.rowid)
        .join(tasks, sa.and_(c.workspace_id == keys.c.workspace_id, c.id == keys.c.task_id))
        .where(sa.text("task_search MATCH :match").bindparams(match=_fts_query(terms)), *where)
    )


def candidate_table(rows: Sequence[sa.Row[Any]]) -> pa.Table:
    """The candidate rows as the table ``rank_table`` ranks."""
    columns: list[Sequence[Any]] = list(zip(*rows, strict=True)) if rows else [[] for _ in _SCHEMA.names]
    table = pa.table([pa.array(c, f.type) for c, f in zip(columns, _SCHEMA, strict=True)], schema=_SCHEMA)
    is_open = pc.is_in(table.column("status"), value_set=pa.array(_OPEN))
    return table.drop_columns(["status"]).append_column("is_open", is_open)
