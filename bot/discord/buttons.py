"""A click on a task button: check the workspace, act once through the unit of work, redraw the message.

Each button is one core Command (Complete → CompleteTask, Assign to me → AssignTask(n, "me"), Snooze →
SnoozeTask, Delete → DeleteTask(confirmed=True): pressing it is the confirmation). The redraw is the
adapter's rendering: the clicked task's card or list line and its row of buttons are drawn fresh from the
reply; the rest of the message stays as it was.
"""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.discord import translate
from bot.discord.context import DiscordContext
from bot.discord.embeds import render, task_refs, with_task
from bot.discord.errors import NoWorkspace, failure_text
from bot.discord.outgoing import Outgoing
from bot.discord.views import button_task, custom_id, redrawn_actions
from bot.discord.workspaces import Scope
from bot.render_text import due_text
from core.conversation.messages import Reply, TaskView
from core.errors import OrchestratorError
from core.models import Surface
from core.quickadd import AssignTask, Command, CompleteTask, DeleteTask, ShowTask, SnoozeTask
from core.quickadd_schedule import SnoozeReminder
from core.refs import format_task, task_number
from core.schedule.notify import ReminderAction

log = logging.getLogger(__name__)
STALE = "⚠️ This button is from an older message I can't read any more; use `/task` instead."


def command_for(action: str, number: int) -> Command:
    """The core Command a button stands for."""
    if action == "complete":
        return CompleteTask((number,))
    if action == "assign":
        return AssignTask(number, "me")
    if action == "delete":
        return DeleteTask((number,), confirmed=True)
    if action == "complete_all":  # the answer to "complete them too?"
        return CompleteTask((number,), with_subtasks=True)
    if action == "cancel":  # changes nothing: the task is drawn again as it is
        return ShowTask(number)
    return SnoozeTask(number, days=1)


def phrase(action: str, task: TaskView, clicker: str) -> str:
    """What the redrawn message says happened, naming who clicked (everyone in the channel sees it)."""
    if action == "complete":
        return f"✅ @{clicker} completed {task.ref}."
    if action == "assign":
        return f"🙋 {task.ref} is now assigned to @{task.assignee or clicker}."
    if action == "delete":
        return f"🗑️ @{clicker} deleted {task.ref}. `/task restore` or `/task undo` brings it back."
    if action == "complete_all":
        return f"✅ @{clicker} completed {task.ref} and its subtasks."
    if action == "cancel":
        return f"@{clicker} cancelled; nothing was changed."
    when = due_text(task.due_date, task.days_until_due, task.is_overdue)
    return f"💤 {task.ref} snoozed: {when}."


def reminder_command(action: ReminderAction, number: int) -> Command:
    """The core Command a reminder card's button stands for."""
    if action is ReminderAction.complete:
        return CompleteTask((number,))
    if action is ReminderAction.open:
        return ShowTask(number)
    return SnoozeReminder(number, action.value)


def legacy_number(label: str | None, message: discord.Message | None) -> int | None:
    """The task an older button (one naming a task id) acts on, read from the message it sits on: the ref
    in its label ("Complete T-3") on a list, or the one task the message shows."""
    for word in (label or "").split():
        number = task_number(word)
        if number is not None and format_task(number) == word:
            return number
    shown = task_refs(message.embeds) if message is not None else []
    return shown[0] if len(shown) == 1 else None


class ButtonFlow:
    """The ``ButtonHandler`` the client hands to views.py."""

    def __init__(self, ctx: DiscordContext) -> None:
        self.ctx = ctx

    async def press(
        self, interaction: discord.Interaction[Any], action: str, workspace: str, task: str
    ) -> None:
        """Carry out one click."""
        try:
            scope = await self._scope(interaction, workspace)
        except OrchestratorError as exc:
            await _tell(interaction, failure_text(exc, "a button"))
            return
        if not await self.ctx.claim(scope, f"discord:interaction:{interaction.id}"):
            log.info("ignoring a replayed button interaction %s", interaction.id)
            return
        # Acknowledge now (Discord allows 3 s); the redraw follows as an edit of the same message.
        await interaction.response.defer()
        clicked = custom_id(action, workspace, task)
        number = button_task(task)
        if number is None:
            number = legacy_number(_label(interaction.message, clicked), interaction.message)
        if number is None:
            await _tell(interaction, STALE)
            return
        msg = translate.from_interaction(
            interaction,
            workspace=scope.workspace_id,
            workspace_name=scope.name,
            is_dm=scope.is_dm,
            surface=Surface.button,
        )
        reply = await self.ctx.handler.execute(msg, command_for(action, number))
        await self._redraw(interaction, scope, action, number, clicked, reply)

    async def _redraw(
        self,
        interaction: discord.Interaction[Any],
        scope: Scope,
        action: str,
        number: int,
        clicked: str,
        reply: Reply,
    ) -> None:
        acted = next((t for t in reply.tasks if task_number(t.ref) == number), None)
        if reply.is_error or acted is None:  # a failure, or nothing left to do ("Already deleted")
            await _tell(interaction, render(reply).content)
            return
        text = " ".join(filter(None, [phrase(action, acted, interaction.user.display_name), reply.next_up]))
        message = interaction.message
        embeds = with_task(message.embeds if message else [], acted)
        view = redrawn_actions(message.components if message else [], clicked, acted, scope.workspace_id)
        try:
            await interaction.edit_original_response(content=text, embeds=embeds, view=view)
        except discord.HTTPException as exc:
            # The change is made; only the redraw failed (e.g. the message was deleted meanwhile).
            log.warning("could not redraw message after a button: %s %s", exc.status, exc.text)
            await _tell(interaction, text)

    async def remind(
        self, interaction: discord.Interaction[Any], action: ReminderAction, workspace: str, task: str
    ) -> None:
        """A reminder card's button: Complete or Snooze replace the buttons with what happened; Open shows
        the task to the clicker only and leaves the card as it is."""
        try:
            scope = await self._scope(interaction, workspace)
        except OrchestratorError as exc:
            await _tell(interaction, failure_text(exc, "a button"))
            return
        if not await self.ctx.claim(scope, f"discord:interaction:{interaction.id}"):
            log.info("ignoring a replayed button interaction %s", interaction.id)
            return
        number = task_number(task)
        if number is None:
            await _tell(interaction, STALE)
            return
        await interaction.response.defer(ephemeral=action is ReminderAction.open, thinking=False)
        msg = translate.from_interaction(
            interaction,
            workspace=scope.workspace_id,
            workspace_name=scope.name,
            is_dm=scope.is_dm,
            surface=Surface.button,
        )
        reply = await self.ctx.handler.execute(msg, reminder_command(action, number))
        if reply.is_error or action is ReminderAction.open:
            out = Outgoing.of(reply, scope.workspace_id)
            await _show(interaction, out)
            return
        acted = next((t for t in reply.tasks if task_number(t.ref) == number), None)
        if action is ReminderAction.complete:
            who = interaction.user.display_name
            text = " ".join(filter(None, [f"✅ @{who} completed {format_task(number)}.", reply.next_up]))
        else:
            text = f"💤 {(reply.text or 'Snoozed.').splitlines()[0]}"
        message = interaction.message
        embeds = list(message.embeds) if message else []
        if acted is not None:
            embeds = with_task(embeds, acted)
        try:
            await interaction.edit_original_response(content=text, embeds=embeds, view=None)
        except discord.HTTPException as exc:
            log.warning("could not redraw a reminder after a button: %s %s", exc.status, exc.text)
            await _tell(interaction, text)

    async def _scope(self, interaction: discord.Interaction[Any], workspace: str) -> Scope:
        """The button's workspace, provided the person clicking belongs to it."""
        directory = self.ctx.directory
        if interaction.guild_id is not None:
            if workspace != translate.workspace_id(interaction.guild_id):
                raise NoWorkspace("This button belongs to another server.")
            return await directory.scope(interaction.guild_id, interaction.user)
        guild_id = translate.guild_id_of(workspace)
        guild = interaction.client.get_guild(guild_id) if guild_id is not None else None
        if guild is None or not await directory.is_member(guild, interaction.user.id):
            raise NoWorkspace("That task belongs to a server you and I don't share.")
        scope = await directory.scope(guild.id, interaction.user)
        return Scope(scope.workspace_id, scope.name, is_dm=True)


def _label(message: discord.Message | None, custom_id: str) -> str | None:
    for row in message.components if message is not None else []:
        for item in getattr(row, "children", []):
            if isinstance(item, discord.Button) and item.custom_id == custom_id:
                return item.label
    return None


async def _show(interaction: discord.Interaction[Any], out: Outgoing) -> None:
    """A whole reply (``Open``'s task card, or a failure) to the person who clicked only."""
    try:
        if out.view is not None:
            await interaction.followup.send(out.content, embeds=out.embeds, view=out.view, ephemeral=True)
        else:
            await interaction.followup.send(out.content, embeds=out.embeds, ephemeral=True)
    except discord.HTTPException as exc:
        log.warning("could not answer interaction %s: %s", interaction.id, exc.status)


async def _tell(interaction: discord.Interaction[Any], text: str) -> None:
    """A short private note to the person who clicked."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except discord.HTTPException as exc:
        log.warning("could not answer interaction %s: %s", interaction.id, exc.status)
