"""Integrations, conversations, the audit trail and idempotency receipts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from core.models import AuditEvent, Conversation, Integration, utcnow
from storage.sql.database import Database
from storage.sql.rows import EntityRows, dialect_insert
from storage.sql.tables import receipts


class SqlIntegrationRepo:
    def __init__(self, rows: EntityRows[Integration]) -> None:
        self._r = rows

    async def add(self, integration: Integration) -> Integration:
        await self._r.insert([integration])
        return integration

    async def get(self, workspace_id: str, integration_id: str) -> Integration | None:
        return await self._r.get(workspace_id, integration_id)

    async def list(self, workspace_id: str | None = None) -> list[Integration]:
        """``None`` lists every workspace's integrations (the scheduler needs them all)."""
        c = self._r.c
        where = c.workspace_id == workspace_id if workspace_id is not None else None
        return await self._r.models(where, order=[c.created_at, c.id])

    async def update(self, workspace_id: str, integration_id: str, changes: Mapping[str, Any]) -> Integration:
        return await self._r.update(workspace_id, integration_id, changes)

    async def remove(self, workspace_id: str, integration_id: str) -> bool:
        return await self._r.delete(self._r.entity.key(workspace_id, integration_id)) > 0


class SqlConversationRepo:
    """Agent context per conversation: saved whole each turn."""

    def __init__(self, rows: EntityRows[Conversation]) -> None:
        self._r = rows

    async def get(self, workspace_id: str, conversation_id: str) -> Conversation | None:
        return await self._r.get(workspace_id, conversation_id)

    async def save(self, conversation: Conversation) -> None:
        """Insert or replace the whole conversation row."""
        await self._r.upsert(conversation)

    async def delete(self, workspace_id: str, conversation_id: str) -> None:
        await self._r.delete(self._r.entity.key(workspace_id, conversation_id))


class SqlAuditRepo:
    """The audit trail: append-only, read newest first."""

    def __init__(self, rows: EntityRows[AuditEvent]) -> None:
        self._r = rows

    async def add(self, event: AuditEvent) -> None:
        await self._r.insert([event])

    async def add_many(self, events: Sequence[AuditEvent]) -> None:
        await self._r.insert(events)  # one transaction for the whole batch

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
        """Newest first; served by the (workspace, entity | actor | -, created_at) indexes."""
        if entity_ids is not None and not entity_ids:
            return []
        c = self._r.c
        clauses = [c.workspace_id == workspace_id]
        if actor_id is not None:
            clauses.append(c.actor_id == actor_id)
        if entity_id is not None:
            clauses.append(c.entity_id == entity_id)
        if entity_ids is not None:
            clauses.append(c.entity_id.in_(sorted(set(entity_ids))))
        if since is not None:
            clauses.append(c.created_at >= since)
        if until is not None:
            clauses.append(c.created_at < until)
        return await self._r.models(sa.and_(*clauses), order=[c.created_at.desc(), c.id.desc()], limit=limit)


class SqlReceiptRepo:
    """Idempotency receipts: a delivered event acts once, even across processes and restarts."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def claim(self, workspace_id: str, key: str) -> bool:
        """Record ``key``; True only for the first caller (the primary key decides, in the database)."""
        row = {"workspace_id": workspace_id, "id": key, "created_at": utcnow()}
        insert = dialect_insert(self._db.dialect, receipts).values(row)
        stmt = insert.on_conflict_do_nothing().returning(receipts.c.id)

        async def work(conn: AsyncConnection) -> bool:
            return (await conn.execute(stmt)).first() is not None

        return await self._db.write(work, action="record the event")
