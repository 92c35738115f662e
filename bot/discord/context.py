"""What every handler of the Discord adapter shares: the core's unit of work, the workspace directory,
and the checks on people that need the Gateway."""

from __future__ import annotations

from dataclasses import dataclass

import discord

from bot.discord import translate
from bot.discord.workspaces import Scope, WorkspaceDirectory
from core.conversation.handler import ConversationHandler
from core.conversation.messages import Person
from core.errors import ValidationError
from core.services import Services


@dataclass
class DiscordContext:
    services: Services  # only its store's interaction receipts are used here; user actions go to ``handler``
    handler: ConversationHandler
    directory: WorkspaceDirectory
    message_content: bool  # whether the Gateway sends us message text we weren't mentioned in

    async def claim(self, scope: Scope, key: str) -> bool:
        """True the first time ``key`` is seen in this workspace, across replicas and restarts."""
        return await self.services.store.receipts.claim(scope.workspace_id, key)

    async def named(self, scope: Scope, user: discord.abc.User) -> Person:
        """Someone another person named (a command's ``assignee`` option), checked against the server.

        Only people of the workspace's server get a User row there; a DM can name anyone, so the check
        asks Discord. The core gives the person a row when the turn runs.
        """
        if user.bot:
            raise ValidationError(f"@{user.name} is a bot; tasks go to people.")
        if not await self.directory.belongs(scope, user.id):
            raise ValidationError(f"@{user.name} isn't a member of {scope.name}.")
        return translate.person(user)

    async def members(self, scope: Scope, users: list[discord.abc.User], bot_id: int) -> tuple[Person, ...]:
        """The people a message mentions who belong to the server (bots and strangers left out: the core
        then answers "I don't know anyone called …" if the command needs them)."""
        found: dict[int, Person] = {}
        for user in users:
            if user.id == bot_id or user.bot or user.id in found:
                continue
            if await self.directory.belongs(scope, user.id):
                found[user.id] = translate.person(user)
        return tuple(found.values())


def context_of(client: discord.Client) -> DiscordContext:
    """The context the OrchestratorClient carries (see client.py)."""
    ctx = getattr(client, "orchestrator", None)
    if not isinstance(ctx, DiscordContext):
        raise RuntimeError("this discord.Client was not built by bot.discord.client")
    return ctx
