"""The audit trail: append-only, read newest first.

Events arrive with the change they describe (storage/delta/outbox.py); a read first copies over the events of
any change whose writer stopped before copying them, and drops the repeats such a copy can leave.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.models import AuditEvent
from storage.delta.outbox import AuditOutbox
from storage.delta.predicates import and_, eq
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
        limit: int = 50,
    ) -> list[AuditEvent]:
        """Newest first; every landed change's events included, each once."""
        await self._outbox.reconcile()
        events = await self._t.models(
            and_(
                eq("workspace_id", workspace_id),
                eq("actor_id", actor_id) if actor_id is not None else None,
                eq("entity_id", entity_id) if entity_id is not None else None,
            ),
            order=[("created_at", "descending"), ("id", "descending")],
            limit=limit,
        )
        return list({e.id: e for e in events}.values())  # repeats are identical and adjacent
