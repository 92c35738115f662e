"""Projects of a workspace, numbered P-1, P-2, … per workspace."""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from typing import Any

from core.models import Project
from core.store import Recorder
from storage.delta.predicates import and_, eq, lit
from storage.delta.table import DeltaEntityTable

_BY_NUMBER = [("number", "ascending")]


class DeltaProjectRepo:
    def __init__(self, table: DeltaEntityTable[Project]) -> None:
        self._t = table

    async def create(self, project: Project, *, audit: Recorder | None = None) -> Project:
        """Store a new project; returns it with its ``number`` assigned."""
        [stored] = await self._t.append_numbered([project], audit=audit)
        return stored

    async def get(self, workspace_id: str, project_id: str) -> Project | None:
        return await self._t.get(workspace_id, project_id)

    async def get_by_number(self, workspace_id: str, number: int) -> Project | None:
        return await self._t.first(and_(eq("workspace_id", workspace_id), f"number = {int(number)}"))

    async def find_by_name(self, workspace_id: str, name: str) -> Project | None:
        """Case-insensitive exact name among projects that are not deleted."""
        named = f"lower(name) = {lit(name.lower())}"
        found = await self._t.models(
            and_(eq("workspace_id", workspace_id), "deleted_at IS NULL", named),
            order=_BY_NUMBER,
            limit=1,
        )
        return found[0] if found else None

    async def list(self, workspace_id: str, *, include_deleted: bool = False) -> list[Project]:
        return await self._t.models(
            and_(eq("workspace_id", workspace_id), None if include_deleted else "deleted_at IS NULL"),
            order=_BY_NUMBER,
        )

    async def update(
        self, workspace_id: str, project_id: str, changes: Mapping[str, Any], *, audit: Recorder | None = None
    ) -> Project:
        return await self._t.update(workspace_id, project_id, changes, audit=audit)

    async def update_many(
        self,
        workspace_id: str,
        changes: Sequence[tuple[str, Mapping[str, Any]]],
        *,
        audit: Recorder | None = None,
    ) -> builtins.list[Project]:
        return await self._t.update_many(workspace_id, changes, audit=audit)
