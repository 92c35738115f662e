"""`connect motion KEY` and `sync motion` in any chat, wired to the SyncService only when first used."""

from __future__ import annotations

import logging

from bot.integration_clients import sync_service
from bot.wiring import Runtime
from core.conversation.messages import Reply
from core.services import Actor
from core.sync.chat import SyncCommands, is_sync_command

log = logging.getLogger(__name__)


class LazySyncCommands:
    """Builds the SyncService (and the secret key file, if none exists yet) on the first sync command."""

    def __init__(self, rt: Runtime) -> None:
        self._rt = rt
        self._commands: SyncCommands | None = None

    async def handle(self, actor: Actor, text: str, *, private: bool) -> Reply | None:
        if not is_sync_command(text):
            return None
        if self._commands is None:
            sync = sync_service(self._rt, create_key=True, say=log.warning)
            if sync is None:  # create_key=True always yields a key; kept for the type checker
                return None
            self._commands = SyncCommands(sync)
        return await self._commands.handle(actor, text, private=private)


def enable_chat_sync(rt: Runtime) -> None:
    """Let every chat surface of this runtime answer the connect and sync commands."""
    rt.handler.pre_commands.append(LazySyncCommands(rt))
