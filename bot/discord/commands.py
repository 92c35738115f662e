"""App (slash) commands: the shared flow (workspace, dedup, ack, the unit of work, reply), option
translation, autocomplete, and tree errors.

Every command acknowledges at once with a "thinking" defer (Discord allows 3 s; Delta writes may need more)
and then edits that response. Replies are ephemeral unless the command's ``share`` option is set. Each command
becomes one core Command run by ``ConversationHandler.execute`` in a conversation per person per channel, so
a question such as "Delete T-3?" is kept for that person's answer (the Delete button).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

import discord
from discord import app_commands

from bot.discord import translate
from bot.discord.context import DiscordContext, context_of
from bot.discord.errors import failure_text
from bot.discord.outgoing import Outgoing, deliver
from bot.discord.workspaces import Scope
from core.conversation.failures import failure_reply
from core.conversation.messages import IncomingMessage, Person, Reply, ReplyKind
from core.errors import OrchestratorError, ValidationError
from core.models import Surface
from core.quickadd import Command
from core.quickadd_commands import DuePhrase, SuggestProjects, SuggestTasks
from core.refs import mention_token, task_number

log = logging.getLogger(__name__)

MAX_CHOICES = 25  # Discord's limit for autocomplete answers
Interaction = discord.Interaction[Any]


class Options:
    """An app command's options as neutral values; the people they name are collected for the turn."""

    def __init__(self, ctx: DiscordContext, scope: Scope) -> None:
        self._ctx = ctx
        self._scope = scope
        self.people: list[Person] = []

    async def person(self, user: discord.abc.User | None) -> str | None:
        """A user option → the neutral mention ``<@ID>`` (after checking they are a person of the server)."""
        if user is None:
            return None
        named = await self._ctx.named(self._scope, user)
        self.people.append(named)
        return mention_token(named.user_id)

    @staticmethod
    def number(ref: str) -> int:
        """``T-3`` (what autocomplete fills in, or what was typed) → 3."""
        number = task_number(ref)
        if number is None:
            raise ValidationError(
                f"`{ref}` is not a task reference.", hint="Task references look like `T-3`."
            )
        return number

    @staticmethod
    def due(text: str | None) -> DuePhrase | None:
        """A typed date; the unit of work resolves it at the turn's moment."""
        return DuePhrase(text) if text and text.strip() else None

    @staticmethod
    def tags(text: str | None) -> tuple[str, ...]:
        """``"docs, +q4 launch"`` → ``("docs", "q4", "launch")``."""
        return tuple(t.lstrip("+") for t in (text or "").replace(",", " ").split() if t.lstrip("+"))


Build = Callable[[Options], Awaitable[Command]]


def _incoming(interaction: Interaction, scope: Scope, people: tuple[Person, ...] = ()) -> IncomingMessage:
    return translate.from_interaction(
        interaction,
        workspace=scope.workspace_id,
        workspace_name=scope.name,
        is_dm=scope.is_dm,
        surface=Surface.command,
        people=people,
    )


def _as_app_reply(reply: Reply) -> Reply:
    """An app command's question is answered with its button: nobody types `yes` to a slash command."""
    if reply.kind is ReplyKind.confirm and reply.confirm_action == "delete" and reply.tasks:
        what = ", ".join(t.ref for t in reply.tasks)
        text = f"Delete {what}? Press Delete to confirm; `/task restore` brings it back afterwards."
        return replace(reply, text=text)
    return reply


async def respond(interaction: Interaction, build: Build, *, share: bool = False) -> None:
    """Resolve the workspace, act once per interaction id through the unit of work, and answer
    (privately unless ``share``)."""
    ctx = context_of(interaction.client)
    name = f"/{interaction.command.qualified_name}" if interaction.command else "a command"
    try:
        scope = await ctx.directory.scope(interaction.guild_id, interaction.user)
    except OrchestratorError as exc:
        await interaction.response.send_message(failure_text(exc, name), ephemeral=True)
        return
    if not await ctx.claim(scope, f"discord:interaction:{interaction.id}"):
        log.info("ignoring a replayed interaction %s", interaction.id)
        return
    if interaction.guild_id is not None:
        ctx.directory.remember_member(interaction.guild_id, interaction.user.id)
    await interaction.response.defer(ephemeral=not share, thinking=True)

    options = Options(ctx, scope)
    try:
        command = await build(options)
    except Exception as exc:  # an option the adapter refused (a bot, a stranger, not a task ref)
        reply = failure_reply(exc, name)
    else:
        reply = await ctx.handler.execute(_incoming(interaction, scope, tuple(options.people)), command)
    out = await Outgoing.drawn(_as_app_reply(reply), scope.workspace_id)

    async def send() -> None:
        # ``attachments`` replaces the message's files: none on the "thinking…" placeholder, so it adds.
        files = out.files()
        if out.view is not None:
            await interaction.edit_original_response(
                content=out.content, embeds=out.embeds, view=out.view, attachments=files
            )
        else:
            await interaction.edit_original_response(
                content=out.content, embeds=out.embeds, attachments=files
            )

    await deliver(send)


async def _suggest(interaction: Interaction, command: SuggestTasks | SuggestProjects) -> Reply | None:
    """Autocomplete through the unit of work, in the workspace of the interaction only."""
    ctx = context_of(interaction.client)
    try:
        scope = await ctx.directory.scope(interaction.guild_id, interaction.user)
    except OrchestratorError:
        return None
    reply = await ctx.handler.execute(_incoming(interaction, scope), command)
    return None if reply.is_error else reply


def _choice(name: str, value: str) -> app_commands.Choice[str]:
    return app_commands.Choice(name=name if len(name) <= 100 else name[:99] + "…", value=value)


async def project_choices(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    """Projects of the workspace whose name or ref contains what was typed."""
    try:
        reply = await _suggest(interaction, SuggestProjects(current, limit=MAX_CHOICES))
        projects = reply.projects if reply is not None else []
        return [_choice(f"{p.name} ({p.ref})", p.name) for p in projects][:MAX_CHOICES]
    except Exception:
        log.exception("project autocomplete failed")
        return []


async def open_task_choices(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    """Open tasks whose ref starts with, or whose title contains, what was typed."""
    try:
        reply = await _suggest(interaction, SuggestTasks(current, limit=MAX_CHOICES))
        tasks = reply.tasks if reply is not None else []
        return [_choice(f"{t.ref} · {t.title}", t.ref) for t in tasks][:MAX_CHOICES]
    except Exception:
        log.exception("task autocomplete failed")
        return []


async def find_choices(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    """`/task find`: open tasks matching what was typed so far (typos forgiven); a pick finds it by ref."""
    if not current.strip():
        return []
    return await open_task_choices(interaction, current)


async def on_tree_error(interaction: Interaction, error: app_commands.AppCommandError) -> None:
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
