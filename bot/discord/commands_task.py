"""`/task add|list|show|done|reopen|assign|delete|restore|undo` with typed options."""

from __future__ import annotations

from typing import Any, Literal

import discord
from discord import app_commands

from bot.discord.commands import open_task_choices, project_choices, respond, run_command
from bot.discord.context import DiscordContext
from bot.discord.workspaces import Scope
from core.conversation.messages import Reply, ReplyKind
from core.conversation.views import task_views
from core.models import Priority
from core.quickadd import (
    AddTask,
    AssignTask,
    CompleteTask,
    ListTasks,
    ReopenTask,
    RestoreTask,
    ShowTask,
    Undo,
)
from core.services import Actor
from core.services.resolve import task_number

Interaction = discord.Interaction[Any]
SHARE = "post the answer in the channel for everyone (default: only you see it)"


def _tags(text: str | None) -> tuple[str, ...]:
    """``"docs, +q4 launch"`` → ``("docs", "q4", "launch")``."""
    return tuple(t.lstrip("+") for t in (text or "").replace(",", " ").split() if t.lstrip("+"))


async def _mention(ctx: DiscordContext, scope: Scope, user: discord.abc.User | None) -> str | None:
    return await ctx.ensure_member(scope, user) if user is not None else None


class TaskCommands(app_commands.Group):
    def __init__(self) -> None:
        super().__init__(name="task", description="Create, list and finish tasks")

    @app_commands.command(name="add", description="Create a task")
    @app_commands.describe(
        title="what needs doing",
        due="when it is due: today, fri, next week, dec 5, 2026-12-05, fri 3pm …",
        priority="how urgent",
        project="the project it belongs to",
        assignee="who does it",
        tags="tags separated by spaces",
        share=SHARE,
    )
    @app_commands.autocomplete(project=project_choices)
    async def add(
        self,
        interaction: Interaction,
        title: app_commands.Range[str, 1, 500],
        due: str | None = None,
        priority: Priority | None = None,
        project: str | None = None,
        assignee: discord.User | None = None,
        tags: str | None = None,
        share: bool = False,
    ) -> None:
        async def work(ctx: DiscordContext, scope: Scope, actor: Actor) -> Reply:
            command = AddTask(
                title=title,
                due=due,
                priority=priority,
                project=project,
                assignee=await _mention(ctx, scope, assignee),
                tags=_tags(tags),
            )
            return await run_command(ctx, scope, actor, command)

        await respond(interaction, work, share=share)

    @app_commands.command(name="list", description="List open tasks")
    @app_commands.describe(
        project="only this project",
        assignee="only tasks of this person",
        mine="only tasks assigned to you",
        window="only overdue ones, or due today / within a week",
        closed="include completed and cancelled tasks",
        share=SHARE,
    )
    @app_commands.autocomplete(project=project_choices)
    async def list_(  # not `list`: that would shadow the builtin in the class body
        self,
        interaction: Interaction,
        project: str | None = None,
        assignee: discord.User | None = None,
        mine: bool = False,
        window: Literal["overdue", "today", "week"] | None = None,
        closed: bool = False,
        share: bool = False,
    ) -> None:
        async def work(ctx: DiscordContext, scope: Scope, actor: Actor) -> Reply:
            who = "me" if mine else await _mention(ctx, scope, assignee)
            command = ListTasks(project=project, assignee=who, window=window, include_closed=closed)
            return await run_command(ctx, scope, actor, command)

        await respond(interaction, work, share=share)

    @app_commands.command(name="show", description="Show one task")
    @app_commands.describe(ref="the task, e.g. T-3", share=SHARE)
    @app_commands.autocomplete(ref=open_task_choices)
    async def show(self, interaction: Interaction, ref: str, share: bool = False) -> None:
        async def work(ctx: DiscordContext, scope: Scope, actor: Actor) -> Reply:
            return await run_command(ctx, scope, actor, ShowTask(task_number(ref)))

        await respond(interaction, work, share=share)

    @app_commands.command(name="done", description="Mark a task completed")
    @app_commands.describe(ref="the task, e.g. T-3", share=SHARE)
    @app_commands.autocomplete(ref=open_task_choices)
    async def done(self, interaction: Interaction, ref: str, share: bool = False) -> None:
        async def work(ctx: DiscordContext, scope: Scope, actor: Actor) -> Reply:
            return await run_command(ctx, scope, actor, CompleteTask((task_number(ref),)))

        await respond(interaction, work, share=share)

    @app_commands.command(name="reopen", description="Reopen a completed task")
    @app_commands.describe(ref="the task, e.g. T-3", share=SHARE)
    async def reopen(self, interaction: Interaction, ref: str, share: bool = False) -> None:
        async def work(ctx: DiscordContext, scope: Scope, actor: Actor) -> Reply:
            return await run_command(ctx, scope, actor, ReopenTask((task_number(ref),)))

        await respond(interaction, work, share=share)

    @app_commands.command(name="assign", description="Assign a task (leave assignee empty to unassign)")
    @app_commands.describe(ref="the task, e.g. T-3", assignee="who does it; empty unassigns", share=SHARE)
    @app_commands.autocomplete(ref=open_task_choices)
    async def assign(
        self,
        interaction: Interaction,
        ref: str,
        assignee: discord.User | None = None,
        share: bool = False,
    ) -> None:
        async def work(ctx: DiscordContext, scope: Scope, actor: Actor) -> Reply:
            who = await _mention(ctx, scope, assignee)
            return await run_command(ctx, scope, actor, AssignTask(task_number(ref), who))

        await respond(interaction, work, share=share)

    @app_commands.command(name="delete", description="Delete a task (restore or undo brings it back)")
    @app_commands.describe(ref="the task, e.g. T-3", share=SHARE)
    @app_commands.autocomplete(ref=open_task_choices)
    async def delete(self, interaction: Interaction, ref: str, share: bool = False) -> None:
        # Nothing is deleted yet: the reply carries a Delete button, and pressing it is the confirmation.
        async def work(ctx: DiscordContext, scope: Scope, actor: Actor) -> Reply:
            found = await ctx.services.tasks.get(actor, task_number(ref))
            views = await task_views(ctx.services.store, actor.workspace_id, [found])
            text = f"Delete {found.ref}? Press Delete to confirm; `/task restore` brings it back afterwards."
            return Reply(text, kind=ReplyKind.confirm, tasks=views, confirm_action="delete")

        await respond(interaction, work, share=share)

    @app_commands.command(name="restore", description="Bring back a deleted task")
    @app_commands.describe(ref="the task, e.g. T-3", share=SHARE)
    async def restore(self, interaction: Interaction, ref: str, share: bool = False) -> None:
        async def work(ctx: DiscordContext, scope: Scope, actor: Actor) -> Reply:
            return await run_command(ctx, scope, actor, RestoreTask((task_number(ref),)))

        await respond(interaction, work, share=share)

    @app_commands.command(name="undo", description="Undo your last change")
    @app_commands.describe(share=SHARE)
    async def undo(self, interaction: Interaction, share: bool = False) -> None:
        async def work(ctx: DiscordContext, scope: Scope, actor: Actor) -> Reply:
            return await run_command(ctx, scope, actor, Undo())

        await respond(interaction, work, share=share)
