"""Integrations as the CLI, the chat and the scheduler use them: connect, list, remove, test, sync, conflicts.

Credentials are encrypted before they reach the store and decrypted only to build a client; no message,
log line or SyncLog ever carries them.
"""

from __future__ import annotations

import asyncio
import builtins
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from core.errors import ConfigurationError, NotFoundError, PermissionDenied, ValidationError
from core.integrations import IntegrationClient, Progress, RemoteUser
from core.models import Integration, IntegrationType, Platform, Role, SyncDirection, SyncLog, utcnow
from core.services import Actor, Services
from core.sync.engine import SyncEngine

if TYPE_CHECKING:  # cryptography (~7 MB) loads only where a key is read: a process with no key never needs it
    from core.secrets import SecretBox

log = logging.getLogger(__name__)


class ClientFactory(Protocol):
    """Builds the vendor client for an integration row (the composition root in ``bot/`` provides it)."""

    def __call__(self, integration: Integration, credentials: Mapping[str, str]) -> IntegrationClient: ...


@dataclass(frozen=True)
class ConflictRecord:
    at: datetime
    integration: IntegrationType
    details: dict[str, Any]


def parse_type(value: str | IntegrationType) -> IntegrationType:
    try:
        return IntegrationType(str(value).strip().lower())
    except ValueError:
        names = ", ".join(t.value for t in IntegrationType)
        raise ValidationError(f"Unknown integration `{value}`.", hint=f"Use one of: {names}.") from None


class SyncService:
    """One instance per process: it also keeps two runs of the same integration from overlapping."""

    def __init__(self, services: Services, box: SecretBox, factory: ClientFactory) -> None:
        self.services = services
        self._box = box
        self._factory = factory
        self._locks: dict[str, asyncio.Lock] = {}

    async def connect(
        self,
        workspace_id: str,
        kind: IntegrationType | str,
        *,
        api_key: str,
        base_url: str | None = None,
        options: Mapping[str, Any] | None = None,
        actor: Actor | None = None,
        webhook_secret: str | None = None,
    ) -> Integration:
        """Store (or re-key) the workspace's integration of this kind. Only admins, when from chat.

        ``webhook_secret`` (Linear signing secret, GitLab secret token, Notion verification token) is kept
        encrypted next to the key; re-keying without one keeps the stored one.
        """
        if actor is not None and actor.user.role is not Role.admin:
            raise PermissionDenied("Only a workspace admin can connect an integration.")
        kind = parse_type(kind)
        if not api_key.strip():
            raise ValidationError("The API key is empty.")
        store = self.services.store
        existing = await self.find(workspace_id, kind)
        credentials = {"api_key": api_key.strip()}
        kept = None
        if existing is not None:
            try:
                kept = self.credentials(existing).get("webhook_secret")
            except ConfigurationError:  # saved under another secret key: re-keying replaces it all
                kept = None
        secret = (webhook_secret or "").strip() or kept
        if secret:
            credentials["webhook_secret"] = secret
        token = self._box.encrypt(credentials)
        opts = {k: v for k, v in (options or {}).items() if v is not None}
        if existing is not None:
            changes: dict[str, Any] = {"credentials_encrypted": token, "updated_at": utcnow()}
            if base_url is not None:  # re-keying (e.g. from chat) keeps a custom base URL
                changes["base_url"] = base_url
            if opts:
                changes["options"] = {**existing.options, **opts}
            return await store.integrations.update(workspace_id, existing.id, changes)
        if await store.workspaces.get(workspace_id) is None:
            await self.services.users.ensure_workspace(workspace_id, Platform.console)
        integration = Integration(
            workspace_id=workspace_id,
            type=kind,
            name=kind.value,
            base_url=base_url,
            credentials_encrypted=token,
            options=opts,
        )
        return await store.integrations.add(integration)

    async def find(self, workspace_id: str, kind: IntegrationType | str) -> Integration | None:
        kind = parse_type(kind)
        for integration in await self.services.store.integrations.list(workspace_id):
            if integration.type is kind:
                return integration
        return None

    async def get(self, workspace_id: str, kind: IntegrationType | str) -> Integration:
        found = await self.find(workspace_id, kind)
        if found is None:
            raise NotFoundError(
                f"{parse_type(kind).value} isn't connected in this workspace.",
                hint=f"Connect it with `orchestrator integrations add {parse_type(kind).value} --api-key …`.",
            )
        return found

    async def list(self, workspace_id: str | None = None) -> list[Integration]:
        return await self.services.store.integrations.list(workspace_id)

    async def remove(
        self, workspace_id: str, kind: IntegrationType | str, *, actor: Actor | None = None
    ) -> bool:
        if actor is not None and actor.user.role is not Role.admin:
            raise PermissionDenied("Only a workspace admin can remove an integration.")
        found = await self.find(workspace_id, kind)
        if found is None:
            return False
        return await self.services.store.integrations.remove(workspace_id, found.id)

    async def update_settings(
        self, workspace_id: str, kind: IntegrationType | str, **changes: Any
    ) -> Integration:
        """Direction, conflict policy, interval or enabled flag."""
        found = await self.get(workspace_id, kind)
        return await self.services.store.integrations.update(
            workspace_id, found.id, {**changes, "updated_at": utcnow()}
        )

    def client_for(self, integration: Integration) -> IntegrationClient:
        return self._factory(integration, self._box.decrypt(integration.credentials_encrypted))

    def credentials(self, integration: Integration) -> dict[str, str]:
        """The decrypted credentials (for the composition root only: webhook checks, clients)."""
        return self._box.decrypt(integration.credentials_encrypted)

    async def store_credential(self, integration: Integration, name: str, value: str) -> Integration:
        """Add one secret to an integration's encrypted credentials (e.g. Notion's webhook token)."""
        credentials = {**self.credentials(integration), name: value}
        return await self.services.store.integrations.update(
            integration.workspace_id,
            integration.id,
            {"credentials_encrypted": self._box.encrypt(credentials), "updated_at": utcnow()},
        )

    async def test(self, workspace_id: str, kind: IntegrationType | str) -> RemoteUser:
        """Who the stored key belongs to (one cheap request)."""
        client = self.client_for(await self.get(workspace_id, kind))
        try:
            return await client.current_user()
        finally:
            await client.aclose()

    async def run(
        self,
        workspace_id: str,
        kind: IntegrationType | str,
        *,
        direction: SyncDirection | None = None,
        progress: Progress | None = None,
    ) -> SyncLog:
        """One sync now; waits for a run of the same integration already going."""
        return await self.run_integration(
            await self.get(workspace_id, kind), direction=direction, progress=progress
        )

    async def run_integration(
        self,
        integration: Integration,
        *,
        direction: SyncDirection | None = None,
        progress: Progress | None = None,
        full: bool = False,
    ) -> SyncLog:
        """One run; ``full`` lists everything regardless of the cursor (deletions an updated-since
        filter can't show, e.g. after a tracker's webhook said something was deleted)."""
        lock = self._locks.setdefault(integration.id, asyncio.Lock())
        async with lock:
            # Re-read: the previous run moved the cursor.
            fresh = await self.services.store.integrations.get(integration.workspace_id, integration.id)
            row = fresh or integration
            client = self.client_for(row)
            if full:
                row = row.model_copy(update={"last_sync_cursor": None})
            try:
                engine = SyncEngine(self.services, client, row, progress=progress)
                return await engine.run(direction)
            finally:
                await client.aclose()

    async def due(self, now: datetime | None = None) -> builtins.list[Integration]:
        """Enabled integrations of every workspace whose interval has passed since their last run."""
        now = now or utcnow()
        out = []
        for integration in await self.services.store.integrations.list(None):
            if not integration.enabled:
                continue
            last = integration.last_sync_at
            if last is None or now - last >= timedelta(minutes=max(integration.sync_interval_minutes, 1)):
                out.append(integration)
        return out

    async def conflicts(
        self, workspace_id: str, kind: IntegrationType | str | None = None, *, limit: int = 50
    ) -> builtins.list[ConflictRecord]:
        """Conflicts of recent runs, newest first."""
        integrations = [await self.get(workspace_id, kind)] if kind else await self.list(workspace_id)
        out: builtins.list[ConflictRecord] = []
        for integration in integrations:
            logs = await self.services.store.sync_logs.list(
                workspace_id, integration_id=integration.id, limit=limit
            )
            for entry in logs:
                out.extend(ConflictRecord(entry.started_at, integration.type, c) for c in entry.conflicts)
        out.sort(key=lambda c: c.at, reverse=True)
        return out[:limit]


def describe(entry: SyncLog, kind: IntegrationType | str) -> str:
    """A one-paragraph outcome for a chat reply or the CLI."""
    name = str(getattr(kind, "value", kind)).capitalize()
    if entry.status == "failed":
        reason = entry.errors[-1] if entry.errors else "unknown error"
        return f"{name} sync failed: {reason}"
    parts = [
        f"{entry.pulled} pulled",
        f"{entry.pushed} pushed",
        f"{entry.created} created",
        f"{entry.updated} updated",
        f"{entry.deleted} deleted",
    ]
    text = f"{name} sync done ({entry.direction.value}): " + ", ".join(parts) + "."
    if entry.conflicts:
        text += f" {len(entry.conflicts)} conflicts settled (`orchestrator sync conflicts`)."
    if entry.errors:
        text += f" {len(entry.errors)} items failed: " + "; ".join(entry.errors[:3])
    return text
