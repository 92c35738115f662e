"""Workspaces (tenants): the one table keyed by its own id rather than by ``workspace_id``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.models import Workspace
from storage.delta.table import DeltaEntityTable


class DeltaWorkspaceRepo:
    def __init__(self, table: DeltaEntityTable[Workspace]) -> None:
        self._t = table

    async def ensure(self, workspace: Workspace) -> Workspace:
        """Return the stored workspace with this id, creating it from ``workspace`` if absent."""
        existing = await self.get(workspace.id)
        if existing is not None:
            return existing
        # A merge that only inserts: two processes ensuring the same workspace still leave one row.
        await self._t.insert_if_absent(workspace.id, workspace)
        return await self.get(workspace.id) or workspace

    async def get(self, workspace_id: str) -> Workspace | None:
        return await self._t.get(workspace_id, workspace_id)

    async def list(self) -> list[Workspace]:
        return await self._t.models(None, order=[("created_at", "ascending"), ("id", "ascending")])

    async def update(self, workspace_id: str, changes: Mapping[str, Any]) -> Workspace:
        return await self._t.update(workspace_id, workspace_id, changes)
