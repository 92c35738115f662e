"""What every handler of the Discord adapter shares: the core, the workspace directory, and the intents."""

from __future__ import annotations

from dataclasses import dataclass

import discord

from bot.discord import translate
from bot.discord.workspaces import Scope, WorkspaceDirectory
from core.conversation.handler import ConversationHandler
from core.errors import ValidationError
from core.models import Surface
from core.services import Actor, Services


@dataclass
class DiscordContext:
    services: Services
    handler: ConversationHandler
    directory: WorkspaceDirectory
    message_content: bool  # whether the Gateway sends us message text we weren't mentioned in

    async def claim(self, scope: Scope, key: str) -> bool:
        """True the first time ``key`` is seen in this workspace, across replicas and restarts."""
        return await self.services.store.receipts.claim(scope.workspace_id, key)

    async def actor(
        self,
        scope: Scope,
        user: discord.abc.User,
        *,
        channel_id: int | None,
        surface: Surface = Surface.command,
    ) -> Actor:
        """The acting User row (created on first sight by the core) for ``user`` in ``scope``."""
        msg = translate.incoming(
            user=user,
            workspace=scope.workspace_id,
            workspace_name=scope.name,
            text="",
            channel_id=channel_id,
            is_dm=scope.is_dm,
        )
        actor = await self.handler.actor_for(msg)
        return actor.via(surface)

    async def ensure_member(self, scope: Scope, user: discord.abc.User) -> str:
        """A User row for someone another person named; returns the mention the core resolves."""
        if user.bot:
            raise ValidationError(f"@{user.name} is a bot; tasks go to people.")
        if not await self.directory.belongs(scope, user.id):
            # Only people of the workspace's server get a User row there (a DM can name anyone).
            raise ValidationError(f"@{user.name} isn't a member of {scope.name}.")
        await self.services.users.ensure_user(
            scope.workspace_id,
            user.name,
            discord_user_id=str(user.id),
            display_name=translate.display_name(user),
        )
        return translate.user_mention(user.id)


def context_of(client: discord.Client) -> DiscordContext:
    """The context the OrchestratorClient carries (see client.py)."""
    ctx = getattr(client, "orchestrator", None)
    if not isinstance(ctx, DiscordContext):
        raise RuntimeError("this discord.Client was not built by bot.discord.client")
    return ctx
