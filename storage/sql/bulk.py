"""Whole-table reads and writes for ``orchestrator db copy``: rows as plain dicts of column values.

Rows keep their numbers (``T-n`` stays ``T-n``); the number counters are raised past what was copied in.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.sql import numbering
from storage.sql.convert import plain
from storage.sql.database import Database
from storage.sql.tables import DATA_TABLES, projects, tasks

TABLES: dict[str, sa.Table] = {t.name: t for t in DATA_TABLES}
_NUMBERED = {tasks.name: "task", projects.name: "project"}


def table(name: str) -> sa.Table:
    try:
        return TABLES[name]
    except KeyError:
        raise ValueError(f"no table {name!r}") from None


async def count(db: Database, name: str) -> int:
    stmt = sa.select(sa.func.count()).select_from(table(name))

    async def work(conn: AsyncConnection) -> int:
        return int((await conn.execute(stmt)).scalar_one())

    return await db.read(work, action=f"count the {name}")


async def export_rows(db: Database, name: str, batch: int) -> AsyncIterator[list[dict[str, Any]]]:
    """Every row of a table in key order, ``batch`` at a time (keyset pagination: no long transaction)."""
    t = table(name)
    keys = list(t.primary_key.columns)
    last: tuple[Any, ...] | None = None
    while True:
        stmt = sa.select(t).order_by(*keys).limit(batch)
        if last is not None:
            stmt = stmt.where(sa.tuple_(*keys) > sa.tuple_(*last))

        async def work(conn: AsyncConnection, stmt: sa.Select[Any] = stmt) -> list[dict[str, Any]]:
            return [dict(row._mapping) for row in await conn.execute(stmt)]

        rows = await db.read(work, action=f"read the {name}")
        if not rows:
            return
        yield rows
        if len(rows) < batch:
            return
        last = tuple(rows[-1][k.name] for k in keys)


async def import_rows(db: Database, name: str, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows as they are (numbers included) in one transaction."""
    if not rows:
        return
    t = table(name)
    columns = [c.name for c in t.columns]
    values = [{c: plain(row.get(c)) for c in columns} for row in rows]

    async def work(conn: AsyncConnection) -> None:
        await conn.execute(t.insert(), values)
        kind = _NUMBERED.get(name)
        if kind is not None:
            highest: dict[str, int] = {}
            for row in values:
                highest[row["workspace_id"]] = max(highest.get(row["workspace_id"], 0), int(row["number"]))
            await numbering.raise_to(conn, kind, highest)

    await db.write(work, action=f"copy the {name}")
