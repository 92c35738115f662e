"""`orchestrator reminders list` and `orchestrator reminders run-due [--dry-run]`: the scheduler, by hand."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from bot.cli_config import load_settings
from bot.cli_output import run
from bot.notifier_factory import notifiers_from_settings
from bot.wiring import configure_logging, runtime
from core.clock import SystemClock
from core.models import utcnow
from core.schedule.scheduler import Scheduler

reminders_app = typer.Typer(
    help="What the assistant will say by itself: reminders, digests, reports.", no_args_is_help=True
)
out = Console()


@reminders_app.command("list")
def reminders_list(
    workspace: Annotated[str | None, typer.Option(help="Only this workspace (default: all).")] = None,
    limit: Annotated[int, typer.Option(help="Rows per workspace.")] = 200,
) -> None:
    """Every active schedule, soonest first: reminders, due-date reminders, digests and reports."""

    async def main() -> None:
        async with runtime() as rt:
            spaces = [workspace] if workspace else [w.id for w in await rt.store.workspaces.list()]
            table = Table("workspace", "next run (UTC)", "kind", "for", "about", "id")
            now = utcnow()
            count = 0
            for ws in spaces:
                users = {u.id: u.label for u in await rt.store.users.list(ws)}
                for row in await rt.store.schedules.list(ws, limit=limit):
                    due = row.next_run_at.strftime("%Y-%m-%d %H:%M") if row.next_run_at else "-"
                    if row.next_run_at is not None and row.next_run_at <= now:
                        due += " (due)"
                    who = row.channel_id or users.get(row.user_id or "", row.user_id or "")
                    about = row.task_id or row.project_id or row.rule or ""
                    table.add_row(ws, due, row.kind.value, who, about, row.id)
                    count += 1
        out.print(table if count else "Nothing scheduled.")

    run(main())


@reminders_app.command("run-due")
def reminders_run_due(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only show what is due; send nothing.")] = False,
) -> None:
    """Send what is due now, once (what `serve`'s scheduler does every tick)."""
    settings = load_settings()
    configure_logging(settings)

    async def main() -> int:
        async with runtime(settings) as rt, notifiers_from_settings(settings) as notifier:
            scheduler = Scheduler(rt.store, notifier, SystemClock())
            report = await scheduler.tick(dry_run=dry_run)
        if dry_run:
            for line in report.lines:
                out.print(line, markup=False, highlight=False)
            out.print(f"{len(report.lines)} due." if report.lines else "Nothing is due.")
            return 0
        out.print(
            f"{report.claimed} due: {report.sent} sent, {report.skipped} skipped, {report.moved} moved, "
            f"{report.retrying} to retry, {report.failed} failed, {report.recovered} already delivered."
        )
        return 1 if report.failed else 0

    raise typer.Exit(code=run(main()))
