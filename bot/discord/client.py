"""The discord.py client: intents, command tree, persistent buttons, on_message for DMs and mentions."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

import discord
from discord import app_commands

from bot.discord.buttons import ButtonFlow
from bot.discord.commands import on_tree_error
from bot.discord.commands_digest import digest
from bot.discord.commands_project import ProjectCommands
from bot.discord.commands_task import TaskCommands
from bot.discord.commands_workspace import OrchestratorCommands
from bot.discord.context import DiscordContext
from bot.discord.messages import MessageFlow
from bot.discord.settings import intents
from bot.discord.views import ReminderButton, TaskButton
from bot.discord.workspaces import WorkspaceDirectory
from core.conversation.handler import ConversationHandler
from core.services import Services

log = logging.getLogger(__name__)


def _dropping_errors(event: str, parse: Callable[[Any], None]) -> Callable[[Any], None]:
    def guarded(data: Any) -> None:
        try:
            parse(data)
        except Exception:
            log.exception("dropped a malformed %s event", event)

    return guarded


class OrchestratorClient(discord.Client):
    """One bot connection; ``orchestrator`` and ``button_handler`` are what handlers reach for."""

    def __init__(
        self,
        services: Services,
        handler: ConversationHandler,
        *,
        message_content: bool,
        **options: Any,
    ) -> None:
        # Nothing the bot echoes (task titles, typed names) may ping anyone: no mentions unless asked.
        options.setdefault("allowed_mentions", discord.AllowedMentions.none())
        # The bot never joins a voice channel, so "PyNaCl / davey is not installed, voice will NOT be
        # supported" at every start says nothing useful. These class flags are discord.py's own warn-once
        # switches (Client.__init__ clears them after warning); clearing them first keeps its other logging.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        super().__init__(intents=intents(message_content=message_content), **options)
        self.orchestrator = DiscordContext(
            services, handler, WorkspaceDirectory(self, services), message_content=message_content
        )
        self.button_handler = ButtonFlow(self.orchestrator)
        self._messages = MessageFlow(self.orchestrator, self)
        self.tree: app_commands.CommandTree[OrchestratorClient] = app_commands.CommandTree(self)
        for group in (TaskCommands(), ProjectCommands(), OrchestratorCommands()):
            self.tree.add_command(group)
        self.tree.add_command(digest)
        self.tree.error(on_tree_error)
        self._guard_parsers()

    def _guard_parsers(self) -> None:
        # discord.py parses each Gateway event inline in its receive loop, so one malformed payload would end
        # connect() and with it the bot. Wrapping the parsers logs and drops such an event instead.
        parsers = self._connection.parsers
        for event, parse in list(parsers.items()):
            parsers[event] = _dropping_errors(event, parse)

    async def setup_hook(self) -> None:
        # Buttons of messages sent before a restart still reach TaskButton through its custom_id template;
        # reminder cards are sent by the scheduler, often by another process, so theirs must too.
        self.add_dynamic_items(TaskButton, ReminderButton)

    def has_message_content(self) -> bool:
        """Whether the application may receive message content (known after login)."""
        flags = self.application_flags
        return bool(flags.gateway_message_content or flags.gateway_message_content_limited)

    async def sync_commands(self, guild_ids: Sequence[int] = ()) -> None:
        """Register the slash commands: globally, or only in ``guild_ids`` (instant, for development)."""
        if not guild_ids:
            await self.tree.sync()
            return
        for guild_id in guild_ids:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            await self.tree.sync(guild=guild)

    async def on_ready(self) -> None:
        log.info("connected to Discord as %s in %d server(s)", self.user, len(self.guilds))

    async def on_message(self, message: discord.Message) -> None:
        await self._messages.on_message(message)

    async def on_error(self, event_method: str, /, *args: Any, **kwargs: Any) -> None:
        log.exception("error while handling %s; the bot keeps running", event_method)
