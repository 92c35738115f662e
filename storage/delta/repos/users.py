"""Users of a workspace."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.errors import ValidationError
from core.models import User
from core.store import Recorder
from storage.delta.predicates import and_, eq, lit
from storage.delta.table import DeltaEntityTable

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

_OLDEST_FIRST = [("created_at", "ascending"), ("id", "ascending")]


class DeltaUserRepo:
    def __init__(self, table: DeltaEntityTable[User]) -> None:
        self._t = table

    async def add(self, user: User, *, audit: Recorder | None = None) -> User:
        await self._t.append([user], audit=audit)
        return user

    async def get(self, workspace_id: str, user_id: str) -> User | None:
        return await self._t.get(workspace_id, user_id)

    async def find_by_name(self, workspace_id: str, name: str) -> User | None:
        """Case-insensitive match on ``name`` or ``display_name`` (not deleted)."""
        wanted = lit(name.lower())
        found = await self._t.models(
            and_(
                eq("workspace_id", workspace_id),
                "deleted_at IS NULL",
                f"lower(name) = {wanted} OR lower(display_name) = {wanted}",
            ),
            order=_OLDEST_FIRST,
            limit=1,
        )
        return found[0] if found else None

    async def find_by_field(self, workspace_id: str, field: str, value: str) -> User | None:
        """Exact match on one identity field, e.g. ``slack_user_id`` or ``email``."""
        if field not in IDENTITY_FIELDS:
            raise ValidationError(f"Users can't be looked up by `{field}`.")
        found = await self._t.models(
            and_(eq("workspace_id", workspace_id), eq(field, value)), order=_OLDEST_FIRST, limit=1
        )
        return found[0] if found else None

    async def list(self, workspace_id: str) -> list[User]:
        """Users that are not deleted, by name."""
        users = await self._t.models(and_(eq("workspace_id", workspace_id), "deleted_at IS NULL"))
        return sorted(users, key=lambda u: (u.name.lower(), u.id))

    async def update(
        self, workspace_id: str, user_id: str, changes: Mapping[str, Any], *, audit: Recorder | None = None
    ) -> User:
        return await self._t.update(workspace_id, user_id, changes, audit=audit)
