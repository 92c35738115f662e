"""`/project add|list|show`."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.discord.commands import project_choices, respond, run_command
from bot.discord.commands_task import SHARE
from bot.discord.context import DiscordContext
from bot.discord.workspaces import Scope
from core.conversation.messages import Reply
from core.models import Priority
from core.quickadd import AddProject, ListProjects, ShowProject
from core.services import Actor

Interaction = discord.Interaction[Any]


class ProjectCommands(app_commands.Group):
    def __init__(self) -> None:
        super().__init__(name="project", description="Create and review projects")

    @app_commands.command(name="add", description="Create a project")
    @app_commands.describe(
        name="the project's name", due="when it is due", priority="how urgent", share=SHARE
    )
    async def add(
        self,
        interaction: Interaction,
        name: app_commands.Range[str, 1, 100],
        due: str | None = None,
        priority: Priority | None = None,
        share: bool = False,
    ) -> None:
        async def work(ctx: DiscordContext, scope: Scope, actor: Actor) -> Reply:
            return await run_command(ctx, scope, actor, AddProject(name=name, due=due, priority=priority))

        await respond(interaction, work, share=share)

    @app_commands.command(name="list", description="List projects with their progress")
    @app_commands.describe(share=SHARE)
    async def list_(self, interaction: Interaction, share: bool = False) -> None:
        async def work(ctx: DiscordContext, scope: Scope, actor: Actor) -> Reply:
            return await run_command(ctx, scope, actor, ListProjects())

        await respond(interaction, work, share=share)

    @app_commands.command(name="show", description="Show a project and its open tasks")
    @app_commands.describe(project="the project's name or ref (P-2)", share=SHARE)
    @app_commands.autocomplete(project=project_choices)
    async def show(self, interaction: Interaction, project: str, share: bool = False) -> None:
        async def work(ctx: DiscordContext, scope: Scope, actor: Actor) -> Reply:
            return await run_command(ctx, scope, actor, ShowProject(project))

        await respond(interaction, work, share=share)
