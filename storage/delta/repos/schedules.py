"""The scheduler's work list (``Schedule``) on one Delta table, shared by every workspace.

The two reads a scheduler makes every tick stay cheap however many schedules there are: ``next_run`` answers
from a cache keyed by the table version (a tick with nothing changed reads only the log's newest entries),
and ``claim_due`` is one conditional merge. Claims, releases and puts are conflict-safe across processes: each
reads the rows it rewrites on the snapshot it commits on, so a concurrent change of the same rows makes the
commit conflict, and the retry starts over from what the other process wrote. Claims and releases go further
and may only commit right on top of that snapshot (no rebase), so the rows they return are exactly the rows
they wrote.
"""

from __future__ import annotations

import asyncio
import builtins
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from deltalake import DeltaTable

from core.models import Schedule, ScheduleKind
from storage.delta import keyed
from storage.delta.convert import plain, rows_at, to_arrow, to_models
from storage.delta.errors import translate
from storage.delta.outbox import commit_properties
from storage.delta.predicates import and_, eq, is_in, lit, ts_lit
from storage.delta.table import DeltaEntityTable

_LEASE = ("lease_holder", "lease_until")
_SOONEST = [("next_run_at", "ascending"), ("created_at", "ascending"), ("id", "ascending")]


def _active(t: str = "") -> str:
    return f"{t}cancelled_at IS NULL AND {t}next_run_at IS NOT NULL"


def _claimable(now: datetime, t: str = "") -> str:
    """Active, due at ``now``, and not leased (never, released, or run out); ``t`` prefixes the columns."""
    at = ts_lit(now)
    return and_(
        _active(t),
        f"{t}next_run_at <= {at}",
        f"{t}lease_holder IS NULL OR {t}lease_until IS NULL OR {t}lease_until < {at}",
    )


def _merge_key(workspace_id: str, schedule_id: str) -> str:
    # The literal key lets the merge skip every file whose id range cannot hold the row.
    return f"t.id = s.id AND t.{eq('id', schedule_id)} AND t.{eq('workspace_id', workspace_id)}"


class DeltaScheduleRepo:
    def __init__(self, table: DeltaEntityTable[Schedule]) -> None:
        self._t = table
        self._spec = table.spec
        self._next: tuple[int, datetime | None] | None = None  # (table version, next_run at that version)

    async def put(self, schedule: Schedule) -> Schedule:
        """Insert, or replace every column of the stored row but its lease (a put never frees a claimed row).

        Returns the row as stored: the stored lease comes back with it.
        """
        spec = self._spec
        key = and_(eq("workspace_id", schedule.workspace_id), eq("id", schedule.id))
        predicate = _merge_key(schedule.workspace_id, schedule.id)
        updates = {f'"{c}"': f's."{c}"' for c in spec.columns if c not in _LEASE}
        source = to_arrow(spec, [schedule])

        def op(dt: DeltaTable) -> dict[str, Any]:
            stored = pa.table(dt.scan(columns=list(_LEASE), predicate=key)).select(list(_LEASE)).to_pylist()
            merge = dt.merge(source, predicate, source_alias="s", target_alias="t")
            merge.when_matched_update(updates).when_not_matched_insert_all().execute()
            return stored[0] if stored else {}

        lease = await self._t.commit(op, action="save the schedule")
        return Schedule.model_validate(schedule.model_dump() | lease)

    async def get(self, workspace_id: str, schedule_id: str) -> Schedule | None:
        return await self._t.get(workspace_id, schedule_id)

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
        predicate = and_(
            eq("workspace_id", workspace_id),
            eq("user_id", user_id) if user_id is not None else None,
            eq("task_id", task_id) if task_id is not None else None,
            eq("project_id", project_id) if project_id is not None else None,
            is_in("kind", [ScheduleKind(k).value for k in kinds]) if kinds is not None else None,
            _active() if active else None,
        )
        return await self._t.models(predicate, order=_SOONEST, limit=limit)

    async def update(self, workspace_id: str, schedule_id: str, changes: Mapping[str, Any]) -> Schedule:
        return await self._t.update(workspace_id, schedule_id, changes)

    async def next_run(self) -> datetime | None:
        """The earliest ``next_run_at`` of any active schedule, from the cache while the table is unchanged.

        The answer is kept with the table version it was computed at. A call first brings the read handle up
        to date (``update_incremental``: it reads only log entries newer than the handle's) and, when the
        version is the same, answers from the cache without a scan, so an idle tick costs one look at the
        log. Otherwise it scans the active rows' ``next_run_at`` alone (one column) and caches the result.
        The version is read before the scan: a commit landing meanwhile can only label the answer older
        than it is, which costs a rescan, never a stale answer.
        """
        cached = self._next

        def work() -> tuple[int, datetime | None]:
            dt = self._t.handle()
            dt.update_incremental()
            version = dt.version()
            if cached is not None and cached[0] == version:
                return cached
            found = pa.table(dt.scan(columns=["next_run_at"], predicate=_active()))
            column = plain(self._spec, found, ["next_run_at"]).column("next_run_at")
            earliest = pc.min(column).as_py() if found.num_rows else None
            return version, earliest

        try:
            self._next = await asyncio.to_thread(work)
        except Exception as exc:
            raise translate(exc, self._t.name, "read the next schedule") from exc
        earliest = self._next[1]
        return earliest.astimezone(UTC) if earliest is not None else None

    async def claim_due(
        self, now: datetime, holder: str, until: datetime, *, limit: int = 500
    ) -> builtins.list[Schedule]:
        """Lease the soonest ``limit`` claimable rows of every workspace to ``holder`` in one merge.

        The rows are chosen on the snapshot the merge commits on, and the commit may land only right after it
        (no rebase over a concurrent commit): when two schedulers claim at once, one commits and the other
        conflicts, retries, and then finds those rows leased. So the rows returned, the chosen rows with the
        lease applied, are exactly what was stored.
        """
        if limit <= 0:
            return []
        spec = self._spec
        lease = {"lease_holder": lit(holder), "lease_until": ts_lit(until)}

        def op(dt: DeltaTable) -> builtins.list[Schedule]:
            found = pa.table(dt.scan(columns=spec.columns, predicate=_claimable(now)))
            if not found.num_rows:
                return []
            keys = plain(spec, found, [name for name, _ in _SOONEST])
            order = pc.sort_indices(keys, sort_keys=[(name, "ascending") for name, _ in _SOONEST])
            chosen = to_models(spec, rows_at(spec, found, order[:limit]))
            source = pa.table(
                {"workspace_id": [s.workspace_id for s in chosen], "id": [s.id for s in chosen]},
                schema=pa.schema([spec.schema.field("workspace_id"), spec.schema.field("id")]),
            )
            predicate = (
                f"t.id = s.id AND t.workspace_id = s.workspace_id AND t.{is_in('id', [s.id for s in chosen])}"
            )
            merge = dt.merge(
                source,
                predicate,
                source_alias="s",
                target_alias="t",
                commit_properties=commit_properties([], max_commit_retries=0),
            )
            merge.when_matched_update(lease, predicate=_claimable(now, "t.")).execute()
            return chosen

        claimed = await self._t.commit(op, action="claim the due schedules")
        # Through the model: the lease time is kept in UTC whatever zone it was given in.
        leased = {"lease_holder": holder, "lease_until": until}
        return [Schedule.model_validate(s.model_dump() | leased) for s in claimed]

    async def release(
        self, workspace_id: str, schedule_id: str, holder: str, changes: Mapping[str, Any]
    ) -> bool:
        """Apply ``changes`` and clear the lease, only if ``holder`` still holds it (``release_many``)."""
        return schedule_id in await self.release_many(holder, [(workspace_id, schedule_id, changes)])

    async def release_many(
        self, holder: str, items: Sequence[tuple[str, str, Mapping[str, Any]]]
    ) -> set[str]:
        """Apply each row's changes and clear its lease in one merge, on the rows ``holder`` still holds.

        Which rows those are is read on the snapshot the merge commits on, and the commit may land only right
        after it (as in ``claim_due``), so the ids returned are exactly the rows written.
        """
        spec = self._spec
        rows = keyed.validated(spec, items, lease_holder=None, lease_until=None)
        if not rows:
            return set()
        keys = list(rows)
        source = keyed.source(spec, rows)
        held = and_(is_in("id", {row_id for _, row_id in keys}), eq("lease_holder", holder))

        def op(dt: DeltaTable) -> set[str]:
            found = pa.table(dt.scan(columns=["workspace_id", "id"], predicate=held))
            mine = set(
                zip(found.column("workspace_id").to_pylist(), found.column("id").to_pylist(), strict=True)
            )
            mine &= set(keys)
            if not mine:
                return set()
            merge = dt.merge(
                source,
                keyed.match(keys),
                source_alias="s",
                target_alias="t",
                commit_properties=commit_properties([], max_commit_retries=0),
            )
            merge.when_matched_update(
                keyed.updates(rows), predicate=f"t.lease_holder = {lit(holder)}"
            ).execute()
            return {row_id for _, row_id in mine}

        return await self._t.commit(op, action="release the schedules")
