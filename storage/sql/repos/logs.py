"""Run logs: one row per agent run and one per sync run."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from core.models import AgentLog, SyncLog
from storage.sql.rows import EntityRows


class SqlAgentLogRepo:
    def __init__(self, rows: EntityRows[AgentLog]) -> None:
        self._r = rows

    async def add(self, log: AgentLog) -> None:
        await self._r.insert([log])

    async def list(self, workspace_id: str | None = None, *, since: datetime | None = None) -> list[AgentLog]:
        """Oldest first; ``None`` reads every workspace (cost reports), ``since`` is inclusive."""
        c = self._r.c
        clauses = []
        if workspace_id is not None:
            clauses.append(c.workspace_id == workspace_id)
        if since is not None:
            clauses.append(c.created_at >= since)
        return await self._r.models(
            sa.and_(*clauses) if clauses else None, order=[c.created_at.asc(), c.id.asc()]
        )


class SqlSyncLogRepo:
    def __init__(self, rows: EntityRows[SyncLog]) -> None:
        self._r = rows

    async def add(self, log: SyncLog) -> None:
        await self._r.insert([log])

    async def update(self, workspace_id: str, log_id: str, changes: Mapping[str, Any]) -> SyncLog:
        return await self._r.update(workspace_id, log_id, changes)

    async def list(
        self, workspace_id: str, *, integration_id: str | None = None, limit: int = 50
    ) -> list[SyncLog]:
        """Newest first."""
        c = self._r.c
        where = c.workspace_id == workspace_id
        if integration_id is not None:
            where = sa.and_(where, c.integration_id == integration_id)
        return await self._r.models(where, order=[c.started_at.desc(), c.id.desc()], limit=limit)
