"""Configured integrations (Motion, Linear, GitLab, Notion) per workspace."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.models import Integration
from storage.delta.predicates import eq
from storage.delta.table import DeltaEntityTable


class DeltaIntegrationRepo:
    def __init__(self, table: DeltaEntityTable[Integration]) -> None:
        self._t = table

    async def add(self, integration: Integration) -> Integration:
        await self._t.append([integration])
        return integration

    async def get(self, workspace_id: str, integration_id: str) -> Integration | None:
        return await self._t.get(workspace_id, integration_id)

    async def list(self, workspace_id: str | None = None) -> list[Integration]:
        """``None`` lists every workspace's integrations (the scheduler needs them all)."""
        predicate = eq("workspace_id", workspace_id) if workspace_id is not None else None
        return await self._t.models(predicate, order=[("created_at", "ascending"), ("id", "ascending")])

    async def update(self, workspace_id: str, integration_id: str, changes: Mapping[str, Any]) -> Integration:
        return await self._t.update(workspace_id, integration_id, changes)

    async def remove(self, workspace_id: str, integration_id: str) -> bool:
        return await self._t.delete(self._t.key(workspace_id, integration_id)) > 0
