"""Workspaces (tenants) and the users of a workspace."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from core.errors import ValidationError
from core.models import User, Workspace
from core.store import Recorder
from storage.sql.rows import EntityRows

# Fields a user can be looked up by; anything else would be a typo or an attempt to probe other columns.
IDENTITY_FIELDS = frozenset(
    {
        "id",
        "name",
        "display_name",
        "email",
        "slack_user_id",
        "discord_user_id",
        "motion_user_id",
        "linear_user_id",
        "gitlab_user_id",
        "notion_user_id",
    }
)


class SqlWorkspaceRepo:
    def __init__(self, rows: EntityRows[Workspace]) -> None:
        self._r = rows

    async def ensure(self, workspace: Workspace) -> Workspace:
        """Return the stored workspace with this id, creating it from ``workspace`` if absent."""
        existing = await self.get(workspace.id)
        if existing is not None:
            return existing
        await self._r.insert_if_absent(workspace)  # two processes ensuring at once still leave one row
        return await self.get(workspace.id) or workspace

    async def get(self, workspace_id: str) -> Workspace | None:
        return await self._r.get(workspace_id, workspace_id)

    async def list(self) -> list[Workspace]:
        return await self._r.models(None, order=[self._r.c.created_at, self._r.c.id])

    async def update(self, workspace_id: str, changes: Mapping[str, Any]) -> Workspace:
        return await self._r.update(workspace_id, workspace_id, changes)


class SqlUserRepo:
    def __init__(self, rows: EntityRows[User]) -> None:
        self._r = rows
        self._oldest_first = [rows.c.created_at, rows.c.id]

    async def add(self, user: User, *, audit: Recorder | None = None) -> User:
        await self._r.insert([user], audit=audit)
        return user

    async def get(self, workspace_id: str, user_id: str) -> User | None:
        return await self._r.get(workspace_id, user_id)

    async def find_by_name(self, workspace_id: str, name: str) -> User | None:
        """Case-insensitive match on ``name`` or ``display_name`` (not deleted)."""
        c = self._r.c
        wanted = name.lower()
        return await self._r.first(
            sa.and_(
                c.workspace_id == workspace_id,
                c.deleted_at.is_(None),
                sa.or_(sa.func.lower(c.name) == wanted, sa.func.lower(c.display_name) == wanted),
            ),
            order=self._oldest_first,
        )

    async def find_by_field(self, workspace_id: str, field: str, value: str) -> User | None:
        """Exact match on one identity field, e.g. ``slack_user_id`` or ``email``."""
        if field not in IDENTITY_FIELDS:
            raise ValidationError(f"Users can't be looked up by `{field}`.")
        c = self._r.c
        return await self._r.first(
            sa.and_(c.workspace_id == workspace_id, c[field] == value), order=self._oldest_first
        )

    async def list(self, workspace_id: str) -> list[User]:
        """Users that are not deleted, by name (case-insensitive, as Python folds case)."""
        c = self._r.c
        users = await self._r.models(sa.and_(c.workspace_id == workspace_id, c.deleted_at.is_(None)))
        return sorted(users, key=lambda u: (u.name.lower(), u.id))

    async def update(
        self, workspace_id: str, user_id: str, changes: Mapping[str, Any], *, audit: Recorder | None = None
    ) -> User:
        return await self._r.update(workspace_id, user_id, changes, audit=audit)
