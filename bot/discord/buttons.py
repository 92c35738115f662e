"""A click on a task button: check the workspace, act once through the services, redraw the message."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord

from bot.discord.context import DiscordContext
from bot.discord.embeds import is_task_embed, render, task_embeds, task_refs
from bot.discord.errors import NoWorkspace, guarded
from bot.discord.translate import guild_id_of, workspace_id
from bot.discord.views import task_actions
from bot.discord.workspaces import Scope
from bot.render_text import due_text
from core.conversation.messages import Reply, ReplyKind, TaskView
from core.conversation.views import task_views
from core.errors import NotFoundError, OrchestratorError
from core.models import Surface, Task
from core.services import Actor

log = logging.getLogger(__name__)


class ButtonFlow:
    """The ``ButtonHandler`` the client hands to views.py."""

    def __init__(self, ctx: DiscordContext) -> None:
        self.ctx = ctx

    async def press(
        self, interaction: discord.Interaction[Any], action: str, workspace: str, task_id: str
    ) -> None:
        try:
            scope = await self._scope(interaction, workspace)
        except OrchestratorError as exc:
            await _tell(interaction, f"⚠️ {exc}")
            return
        if not await self.ctx.claim(scope, f"discord:interaction:{interaction.id}"):
            log.info("ignoring a replayed button interaction %s", interaction.id)
            return
        # Acknowledge now (Discord allows 3 s); the redraw follows as an edit of the same message.
        await interaction.response.defer()

        async def work() -> Reply:
            actor = await self.ctx.actor(
                scope, interaction.user, channel_id=interaction.channel_id, surface=Surface.button
            )
            text, views = await self._act(actor, action, task_id, interaction.message)
            return Reply(text, kind=ReplyKind.success, tasks=views)

        reply = await guarded("a button", work)
        if reply.is_error:
            await _tell(interaction, render(reply).content)
            return
        kept = [
            e for e in (interaction.message.embeds if interaction.message else []) if not is_task_embed(e)
        ]
        try:
            await interaction.edit_original_response(
                content=reply.text,
                embeds=kept + task_embeds(reply.tasks),
                view=task_actions(reply.tasks, scope.workspace_id),
            )
        except discord.HTTPException as exc:
            # The change is made; only the redraw failed (e.g. the message was deleted meanwhile).
            log.warning("could not redraw message after a button: %s %s", exc.status, exc.text)
            await _tell(interaction, reply.text)

    async def _scope(self, interaction: discord.Interaction[Any], workspace: str) -> Scope:
        """The button's workspace, provided the person clicking belongs to it."""
        directory = self.ctx.directory
        if interaction.guild_id is not None:
            if workspace != workspace_id(interaction.guild_id):
                raise NoWorkspace("This button belongs to another server.")
            return await directory.scope(interaction.guild_id, interaction.user)
        guild_id = guild_id_of(workspace)
        guild = interaction.client.get_guild(guild_id) if guild_id is not None else None
        if guild is None or not await directory.is_member(guild, interaction.user.id):
            raise NoWorkspace("That task belongs to a server you and I don't share.")
        scope = await directory.scope(guild.id, interaction.user)
        return Scope(scope.workspace_id, scope.name, is_dm=True)

    async def _act(
        self, actor: Actor, action: str, task_id: str, message: discord.Message | None
    ) -> tuple[str, list[TaskView]]:
        """Do the action; return the confirmation and the tasks the message shows, fresh."""
        services = self.ctx.services
        task = await services.store.tasks.get(actor.workspace_id, task_id)
        if task is None or task.deleted_at is not None:
            raise NotFoundError("That task was deleted.", hint="`/task restore` brings it back.")
        who = f"@{actor.user.label}"
        if action == "complete":
            await services.tasks.complete(actor, [task.number])
            text = f"✅ {who} completed {task.ref}."
        elif action == "assign":
            await services.tasks.assign(actor, task.number, "me")
            text = f"🙋 {task.ref} is now assigned to {who}."
        elif action == "delete":
            await services.tasks.delete(actor, [task.number])
            text = f"🗑️ {who} deleted {task.ref}. `/task restore` or `/task undo` brings it back."
        else:
            snoozed = await services.tasks.snooze(actor, task.number, days=1)
            when = due_text(snoozed.due_date, snoozed.days_until_due, snoozed.is_overdue)
            text = f"💤 {task.ref} snoozed: {when}."
        numbers = task_refs(message.embeds) if message is not None else []
        shown = await self._reload(actor, numbers or [task.number])
        return text, await task_views(services.store, actor.workspace_id, shown)

    async def _reload(self, actor: Actor, numbers: list[int]) -> list[Task]:
        """The tasks by number, as the actor sees them now; ones that vanished are left out."""

        async def one(n: int) -> Task | None:
            try:
                return await self.ctx.services.tasks.get(actor, n, include_deleted=True)
            except NotFoundError:
                return None

        found = await asyncio.gather(*(one(n) for n in numbers))
        return [t for t in found if t is not None]


async def _tell(interaction: discord.Interaction[Any], text: str) -> None:
    """A short private note to the person who clicked."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except discord.HTTPException as exc:
        log.warning("could not answer interaction %s: %s", interaction.id, exc.status)
