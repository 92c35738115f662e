"""`/task add|list|show|find|history|done|reopen|assign|delete|restore|undo` with typed options, each one core
Command."""

from __future__ import annotations

from typing import Any, Literal

import discord
from discord import app_commands

from bot.discord.commands import Options, find_choices, open_task_choices, project_choices, respond
from core.models import Priority
from core.quickadd import (
    AddTask,
    AssignTask,
    Command,
    CompleteTask,
    DeleteTask,
    History,
    ListTasks,
    ReopenTask,
    RestoreTask,
    SearchTasks,
    ShowTask,
    Undo,
)
from core.refs import task_number

Interaction = discord.Interaction[Any]
SHARE = "post the answer in the channel for everyone (default: only you see it)"
REF = "the task, e.g. T-3"


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
        async def build(o: Options) -> Command:
            return AddTask(
                title=title,
                due=o.due(due),
                priority=priority,
                project=project,
                assignee=await o.person(assignee),
                tags=o.tags(tags),
            )

        await respond(interaction, build, share=share)

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
        async def build(o: Options) -> Command:
            who = "me" if mine else await o.person(assignee)
            return ListTasks(project=project, assignee=who, window=window, include_closed=closed)

        await respond(interaction, build, share=share)

    @app_commands.command(name="show", description="Show one task")
    @app_commands.describe(ref=REF, share=SHARE)
    @app_commands.autocomplete(ref=open_task_choices)
    async def show(self, interaction: Interaction, ref: str, share: bool = False) -> None:
        async def build(o: Options) -> Command:
            return ShowTask(o.number(ref))

        await respond(interaction, build, share=share)

    @app_commands.command(name="find", description="Search tasks by words in the title, description or tags")
    @app_commands.describe(text="words of the task; typos are fine", share=SHARE)
    @app_commands.autocomplete(text=find_choices)
    async def find(
        self, interaction: Interaction, text: app_commands.Range[str, 1, 200], share: bool = False
    ) -> None:
        async def build(o: Options) -> Command:
            return SearchTasks(text)

        await respond(interaction, build, share=share)

    @app_commands.command(name="history", description="What changed: a task's, a person's or a project's")
    @app_commands.describe(
        ref="only this task: T-3 or its title",
        person="only what this person did",
        project="only this project's tasks",
        period="how far back (default: the last 7 days)",
        share=SHARE,
    )
    @app_commands.autocomplete(ref=open_task_choices, project=project_choices)
    async def history(
        self,
        interaction: Interaction,
        ref: str | None = None,
        person: discord.User | None = None,
        project: str | None = None,
        period: Literal["today", "yesterday", "this week", "last week", "week", "month"] | None = None,
        share: bool = False,
    ) -> None:
        async def build(o: Options) -> Command:
            task = (task_number(ref) or ref.strip() or None) if ref else None  # a ref, or a title's words
            return History(task=task, person=await o.person(person), project=project, since=period)

        await respond(interaction, build, share=share)

    @app_commands.command(name="done", description="Mark a task completed")
    @app_commands.describe(ref=REF, share=SHARE)
    @app_commands.autocomplete(ref=open_task_choices)
    async def done(self, interaction: Interaction, ref: str, share: bool = False) -> None:
        async def build(o: Options) -> Command:
            return CompleteTask((o.number(ref),))

        await respond(interaction, build, share=share)

    @app_commands.command(name="reopen", description="Reopen a completed task")
    @app_commands.describe(ref=REF, share=SHARE)
    async def reopen(self, interaction: Interaction, ref: str, share: bool = False) -> None:
        async def build(o: Options) -> Command:
            return ReopenTask((o.number(ref),))

        await respond(interaction, build, share=share)

    @app_commands.command(name="assign", description="Assign a task (leave assignee empty to unassign)")
    @app_commands.describe(ref=REF, assignee="who does it; empty unassigns", share=SHARE)
    @app_commands.autocomplete(ref=open_task_choices)
    async def assign(
        self,
        interaction: Interaction,
        ref: str,
        assignee: discord.User | None = None,
        share: bool = False,
    ) -> None:
        async def build(o: Options) -> Command:
            return AssignTask(o.number(ref), await o.person(assignee))

        await respond(interaction, build, share=share)

    @app_commands.command(name="delete", description="Delete a task (restore or undo brings it back)")
    @app_commands.describe(ref=REF, share=SHARE)
    @app_commands.autocomplete(ref=open_task_choices)
    async def delete(self, interaction: Interaction, ref: str, share: bool = False) -> None:
        # The core asks first and keeps the question; the reply's Delete button is the answer.
        async def build(o: Options) -> Command:
            return DeleteTask((o.number(ref),))

        await respond(interaction, build, share=share)

    @app_commands.command(name="restore", description="Bring back a deleted task")
    @app_commands.describe(ref=REF, share=SHARE)
    async def restore(self, interaction: Interaction, ref: str, share: bool = False) -> None:
        async def build(o: Options) -> Command:
            return RestoreTask((o.number(ref),))

        await respond(interaction, build, share=share)

    @app_commands.command(name="undo", description="Undo your last change")
    @app_commands.describe(share=SHARE)
    async def undo(self, interaction: Interaction, share: bool = False) -> None:
        async def build(o: Options) -> Command:
            return Undo()

        await respond(interaction, build, share=share)
