"""`/project add|list|show|chart|report|use`, each one core Command."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.discord.commands import Options, project_choices, respond
from bot.discord.commands_task import SHARE
from core.models import Priority
from core.quickadd import AddProject, ChartProject, Command, ListProjects, ShowProject, UseProject
from core.quickadd_schedule import ReportProject, StopReport
from core.schedule.chart_series import DEFAULT_DAYS, MAX_DAYS

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
        async def build(o: Options) -> Command:
            return AddProject(name=name, due=o.due(due), priority=priority)

        await respond(interaction, build, share=share)

    @app_commands.command(name="list", description="List projects with their progress")
    @app_commands.describe(share=SHARE)
    async def list_(self, interaction: Interaction, share: bool = False) -> None:
        async def build(o: Options) -> Command:
            return ListProjects()

        await respond(interaction, build, share=share)

    @app_commands.command(name="show", description="Show a project and its open tasks")
    @app_commands.describe(project="the project's name or ref (P-2)", share=SHARE)
    @app_commands.autocomplete(project=project_choices)
    async def show(self, interaction: Interaction, project: str, share: bool = False) -> None:
        async def build(o: Options) -> Command:
            return ShowProject(project)

        await respond(interaction, build, share=share)

    @app_commands.command(
        name="chart", description="A chart: tasks created vs completed per day, and open tasks"
    )
    @app_commands.describe(
        project="the project's name or ref (P-2)",
        days=f"how many days back (default {DEFAULT_DAYS})",
        share=SHARE,
    )
    @app_commands.autocomplete(project=project_choices)
    async def chart(
        self,
        interaction: Interaction,
        project: str,
        days: app_commands.Range[int, 1, MAX_DAYS] = DEFAULT_DAYS,
        share: bool = False,
    ) -> None:
        async def build(o: Options) -> Command:
            return ChartProject(project, days)

        await respond(interaction, build, share=share)

    @app_commands.command(
        name="report", description="Post a project's summary with its chart in a channel, on a schedule"
    )
    @app_commands.describe(
        project="the project's name or ref (P-2)",
        when='when to post: "weekly fri 16:00", "every monday 9am", "daily 17:00"; "off" stops it',
        channel="where to post it (default: this channel)",
    )
    @app_commands.autocomplete(project=project_choices)
    async def report(
        self,
        interaction: Interaction,
        project: str,
        when: app_commands.Range[str, 1, 100],
        channel: discord.TextChannel | None = None,
    ) -> None:
        async def build(o: Options) -> Command:
            if when.strip().lower() in ("off", "stop", "none"):
                return StopReport(project)
            return ReportProject(project, when, str(channel.id) if channel is not None else None)

        await respond(interaction, build, share=True)

    @app_commands.command(name="use", description="Put your new tasks in this channel into a project")
    @app_commands.describe(project="the project's name or ref (P-2); leave empty to stop using one")
    @app_commands.autocomplete(project=project_choices)
    async def use(self, interaction: Interaction, project: str | None = None) -> None:
        async def build(o: Options) -> Command:
            return UseProject(project or None)

        await respond(interaction, build)
