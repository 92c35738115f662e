"""Slash commands: the shared flow (workspace, dedup, ack, reply), autocomplete, and registration.

Every command acknowledges at once with a "thinking" defer (Discord allows 3 s; Delta writes may need more)
and then edits that response. Replies are ephemeral unless the command's ``share`` option is set.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands

from bot.discord.context import DiscordContext, context_of
from bot.discord.embeds import render
from bot.discord.errors import error_reply, guarded
from bot.discord.outgoing import Outgoing
from bot.discord.workspaces import Scope
from core.conversation.messages import Reply
from core.errors import OrchestratorError
from core.models import Conversation
from core.quickadd import Command
from core.services import Actor

log = logging.getLogger(__name__)

Work = Callable[[DiscordContext, Scope, Actor], Awaitable[Reply]]
MAX_CHOICES = 25  # Discord's limit for autocomplete answers
_REF = re.compile(r"^\s*(?:t-?)?(\d*)\s*$", re.IGNORECASE)


async def respond(interaction: discord.Interaction[Any], work: Work, *, share: bool = False) -> None:
    """Resolve the workspace, act once per interaction id, and answer (privately unless ``share``)."""
    ctx = context_of(interaction.client)
    try:
        scope = await ctx.directory.scope(interaction.guild_id, interaction.user)
    except OrchestratorError as exc:
        await interaction.response.send_message(render(error_reply(exc)).content, ephemeral=True)
        return
    if not await ctx.claim(scope, f"discord:interaction:{interaction.id}"):
        log.info("ignoring a replayed interaction %s", interaction.id)
        return
    if interaction.guild_id is not None:
        ctx.directory.remember_member(interaction.guild_id, interaction.user.id)
    await interaction.response.defer(ephemeral=not share, thinking=True)

    async def run() -> Reply:
        actor = await ctx.actor(scope, interaction.user, channel_id=interaction.channel_id)
        return await work(ctx, scope, actor)

    name = interaction.command.qualified_name if interaction.command else "a command"
    reply = await guarded(f"/{name}", run)
    out = Outgoing.of(reply, scope.workspace_id)
    if out.view is not None:
        await interaction.edit_original_response(content=out.content, embeds=out.embeds, view=out.view)
    else:
        await interaction.edit_original_response(content=out.content, embeds=out.embeds)


async def run_command(ctx: DiscordContext, scope: Scope, actor: Actor, command: Command) -> Reply:
    """One quick-add command object through the core's CommandRunner (the same phrasing as typed text)."""
    conversation = Conversation(
        id=f"discord:slash:{actor.user_id}", workspace_id=scope.workspace_id, user_id=actor.user_id
    )
    reply, _pending = await ctx.handler.commands.run(actor, command, conversation)
    return reply


async def _autocomplete_actor(interaction: discord.Interaction[Any]) -> tuple[DiscordContext, Actor] | None:
    ctx = context_of(interaction.client)
    try:
        scope = await ctx.directory.scope(interaction.guild_id, interaction.user)
        return ctx, await ctx.actor(scope, interaction.user, channel_id=interaction.channel_id)
    except OrchestratorError:
        return None


def _choice(name: str, value: str) -> app_commands.Choice[str]:
    return app_commands.Choice(name=name if len(name) <= 100 else name[:99] + "…", value=value)


async def project_choices(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    """Projects of the workspace whose name or ref contains what was typed."""
    try:
        found = await _autocomplete_actor(interaction)
        if found is None:
            return []
        ctx, actor = found
        needle = current.strip().lstrip("#").lower()
        projects = await ctx.services.projects.list(actor)
        return [
            _choice(f"{p.name} ({p.ref})", p.name)
            for p in projects
            if needle in p.name.lower() or needle == p.ref.lower()
        ][:MAX_CHOICES]
    except Exception:
        log.exception("project autocomplete failed")
        return []


async def open_task_choices(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    """Open tasks whose ref starts with, or whose title contains, what was typed."""
    try:
        found = await _autocomplete_actor(interaction)
        if found is None:
            return []
        ctx, actor = found
        ref = _REF.match(current)
        if ref is not None:
            page = await ctx.services.tasks.list(actor, limit=200)
            tasks = [t for t in page.items if str(t.number).startswith(ref.group(1))]
        else:
            tasks = (await ctx.services.tasks.list(actor, text=current.strip(), limit=MAX_CHOICES)).items
        return [_choice(f"{t.ref} · {t.title}", t.ref) for t in tasks][:MAX_CHOICES]
    except Exception:
        log.exception("task autocomplete failed")
        return []


async def on_tree_error(interaction: discord.Interaction[Any], error: app_commands.AppCommandError) -> None:
    """Errors discord.py raises before our callback runs (bad option values, unknown commands)."""
    log.warning("slash command failed before running: %s", error)
    text = "⚠️ I couldn't run that command. Please check its options and try again."
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except discord.HTTPException:
        pass
