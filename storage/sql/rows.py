"""The operations every repository needs on its table: reads as models, inserts, partial updates, upserts.

A write given an audit ``Recorder`` inserts the events it returns in the same transaction as the change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any, Generic

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from core.models import AuditEvent, utcnow
from core.store import Recorder, RowChange
from storage.changes import changes_by_row
from storage.sql.convert import AUDIT_EVENTS, Entity, M, to_model, to_row, validate_changes
from storage.sql.database import Database

Order = Sequence[sa.ColumnElement[Any]]


def dialect_insert(dialect: str, table: sa.Table) -> sqlite.Insert | postgresql.Insert:
    """An INSERT that knows ``ON CONFLICT`` in both dialects."""
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


async def record(conn: AsyncConnection, audit: Recorder | None, changes: Sequence[RowChange]) -> None:
    """Insert the events ``audit`` makes of ``changes`` on ``conn``: inside the change's own transaction."""
    events: list[AuditEvent] = audit(changes) if audit is not None else []
    if events:
        await conn.execute(AUDIT_EVENTS.table.insert(), [to_row(AUDIT_EVENTS, e) for e in events])


class EntityRows(Generic[M]):
    """Reads and writes of one entity's table; every statement is scoped by the entity's tenant column."""

    def __init__(self, db: Database, entity: Entity[M]) -> None:
        self.db = db
        self.entity = entity
        self.table = entity.table
        self.c = entity.table.c

    # -- reads -----------------------------------------------------------------------------------------------

    async def models(
        self, where: sa.ColumnElement[bool] | None, *, order: Order = (), limit: int | None = None
    ) -> list[M]:
        """Matching rows as models, in ``order``, cut to ``limit``."""
        stmt = sa.select(self.table)
        if where is not None:
            stmt = stmt.where(where)
        if order:
            stmt = stmt.order_by(*order)
        if limit is not None:
            stmt = stmt.limit(max(limit, 0))

        async def work(conn: AsyncConnection) -> list[M]:
            return [to_model(self.entity, row) for row in await conn.execute(stmt)]

        return await self.db.read(work, action=f"read the {self.entity.noun}s")

    async def first(self, where: sa.ColumnElement[bool], *, order: Order = ()) -> M | None:
        found = await self.models(where, order=order, limit=1)
        return found[0] if found else None

    async def get(self, scope_value: str, row_id: str) -> M | None:
        return await self.first(self.entity.key(scope_value, row_id))

    # -- writes ----------------------------------------------------------------------------------------------

    async def insert(self, models: Sequence[M], *, audit: Recorder | None = None) -> None:
        """Add rows in one transaction."""
        if not models:
            return
        rows = [to_row(self.entity, m) for m in models]

        async def work(conn: AsyncConnection) -> None:
            await conn.execute(self.table.insert(), rows)
            await record(conn, audit, [(None, m) for m in models])

        await self.db.write(work, action=f"save the {self.entity.noun}")

    async def update(
        self, scope_value: str, row_id: str, changes: Mapping[str, Any], *, audit: Recorder | None = None
    ) -> M:
        """Apply just the given fields (validated through the model) and return the stored row."""
        values = validate_changes(self.entity, changes)
        if self.entity.has_updated_at:
            values["updated_at"] = utcnow()
        if not values:
            stored = await self.get(scope_value, row_id)
            if stored is None:
                raise self.entity.not_found(row_id)
            return stored
        [updated] = await self._update_rows(scope_value, {row_id: values}, audit)
        return updated

    async def update_many(
        self,
        scope_value: str,
        items: Sequence[tuple[str, Mapping[str, Any]]],
        *,
        audit: Recorder | None = None,
    ) -> list[M]:
        """Apply each row's own changes in one transaction: all of them, or none when a row is missing."""
        prepared = changes_by_row(
            items, partial(validate_changes, self.entity), stamp_updated_at=self.entity.has_updated_at
        )
        return await self._update_rows(scope_value, prepared, audit) if prepared else []

    async def _update_rows(
        self, scope_value: str, prepared: Mapping[str, Mapping[str, Any]], audit: Recorder | None
    ) -> list[M]:
        ids = list(prepared)
        # The before-image is read in the same transaction, locked (PostgreSQL) or under SQLite's single
        # writer, so the events describe exactly what this transaction changed.
        read_before = sa.select(self.table).where(
            self.c[self.entity.scope] == scope_value, self.c.id.in_(ids)
        )
        if self.db.dialect == "postgresql":
            read_before = read_before.with_for_update()
        statements = [
            (
                row_id,
                sa.update(self.table)
                .where(self.entity.key(scope_value, row_id))
                .values(values)
                .returning(*self.table.columns),
            )
            for row_id, values in prepared.items()
        ]

        async def work(conn: AsyncConnection) -> list[M]:
            before: dict[str, M] = {}
            if audit is not None:
                before = {row.id: to_model(self.entity, row) for row in await conn.execute(read_before)}
            out: list[M] = []
            for row_id, stmt in statements:
                row = (await conn.execute(stmt)).first()
                if row is None:  # raising inside the transaction rolls back the rows already changed
                    raise self.entity.not_found(row_id)
                out.append(to_model(self.entity, row))
            if audit is not None:
                await record(
                    conn, audit, [(before[row_id], after) for row_id, after in zip(ids, out, strict=True)]
                )
            return out

        noun = self.entity.noun if len(ids) == 1 else f"{self.entity.noun}s"
        return await self.db.write(work, action=f"update the {noun}")

    async def upsert(self, model: M) -> None:
        """Insert the row, or replace every column of the existing one."""
        row = to_row(self.entity, model)
        keys = [c for c in self.table.primary_key.columns]

        async def work(conn: AsyncConnection) -> None:
            stmt = dialect_insert(self.db.dialect, self.table).values(row)
            stmt = stmt.on_conflict_do_update(
                index_elements=keys,
                set_={name: stmt.excluded[name] for name in row if name not in {k.name for k in keys}},
            )
            await conn.execute(stmt)

        await self.db.write(work, action=f"save the {self.entity.noun}")

    async def insert_if_absent(self, model: M) -> bool:
        """Insert the row unless one with its key exists; True if it was inserted."""
        row = to_row(self.entity, model)

        async def work(conn: AsyncConnection) -> bool:
            insert = dialect_insert(self.db.dialect, self.table).values(row)
            stmt = insert.on_conflict_do_nothing().returning(self.c.id)
            return (await conn.execute(stmt)).first() is not None

        return await self.db.write(work, action=f"add the {self.entity.noun}")

    async def delete(self, where: sa.ColumnElement[bool]) -> int:
        """Delete matching rows; returns how many there were."""

        async def work(conn: AsyncConnection) -> int:
            return int((await conn.execute(sa.delete(self.table).where(where))).rowcount or 0)

        return await self.db.write(work, action=f"delete the {self.entity.noun}")
