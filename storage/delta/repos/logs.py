"""Run logs: one row per agent run and one per sync run."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from core.models import AgentLog, SyncLog
from storage.delta.predicates import and_, eq, ts_lit
from storage.delta.table import DeltaEntityTable


class DeltaAgentLogRepo:
    def __init__(self, table: DeltaEntityTable[AgentLog]) -> None:
        self._t = table

    async def add(self, log: AgentLog) -> None:
        await self._t.append([log])

    async def list(self, workspace_id: str | None = None, *, since: datetime | None = None) -> list[AgentLog]:
        """Oldest first; ``None`` reads every workspace (cost reports), ``since`` is inclusive."""
        return await self._t.models(
            and_(
                eq("workspace_id", workspace_id) if workspace_id is not None else None,
                f"created_at >= {ts_lit(since)}" if since is not None else None,
            )
            or None,
            order=[("created_at", "ascending"), ("id", "ascending")],
        )


class DeltaSyncLogRepo:
    def __init__(self, table: DeltaEntityTable[SyncLog]) -> None:
        self._t = table

    async def add(self, log: SyncLog) -> None:
        await self._t.append([log])

    async def update(self, workspace_id: str, log_id: str, changes: Mapping[str, Any]) -> SyncLog:
        return await self._t.update(workspace_id, log_id, changes)

    async def list(
        self, workspace_id: str, *, integration_id: str | None = None, limit: int = 50
    ) -> list[SyncLog]:
        """Newest first."""
        return await self._t.models(
            and_(
                eq("workspace_id", workspace_id),
                eq("integration_id", integration_id) if integration_id is not None else None,
            ),
            order=[("started_at", "descending"), ("id", "descending")],
            limit=limit,
        )
