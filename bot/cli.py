"""The `orchestrator` command line: chat, database info and maintenance, users."""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from typing import Annotated

import typer
from rich.table import Table

from bot import cli_db
from bot.agent_cli import models_command, usage_command
from bot.cli_config import config_app, load_settings
from bot.cli_integrations import integrations_app
from bot.cli_output import fail, out, run
from bot.cli_reminders import reminders_app
from bot.cli_sync import sync_app
from bot.cli_workspaces import workspaces_app
from bot.console import ConsoleAdapter
from bot.console_notify import ConsoleNotifier
from bot.scheduler_loop import SchedulerLoop
from bot.wiring import Runtime, configure_logging, runtime
from core.clock import SystemClock
from core.conversation.messages import Reply
from core.dates import parse_tz
from core.errors import OrchestratorError
from core.models import LOCAL_WORKSPACE, Platform, Role
from core.schedule.scheduler import Scheduler
from core.settings import Settings

app = typer.Typer(
    help="Tasks Orchestrator: one assistant for a team's projects and tasks.", no_args_is_help=True
)
db_app = typer.Typer(help="Inspect and maintain the store.", no_args_is_help=True)
users_app = typer.Typer(help="People of a workspace.", no_args_is_help=True)
app.add_typer(db_app, name="db")
cli_db.register(db_app)
app.add_typer(users_app, name="users")
app.add_typer(integrations_app, name="integrations")
app.add_typer(sync_app, name="sync")
app.add_typer(workspaces_app, name="workspaces")
app.add_typer(config_app, name="config")
app.add_typer(reminders_app, name="reminders")
app.command("models")(models_command)
app.command("usage")(usage_command)


def _default_user() -> str:
    try:
        return getpass.getuser() or "me"
    except (KeyError, OSError):
        return "me"


def _default_tz(settings: Settings) -> str:
    if settings.default_timezone:
        return settings.default_timezone
    try:
        from tzlocal import get_localzone_name

        return get_localzone_name() or "UTC"
    except Exception:  # tzlocal raises several kinds of errors on odd systems; UTC is a safe fallback
        return "UTC"


@app.command()
def chat(
    workspace: Annotated[str, typer.Option(help="Workspace id for the console.")] = LOCAL_WORKSPACE,
    user: Annotated[str | None, typer.Option(help="Your name in that workspace.")] = None,
    tz: Annotated[str | None, typer.Option("--tz", help="Your IANA timezone, e.g. Europe/Paris.")] = None,
    model: Annotated[
        str | None, typer.Option(help="LLM to prefer, e.g. anthropic, openai:gpt-4.1 or offline.")
    ] = None,
) -> None:
    """Chat with the assistant in this terminal (reads lines from stdin when it is not a TTY)."""
    settings = load_settings()
    configure_logging(settings)
    zone = tz or _default_tz(settings)
    try:
        parse_tz(zone)
    except OrchestratorError as exc:
        fail(exc)

    async def main() -> int:
        async with runtime(settings, model=model) as rt:
            adapter = ConsoleAdapter(
                rt.handler, workspace=workspace, user=user or _default_user(), timezone=zone
            )
            loop = console_scheduler(rt, adapter.show) if settings.scheduler.enabled else None
            if loop is not None:
                loop.start()  # due reminders are printed between turns while the chat is open
            try:
                return await adapter.run()
            finally:
                if loop is not None:
                    await loop.stop()

    code = run(main())
    raise typer.Exit(code=code)


def console_scheduler(rt: Runtime, show: Callable[[Reply], None]) -> SchedulerLoop:
    """The scheduler loop of an open console chat: it speaks only on the console."""
    scheduler = Scheduler(rt.store, ConsoleNotifier(show), SystemClock())
    return SchedulerLoop(scheduler, tick=rt.settings.scheduler.tick_seconds)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface for the HTTP endpoint.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port for the HTTP endpoint.")] = 3000,
) -> None:
    """Run every chat adapter whose credentials are set (Slack, Discord) and the HTTP endpoint."""
    from bot.serve import serve as run_serve

    settings = load_settings()
    configure_logging(settings)
    code = run(run_serve(settings, host, port))
    raise typer.Exit(code=code)


@db_app.command("info")
def db_info() -> None:
    """Tables with their versions, file counts and row counts."""

    async def main() -> None:
        async with runtime() as rt:
            infos = await rt.store.info()
        table = Table("table", "version", "files", "rows")
        table.add_column("location", overflow="fold")
        for i in infos:
            table.add_row(i.name, str(i.version), str(i.files), str(i.rows), i.location)
        out.print(table)

    run(main())


@users_app.command("add")
def users_add(
    name: str,
    workspace: Annotated[str, typer.Option(help="Workspace id.")] = LOCAL_WORKSPACE,
    email: Annotated[str | None, typer.Option(help="Email address.")] = None,
    tz: Annotated[str, typer.Option("--tz", help="IANA timezone.")] = "UTC",
    admin: Annotated[bool, typer.Option(help="Make this user an admin.")] = False,
) -> None:
    """Add a person to a workspace so tasks can be assigned to them."""

    async def main() -> None:
        async with runtime() as rt:
            await rt.services.users.ensure_workspace(workspace, Platform.console)
            u = await rt.services.users.ensure_user(
                workspace,
                name,
                timezone=tz,
                email=email.lower() if email else None,
                role=Role.admin if admin else None,
            )
        out.print(f"{u.name} ({u.role.value}, {u.timezone}) is in workspace {workspace}.")

    run(main())


@users_app.command("list")
def users_list(workspace: Annotated[str, typer.Option(help="Workspace id.")] = LOCAL_WORKSPACE) -> None:
    """People of a workspace."""

    async def main() -> None:
        async with runtime() as rt:
            people = await rt.services.users.list(workspace)
        table = Table("name", "role", "timezone", "email")
        for u in people:
            table.add_row(u.name, u.role.value, u.timezone, u.email or "")
        out.print(table)

    run(main())


def main() -> None:
    """Console-script entry point."""
    # pydantic-ai prints an advertising banner on a TTY; it has no place in a chat.
    os.environ.setdefault("PYDANTIC_AI_NO_BANNER", "1")
    app()
