"""`orchestrator sync motion` (one run with a progress bar) and `orchestrator sync conflicts`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from bot.cli_integrations import LocalWorkspace, run_with_sync
from bot.wiring import Runtime
from core.models import LOCAL_WORKSPACE, IntegrationType, SyncDirection, SyncLog
from core.sync import SyncService, describe

sync_app = typer.Typer(help="Run a sync now, or look at the conflicts it settled.", no_args_is_help=True)
out = Console()


def _sync_command(kind: IntegrationType) -> None:
    def command(
        direction: Annotated[SyncDirection | None, typer.Option(help="Override: pull, push or both.")] = None,
        local_workspace: LocalWorkspace = LOCAL_WORKSPACE,
    ) -> None:
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=out,
            transient=True,
        ) as bar:
            fetch = bar.add_task(f"Reading {kind.value}", total=None)
            apply = bar.add_task("Applying changes", total=None, visible=False)

            def progress(phase: str, done: int, total: int | None) -> None:
                if phase == "fetch":
                    bar.update(fetch, completed=done, description=f"Reading {kind.value} ({done} tasks)")
                else:
                    bar.update(fetch, visible=False)
                    bar.update(apply, completed=done, total=total, visible=True)

            async def work(rt: Runtime, sync: SyncService) -> SyncLog:
                return await sync.run(local_workspace, kind, direction=direction, progress=progress)

            entry = run_with_sync(work)
        out.print(describe(entry, kind))
        if entry.status == "failed":
            raise typer.Exit(code=1)

    command.__doc__ = f"Sync {kind.value.capitalize()} now (once), with a progress bar."
    sync_app.command(kind.value)(command)


for _kind in IntegrationType:
    _sync_command(_kind)


@sync_app.command("conflicts")
def conflicts(
    kind: Annotated[str | None, typer.Argument(help="Only this tracker.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="How many, newest first.")] = 50,
    local_workspace: LocalWorkspace = LOCAL_WORKSPACE,
) -> None:
    """Conflicts the last syncs settled: task, field, both values and which side won."""

    async def work(rt: Runtime, sync: SyncService) -> Table:
        table = Table("when", "tracker", "task", "field", "here", "there", "kept", "policy")
        for c in await sync.conflicts(local_workspace, kind, limit=limit):
            d = c.details
            table.add_row(
                f"{c.at:%Y-%m-%d %H:%M}",
                c.integration.value,
                f"{d.get('task', '')} {d.get('title', '')}".strip(),
                str(d.get("field")),
                str(d.get("local")),
                str(d.get("remote")),
                "here" if d.get("winner") == "local" else "there",
                str(d.get("policy")),
            )
        return table

    table = run_with_sync(work)
    out.print(table if table.row_count else "No conflicts recorded.")
