"""Users and workspaces: find-or-create for chat identities, and explicit management."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.dates import parse_tz
from core.errors import NotFoundError, ValidationError
from core.models import AuditAction, Platform, Role, User, Workspace, utcnow
from core.services.audit import AuditTrail
from core.store import Recorder, Store

_IDENTITY_FIELDS = ("slack_user_id", "discord_user_id", "email")


class UserService:
    def __init__(self, store: Store, audit: AuditTrail | None = None) -> None:
        self._store = store
        self._audit = audit or AuditTrail()

    async def ensure_workspace(
        self, workspace_id: str, platform: Platform, name: str = "", timezone: str = "UTC"
    ) -> Workspace:
        """The workspace row, created on first sight."""
        return await self._store.workspaces.ensure(
            Workspace(
                id=workspace_id, platform=platform, name=name or workspace_id, default_timezone=timezone
            )
        )

    async def update_workspace_settings(self, workspace_id: str, changes: Mapping[str, Any]) -> Workspace:
        """Merge ``changes`` into the workspace's settings; a ``None`` value removes that key.

        Only the given keys change, so adapters can keep small per-user preferences there
        (e.g. the Discord adapter's default workspace for DMs).
        """
        workspace = await self._store.workspaces.get(workspace_id)
        if workspace is None:
            raise NotFoundError(f"Workspace `{workspace_id}` doesn't exist.")
        settings = dict(workspace.settings)
        for key, value in changes.items():
            if value is None:
                settings.pop(key, None)
            else:
                settings[key] = value
        if settings == workspace.settings:
            return workspace
        return await self._store.workspaces.update(workspace_id, {"settings": settings})

    async def ensure_user(
        self,
        workspace_id: str,
        name: str,
        *,
        timezone: str | None = None,
        role: Role | None = None,
        **identity: Any,
    ) -> User:
        """Find a user by a platform identity (or by name when none is given); create on first sight.

        The first user of a workspace becomes its admin. Changed names or zones are updated.
        """
        name = name.strip()
        if not name:
            raise ValidationError("A user needs a name.")
        if timezone is not None:
            parse_tz(timezone)
        found: User | None = None
        for field in _IDENTITY_FIELDS:
            if identity.get(field):
                found = await self._store.users.find_by_field(workspace_id, field, str(identity[field]))
                if found:
                    break
        if found is None and not any(identity.get(f) for f in ("slack_user_id", "discord_user_id")):
            found = await self._store.users.find_by_name(workspace_id, name)
        if found is not None:
            changes: dict[str, Any] = {}
            if timezone and timezone != found.timezone:
                changes["timezone"] = timezone
            if identity.get("display_name") and identity["display_name"] != found.display_name:
                changes["display_name"] = identity["display_name"]
            if not changes:
                return found
            return await self._store.users.update(
                workspace_id, found.id, changes, audit=self._recorder(AuditAction.update)
            )
        first = not await self._store.users.list(workspace_id)
        if timezone is None:  # no zone from the platform: the workspace's default
            workspace = await self._store.workspaces.get(workspace_id)
            timezone = workspace.default_timezone if workspace is not None else "UTC"
        user = User(
            workspace_id=workspace_id,
            name=name,
            timezone=timezone,
            role=role or (Role.admin if first else Role.member),
            **{k: v for k, v in identity.items() if v is not None},
        )
        return await self._store.users.add(user, audit=self._recorder(AuditAction.create))

    def _recorder(self, action: AuditAction) -> Recorder:
        # People appear on first sight (a message, a mention, a sync), so the system is the actor, and the
        # event is no part of the command that mentioned them (undo leaves people alone).
        return self._audit.recorder(None, action, batch=False)

    async def list(self, workspace_id: str) -> list[User]:
        return await self._store.users.list(workspace_id)

    async def set_left(self, workspace_id: str, field: str, value: str, *, left: bool) -> User | None:
        """Mark the person with identity ``field`` = ``value`` as gone from the workspace (deactivated in
        Slack, removed from the Discord server), or back; None when we never saw them. A person who left
        gets no reminders or digests, and their tasks stay."""
        user = await self._store.users.find_by_field(workspace_id, field, value)
        if user is None or (user.deleted_at is not None) == left:
            return user
        stamp = utcnow() if left else None
        action = AuditAction.delete if left else AuditAction.restore
        return await self._store.users.update(
            workspace_id, user.id, {"deleted_at": stamp}, audit=self._recorder(action)
        )

    async def link_external(self, workspace_id: str, user_id: str, field: str, value: str) -> User:
        """Record a person's id in a tracker (``motion_user_id`` …), e.g. once matched by email."""
        if not field.endswith("_user_id") or field not in User.model_fields:
            raise ValidationError(f"`{field}` is not an identity field.")
        return await self._store.users.update(
            workspace_id, user_id, {field: value}, audit=self._recorder(AuditAction.update)
        )
