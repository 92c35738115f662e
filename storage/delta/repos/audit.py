"""The audit trail: append-only, read newest first.

Events arrive with the change they describe (storage/delta/outbox.py); a read first copies over the events of
any change whose writer stopped before copying them, and drops the repeats such a copy can leave.

A read is two narrow scans rather than one wide one: every filter goes into the scan predicate (the time
bounds skip whole files by their statistics, as events are appended in time order; workspace, actor and
entities filter rows inside the scan), the first scan reads just ids and times to pick the newest ``limit``,
and only the time span of those is read whole (before/after images are most of an event's bytes).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pyarrow as pa
import pyarrow.compute as pc

from core.models import AuditEvent
from storage.delta.convert import plain
from storage.delta.outbox import AuditOutbox
from storage.delta.predicates import and_, eq, is_in, ts_lit
from storage.delta.schema import AUDIT_EVENTS
from storage.delta.table import DeltaEntityTable

_NEWEST_FIRST = [("created_at", "descending"), ("id", "descending")]


def _newest(table: pa.Table, limit: int) -> list[tuple[str, datetime]]:
    """The ``limit`` newest distinct events among the scanned keys, newest first."""
    keys = plain(AUDIT_EVENTS, table, ["id", "created_at"])
    if keys.num_rows > 1:
        keys = keys.take(pc.sort_indices(keys, sort_keys=_NEWEST_FIRST))
    out: dict[str, datetime] = {}
    start = 0
    while len(out) < limit and start < keys.num_rows:
        # Repeats (a copy made twice) are rare and adjacent: a slice a little over what is missing will do.
        chunk = keys.slice(start, 2 * (limit - len(out)))
        for row_id, at in zip(
            chunk.column("id").to_pylist(), chunk.column("created_at").to_pylist(), strict=True
        ):
            out.setdefault(row_id, at)
            if len(out) == limit:
                break
        start += chunk.num_rows
    return list(out.items())


class DeltaAuditRepo:
    def __init__(self, table: DeltaEntityTable[AuditEvent], outbox: AuditOutbox) -> None:
        self._t = table
        self._outbox = outbox

    async def add(self, event: AuditEvent) -> None:
        await self._t.append([event])

    async def add_many(self, events: Sequence[AuditEvent]) -> None:
        await self._t.append(events)  # one commit for the whole batch

    async def list(
        self,
        workspace_id: str,
        *,
        actor_id: str | None = None,
        entity_id: str | None = None,
        entity_ids: Sequence[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 50,
    ) -> list[AuditEvent]:
        """Newest first; every landed change's events included, each once."""
        if (entity_ids is not None and not entity_ids) or limit <= 0:
            return []
        await self._outbox.reconcile()
        workspace = eq("workspace_id", workspace_id)
        predicate = and_(
            workspace,
            eq("actor_id", actor_id) if actor_id is not None else None,
            eq("entity_id", entity_id) if entity_id is not None else None,
            is_in("entity_id", set(entity_ids)) if entity_ids is not None else None,
            f"created_at >= {ts_lit(since)}" if since is not None else None,
            f"created_at < {ts_lit(until)}" if until is not None else None,
        )
        chosen = await self._t.read(predicate, lambda t: _newest(t, limit), columns=["id", "created_at"])
        if not chosen:
            return []
        # The chosen events are exactly those of the first scan within their own time span (and ties at its
        # ends): the same predicate narrowed to that span reads them, with no list of ids (a predicate
        # with tens of thousands of literals overflows the engine's stack).
        times = [at for _, at in chosen]
        span = and_(predicate, f"created_at >= {ts_lit(min(times))}", f"created_at <= {ts_lit(max(times))}")
        by_id = {e.id: e for e in await self._t.models(span)}  # repeats are identical
        return [by_id[row_id] for row_id, _ in chosen if row_id in by_id]
