"""The scheduler's work list (``Schedule``) and its delivery receipts (``Delivery``) on SQL.

Both tick reads are served by the ``next_run_at`` index: ``next_run`` is a ``min`` over it and ``claim_due``
one UPDATE of the rows it picks. On PostgreSQL the pick locks its rows and skips rows another claimer has
locked (``FOR UPDATE SKIP LOCKED``), so schedulers claiming at once split the due rows between them; SQLite
has one writer at a time, so its claims simply queue.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import partial
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from core.models import Delivery, Schedule, ScheduleKind, utcnow
from storage.sql.convert import DELIVERIES, SCHEDULES, to_model, to_row, validate_changes
from storage.sql.rows import EntityRows, dialect_insert

_LEASE = frozenset({"lease_holder", "lease_until"})
_KEY = frozenset({"workspace_id", "id"})


class SqlScheduleRepo:
    def __init__(self, rows: EntityRows[Schedule]) -> None:
        self._r = rows
        c = rows.c
        self._active = sa.and_(c.cancelled_at.is_(None), c.next_run_at.is_not(None))
        self._soonest = [c.next_run_at.asc().nulls_last(), c.created_at, c.id]

    async def put(self, schedule: Schedule) -> Schedule:
        """Insert, or replace every column of the stored row but its lease; returns the row as stored."""
        row = to_row(SCHEDULES, schedule)
        table = self._r.table
        insert = dialect_insert(self._r.db.dialect, table).values(row)
        stmt = insert.on_conflict_do_update(
            index_elements=[table.c.workspace_id, table.c.id],
            set_={name: insert.excluded[name] for name in row if name not in _KEY | _LEASE},
        ).returning(*table.columns)

        async def work(conn: AsyncConnection) -> Schedule:
            return to_model(SCHEDULES, (await conn.execute(stmt)).one())

        return await self._r.db.write(work, action="save the schedule")

    async def get(self, workspace_id: str, schedule_id: str) -> Schedule | None:
        return await self._r.get(workspace_id, schedule_id)

    async def list(
        self,
        workspace_id: str,
        *,
        user_id: str | None = None,
        task_id: str | None = None,
        project_id: str | None = None,
        kinds: Sequence[ScheduleKind] | None = None,
        active: bool = True,
        limit: int = 200,
    ) -> builtins.list[Schedule]:
        """Soonest ``next_run_at`` first (none last); ``kinds`` empty matches nothing."""
        if kinds is not None and not kinds:
            return []
        c = self._r.c
        clauses: list[sa.ColumnElement[bool]] = [c.workspace_id == workspace_id]
        if user_id is not None:
            clauses.append(c.user_id == user_id)
        if task_id is not None:
            clauses.append(c.task_id == task_id)
        if project_id is not None:
            clauses.append(c.project_id == project_id)
        if kinds is not None:
            clauses.append(c.kind.in_(sorted({ScheduleKind(k).value for k in kinds})))
        if active:
            clauses.append(self._active)
        return await self._r.models(sa.and_(*clauses), order=self._soonest, limit=limit)

    async def update(self, workspace_id: str, schedule_id: str, changes: Mapping[str, Any]) -> Schedule:
        return await self._r.update(workspace_id, schedule_id, changes)

    async def next_run(self) -> datetime | None:
        """``min(next_run_at)`` of the active rows: a walk of the ``next_run_at`` index from its low end."""
        stmt = sa.select(sa.func.min(self._r.c.next_run_at)).where(self._active)

        async def work(conn: AsyncConnection) -> datetime | None:
            value: datetime | None = (await conn.execute(stmt)).scalar_one()
            return value

        return await self._r.db.read(work, action="read the next schedule")

    async def claim_due(
        self, now: datetime, holder: str, until: datetime, *, limit: int = 500
    ) -> builtins.list[Schedule]:
        """One UPDATE of the soonest claimable rows, returning them as stored.

        The pick (a subquery in key order of ``next_run_at``) locks its rows and skips locked ones on
        PostgreSQL; the outer WHERE repeats the claim condition, which PostgreSQL re-checks on a row that
        changed while the statement waited, so a row is never leased twice.
        """
        if limit <= 0:
            return []
        c = self._r.c
        table = self._r.table
        claimable = sa.and_(
            self._active,
            c.next_run_at <= now,
            sa.or_(c.lease_holder.is_(None), c.lease_until.is_(None), c.lease_until < now),
        )
        pick = (
            sa.select(c.workspace_id, c.id)
            .where(claimable)
            .order_by(*self._soonest)
            .limit(limit)
            .with_for_update(skip_locked=True)  # rendered on PostgreSQL only
        )
        stmt = (
            sa.update(table)
            .where(sa.tuple_(c.workspace_id, c.id).in_(pick), claimable)
            .values(lease_holder=holder, lease_until=until)
            .returning(*table.columns)
        )

        async def work(conn: AsyncConnection) -> builtins.list[Schedule]:
            claimed = [to_model(SCHEDULES, row) for row in await conn.execute(stmt)]
            return sorted(claimed, key=lambda s: (s.next_run_at or now, s.created_at, s.id))

        return await self._r.db.write(work, action="claim the due schedules")

    async def release(
        self, workspace_id: str, schedule_id: str, holder: str, changes: Mapping[str, Any]
    ) -> bool:
        """Apply ``changes`` and clear the lease in one UPDATE conditioned on ``holder`` still holding it."""
        return schedule_id in await self.release_many(holder, [(workspace_id, schedule_id, changes)])

    async def release_many(
        self, holder: str, items: Sequence[tuple[str, str, Mapping[str, Any]]]
    ) -> set[str]:
        """In one transaction: read which of the rows ``holder`` still holds (locking them on PostgreSQL),
        then one executemany UPDATE per shape of changes; the ids that were written."""
        if not items:
            return set()
        c = self._r.c
        now = utcnow()
        keys = sorted({(ws, sid) for ws, sid, _ in items})
        held_q = sa.select(c.workspace_id, c.id).where(
            sa.tuple_(c.workspace_id, c.id).in_(keys), c.lease_holder == holder
        )
        if self._r.db.dialect == "postgresql":
            held_q = held_q.with_for_update()
        batches = _batches(SCHEDULES, items, {"lease_holder": None, "lease_until": None, "updated_at": now})

        async def work(conn: AsyncConnection) -> set[str]:
            held = {(row.workspace_id, row.id) for row in await conn.execute(held_q)}
            for columns, params in batches:
                mine = [p for p in params if (p["k_ws"], p["k_id"]) in held]
                if mine:
                    await conn.execute(_update_stmt(self._r.table, columns), mine)
            return {sid for _, sid in held}

        return await self._r.db.write(work, action="release the schedules")


def _batches(
    entity: Any, items: Sequence[tuple[str, str, Mapping[str, Any]]], extra: Mapping[str, Any]
) -> list[tuple[tuple[str, ...], list[dict[str, Any]]]]:
    """Rows grouped by the columns they change, as executemany parameters (``k_ws``/``k_id`` for the key,
    ``v_<column>`` for the values)."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for workspace_id, row_id, changes in items:
        values = {**validate_changes(entity, changes), **extra}
        columns = tuple(sorted(values))
        params = {"k_ws": workspace_id, "k_id": row_id, **{f"v_{k}": v for k, v in values.items()}}
        groups.setdefault(columns, []).append(params)
    return list(groups.items())


def _update_stmt(table: sa.Table, columns: tuple[str, ...]) -> sa.Update:
    """``UPDATE table SET col = :v_col … WHERE workspace_id = :k_ws AND id = :k_id`` for executemany."""
    return (
        sa.update(table)
        .where(table.c.workspace_id == sa.bindparam("k_ws"), table.c.id == sa.bindparam("k_id"))
        .values({name: sa.bindparam(f"v_{name}") for name in columns})
    )


class SqlDeliveryRepo:
    """Delivery receipts: the primary key decides which of two racing ``begin`` calls inserts."""

    def __init__(self, rows: EntityRows[Delivery]) -> None:
        self._r = rows

    async def begin(self, delivery: Delivery) -> Delivery | None:
        """Insert the receipt unless its id is taken: None when inserted, else the stored one."""
        existing = await self.begin_many([delivery])
        return existing[0] if existing else None

    async def begin_many(self, deliveries: Sequence[Delivery]) -> builtins.list[Delivery]:
        """One INSERT … ON CONFLICT DO NOTHING of every receipt, then a read of the ones it skipped.

        A key given twice is inserted once; its repeat comes back as already there.
        """
        if not deliveries:
            return []
        table = self._r.table
        c = self._r.c
        rows = [to_row(DELIVERIES, d) for d in deliveries]
        insert = dialect_insert(self._r.db.dialect, table).values(rows)
        stmt = insert.on_conflict_do_nothing().returning(c.workspace_id, c.id)
        wanted = {(d.workspace_id, d.id) for d in deliveries}

        async def work(conn: AsyncConnection) -> builtins.list[Delivery]:
            inserted = {(row.workspace_id, row.id) for row in await conn.execute(stmt)}
            skipped = wanted - inserted
            if not skipped and len(deliveries) == len(wanted):
                return []
            # A conflicting row is committed (PostgreSQL waited for it), so this statement sees it.
            read = sa.select(table).where(sa.tuple_(c.workspace_id, c.id).in_(sorted(wanted)))
            stored = {
                (d.workspace_id, d.id): d
                for d in map(partial(to_model, DELIVERIES), await conn.execute(read))
            }
            out: list[Delivery] = []
            seen: set[tuple[str, str]] = set()
            for d in deliveries:
                key = (d.workspace_id, d.id)
                if (key in skipped or key in seen) and key in stored:
                    out.append(stored[key])
                seen.add(key)
            return out

        return await self._r.db.write(work, action="record the deliveries")

    async def get(self, workspace_id: str, delivery_id: str) -> Delivery | None:
        return await self._r.get(workspace_id, delivery_id)

    async def update(self, workspace_id: str, delivery_id: str, changes: Mapping[str, Any]) -> Delivery:
        return await self._r.update(workspace_id, delivery_id, changes)

    async def update_many(self, items: Sequence[tuple[str, str, Mapping[str, Any]]]) -> None:
        """One executemany UPDATE per shape of changes, all in one transaction; missing rows match nothing."""
        batches = _batches(DELIVERIES, items, {"updated_at": utcnow()})
        if not batches:
            return

        async def work(conn: AsyncConnection) -> None:
            for columns, params in batches:
                await conn.execute(_update_stmt(self._r.table, columns), params)

        await self._r.db.write(work, action="update the deliveries")

    async def list(
        self,
        workspace_id: str,
        *,
        schedule_id: str | None = None,
        user_id: str | None = None,
        since: datetime | None = None,
        limit: int = 100,
    ) -> builtins.list[Delivery]:
        """Newest ``created_at`` first; ``since`` is inclusive."""
        c = self._r.c
        clauses: list[sa.ColumnElement[bool]] = [c.workspace_id == workspace_id]
        if schedule_id is not None:
            clauses.append(c.schedule_id == schedule_id)
        if user_id is not None:
            clauses.append(c.user_id == user_id)
        if since is not None:
            clauses.append(c.created_at >= since)
        return await self._r.models(sa.and_(*clauses), order=[c.created_at.desc(), c.id.desc()], limit=limit)
