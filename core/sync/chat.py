"""Chat commands: ``/orchestrator connect motion <key>`` (admins, privately) and ``/sync motion``.

Adapters (or the conversation handler) offer each message to ``SyncCommands.handle`` before the quick-add
grammar; it answers the two commands and returns None for anything else.
"""

from __future__ import annotations

import re

from core.conversation.messages import Reply, ReplyKind
from core.errors import OrchestratorError
from core.models import Role
from core.services import Actor
from core.sync.service import SyncService, describe, parse_type

_CONNECT = re.compile(r"^\s*/?(?:orchestrator\s+)?connect\s+(\w+)(?:\s+(\S+))?\s*$", re.IGNORECASE)
_SYNC = re.compile(r"^\s*/?(?:orchestrator\s+)?sync\s+(\w+)\s*$", re.IGNORECASE)


def is_sync_command(text: str) -> bool:
    """True for `connect <tool> …` and `sync <tool>` (cheap: no store, no key needed)."""
    return bool(_CONNECT.match(text) or _SYNC.match(text))


class SyncCommands:
    def __init__(self, sync: SyncService) -> None:
        self.sync = sync

    async def handle(self, actor: Actor, text: str, *, private: bool) -> Reply | None:
        """The reply to a connect or sync command; None when ``text`` is neither.

        ``private``: the message came as a DM (or an ephemeral slash command), so a key in it was seen by
        nobody else. Replies to ``connect`` are always ephemeral.
        """
        try:
            if match := _CONNECT.match(text):
                return await self._connect(actor, match.group(1), match.group(2), private)
            if match := _SYNC.match(text):
                entry = await self.sync.run(actor.workspace_id, match.group(1))
                kind = ReplyKind.error if entry.status == "failed" else ReplyKind.success
                return Reply(describe(entry, parse_type(match.group(1))), kind=kind)
        except OrchestratorError as exc:
            return Reply(str(exc), kind=ReplyKind.error, ephemeral=True)
        return None

    async def _connect(self, actor: Actor, kind: str, key: str | None, private: bool) -> Reply:
        name = parse_type(kind).value
        if actor.user.role is not Role.admin:
            return Reply(
                "Only a workspace admin can connect an integration.", kind=ReplyKind.error, ephemeral=True
            )
        if not private:
            # Never store (or repeat) a key that was posted where others can read it.
            text = f"Send `connect {name} <API key>` to me in a direct message, never in a channel."
            if key:
                text += f" That key was visible here: revoke it in {name.capitalize()} and make a new one."
            return Reply(text, kind=ReplyKind.error, ephemeral=True)
        if not key:
            return Reply(f"Usage: `connect {name} <API key>`.", kind=ReplyKind.error, ephemeral=True)
        await self.sync.connect(actor.workspace_id, name, api_key=key, actor=actor)
        me = await self.sync.test(actor.workspace_id, name)
        text = f"Connected {name.capitalize()} as {me.name}. Sync it with `/sync {name}`."
        return Reply(text, kind=ReplyKind.success, ephemeral=True)
