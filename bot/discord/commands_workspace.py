"""`/orchestrator workspace`: pick the server that DMs with the bot belong to (see workspaces.py).

Not a task or project action: the pick is the adapter's own routing setting, so it stays with the directory
instead of going through the core's unit of work.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from bot.discord.commands import MAX_CHOICES
from bot.discord.context import context_of
from bot.discord.embeds import render
from bot.discord.errors import failure_text
from core.conversation.messages import Reply, ReplyKind

log = logging.getLogger(__name__)
Interaction = discord.Interaction[Any]


async def shared_server_choices(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    """Servers the user shares with the bot, by name."""
    try:
        directory = context_of(interaction.client).directory
        needle = current.strip().lower()
        guilds = await directory.shared_guilds(interaction.user.id)
        return [
            app_commands.Choice(name=g.name[:100], value=str(g.id))
            for g in guilds
            if needle in g.name.lower()
        ][:MAX_CHOICES]
    except Exception:
        log.exception("server autocomplete failed")
        return []


def _find(guilds: list[discord.Guild], wanted: str) -> discord.Guild | None:
    """By id (what autocomplete sends) or by exact name (what people type)."""
    for guild in guilds:
        if wanted == str(guild.id) or wanted.strip().lower() == guild.name.lower():
            return guild
    return None


class OrchestratorCommands(app_commands.Group):
    def __init__(self) -> None:
        super().__init__(name="orchestrator", description="Settings of the Tasks Orchestrator bot")

    @app_commands.command(name="workspace", description="Pick the server your DMs with me belong to")
    @app_commands.describe(server="the server; leave empty in a server channel to pick that one")
    @app_commands.autocomplete(server=shared_server_choices)
    async def workspace(self, interaction: Interaction, server: str | None = None) -> None:
        # Picking the same server twice changes nothing, so a replayed interaction needs no receipt.
        await interaction.response.defer(ephemeral=True, thinking=True)

        try:
            content = render(await self._pick(interaction, server)).content
        except Exception as exc:
            content = failure_text(exc, "/orchestrator workspace")
        await interaction.edit_original_response(content=content)

    async def _pick(self, interaction: Interaction, server: str | None) -> Reply:
        directory = context_of(interaction.client).directory
        user_id = interaction.user.id
        shared = await directory.shared_guilds(user_id)
        names = ", ".join(f"**{g.name}**" for g in shared) or "none yet"
        guild: discord.Guild | None = None
        if server:
            guild = _find(shared, server)
            if guild is None:
                return Reply(
                    f"We don't share a server called `{server}`. Servers we share: {names}.",
                    kind=ReplyKind.error,
                )
        elif interaction.guild_id is not None:
            guild = _find(shared, str(interaction.guild_id)) or interaction.guild
        if guild is None:
            current = await directory.chosen(user_id, shared) if len(shared) > 1 else None
            now = shared[0] if len(shared) == 1 else current
            where = f"Your DMs with me belong to **{now.name}**." if now else "Your DMs have no server yet."
            return Reply(
                f"{where} Servers we share: {names}. Pick one with `/orchestrator workspace server:`."
            )
        await directory.choose(user_id, guild)
        return Reply(
            f"Done: your DMs with me now belong to **{guild.name}** (its tasks, projects and people).",
            kind=ReplyKind.success,
        )
