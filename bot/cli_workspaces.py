"""`orchestrator workspaces list|set`: the tenants and their per-workspace settings (budget, timezone)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from bot.cli_output import fail, out, run
from bot.wiring import runtime
from core.dates import parse_tz
from core.errors import NotFoundError, OrchestratorError, ValidationError

workspaces_app = typer.Typer(help="Workspaces (Slack teams, Discord servers, local) and their settings.")


@workspaces_app.command("list")
def list_workspaces() -> None:
    """Every workspace with its platform, default timezone and daily token budget."""

    async def main() -> list[Any]:
        async with runtime() as rt:
            return await rt.store.workspaces.list()

    table = Table("id", "platform", "name", "timezone", "daily token budget")
    for ws in sorted(run(main()), key=lambda w: w.id):
        budget = "file default" if ws.daily_token_budget is None else f"{ws.daily_token_budget:,}"
        table.add_row(ws.id, ws.platform.value, ws.name, ws.default_timezone, budget)
    out.print(table)


@workspaces_app.command("set")
def set_workspace(
    workspace: Annotated[str, typer.Argument(help="Workspace id, e.g. local or slack:T0123.")],
    daily_token_budget: Annotated[
        int | None, typer.Option(help="LLM tokens per UTC day; past it the offline model answers.", min=0)
    ] = None,
    default_budget: Annotated[
        bool, typer.Option("--default-budget", help="Go back to the providers file's budget.")
    ] = False,
    timezone: Annotated[str | None, typer.Option(help="Default IANA timezone for new people.")] = None,
) -> None:
    """Change a workspace's budget or default timezone."""
    changes: dict[str, Any] = {}
    if daily_token_budget is not None and default_budget:
        fail(ValidationError("Give either --daily-token-budget or --default-budget, not both."))
    if daily_token_budget is not None or default_budget:
        changes["daily_token_budget"] = daily_token_budget
    if timezone is not None:
        try:
            parse_tz(timezone)
        except OrchestratorError as exc:
            fail(exc)
        changes["default_timezone"] = timezone
    if not changes:
        fail(
            ValidationError(
                "Nothing to change.", hint="Try --daily-token-budget 200000 or --timezone Europe/Paris."
            )
        )

    async def main() -> None:
        async with runtime() as rt:
            if await rt.store.workspaces.get(workspace) is None:
                raise NotFoundError(
                    f"There is no workspace `{workspace}`.", hint="`orchestrator workspaces list`."
                )
            await rt.store.workspaces.update(workspace, changes)

    run(main())
    out.print(f"Workspace {workspace} updated.")
