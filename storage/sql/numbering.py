"""Short numbers (``T-n``, ``P-n``) that stay unique per workspace with any number of writers.

One counter row per workspace and kind, advanced by a single ``INSERT … ON CONFLICT DO UPDATE … RETURNING``
inside the transaction that inserts the rows: PostgreSQL locks the counter row until that transaction
commits, SQLite has one writer at a time (``BEGIN IMMEDIATE``), so two writers can never be handed the same
range, and a rolled-back insert gives its numbers back. The counter never goes below the highest number
stored (an index-only lookup on the ``(workspace_id, number)`` unique key), so rows copied in from another
store are never numbered over; numbers of soft-deleted rows are never reused.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.sql.tables import number_counters


def _insert(dialect: str) -> sqlite.Insert | postgresql.Insert:
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(number_counters)


def _greatest(dialect: str, a: sa.ColumnElement[int], b: sa.ColumnElement[int]) -> sa.ColumnElement[int]:
    return sa.func.greatest(a, b) if dialect == "postgresql" else sa.func.max(a, b)


async def allocate(conn: AsyncConnection, table: sa.Table, kind: str, workspace_id: str, count: int) -> int:
    """Reserve ``count`` consecutive numbers in ``workspace_id``; returns the first of them."""
    dialect = conn.dialect.name
    stored_max = (
        sa.select(sa.func.coalesce(sa.func.max(table.c.number), 0))
        .where(table.c.workspace_id == workspace_id)
        .scalar_subquery()
    )
    insert = _insert(dialect).values(workspace_id=workspace_id, kind=kind, last_number=stored_max + count)
    counter = number_counters.c.last_number
    # excluded.last_number is (highest stored + count): the counter moves past both it and itself.
    stmt = insert.on_conflict_do_update(
        index_elements=[number_counters.c.workspace_id, number_counters.c.kind],
        set_={"last_number": _greatest(dialect, counter + count, insert.excluded.last_number)},
    ).returning(counter)
    last = int((await conn.execute(stmt)).scalar_one())
    return last - count + 1


async def raise_to(conn: AsyncConnection, kind: str, highest: dict[str, int]) -> None:
    """Make sure the counters of these workspaces are at least the given numbers (rows copied in)."""
    dialect = conn.dialect.name
    for workspace_id in sorted(highest):
        top = highest[workspace_id]
        insert = _insert(dialect).values(workspace_id=workspace_id, kind=kind, last_number=top)
        stmt = insert.on_conflict_do_update(
            index_elements=[number_counters.c.workspace_id, number_counters.c.kind],
            set_={
                "last_number": _greatest(dialect, number_counters.c.last_number, insert.excluded.last_number)
            },
        )
        await conn.execute(stmt)
