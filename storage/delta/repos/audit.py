"""The audit trail: append-only, read newest first.

Events arrive with the change they describe (storage/delta/outbox.py); a read first copies over the events of
any change whose writer stopped before copying them, and drops the repeats such a copy can leave.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from core.models import AuditEvent
from storage.delta.outbox import AuditOutbox
from storage.delta.predicates import and_, eq, is_in, ts_lit
from storage.delta.table import DeltaEntityTable


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
        """Newest first; every landed change's events included, each once.

        Every filter is part of the scan predicate: the time bounds skip whole files by their statistics
        (events are appended in time order), the others filter rows inside the scan; only the newest
        ``limit`` are decoded. (Two scans, ids and times first and then the chosen events whole, measured
        slower over 100,000 events: 18–33 ms against 13–24 ms.)
        """
        if (entity_ids is not None and not entity_ids) or limit <= 0:
            return []
        await self._outbox.reconcile()
        events = await self._t.models(
            and_(
                eq("workspace_id", workspace_id),
                eq("actor_id", actor_id) if actor_id is not None else None,
                eq("entity_id", entity_id) if entity_id is not None else None,
                is_in("entity_id", set(entity_ids)) if entity_ids is not None else None,
                f"created_at >= {ts_lit(since)}" if since is not None else None,
                f"created_at < {ts_lit(until)}" if until is not None else None,
            ),
            order=[("created_at", "descending"), ("id", "descending")],
            limit=limit,
        )
        return list({e.id: e for e in events}.values())  # repeats are identical and adjacent
