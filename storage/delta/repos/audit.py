"""The audit trail: append-only, read newest first."""

from __future__ import annotations

from collections.abc import Sequence

from core.models import AuditEvent
from storage.delta.predicates import and_, eq
from storage.delta.table import DeltaEntityTable


class DeltaAuditRepo:
    def __init__(self, table: DeltaEntityTable[AuditEvent]) -> None:
        self._t = table

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
        """Newest first."""
        return await self._t.models(
            and_(
                eq("workspace_id", workspace_id),
                eq("actor_id", actor_id) if actor_id is not None else None,
                eq("entity_id", entity_id) if entity_id is not None else None,
            ),
            order=[("created_at", "descending"), ("id", "descending")],
            limit=limit,
        )
