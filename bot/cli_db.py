"""`orchestrator db upgrade`, `copy`, `maintain`: schema migrations, moving data between backends, upkeep."""

from __future__ import annotations

import asyncio
import os
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from bot.cli_config import load_settings
from bot.cli_output import fail, out, run
from bot.wiring import configure_logging
from core.errors import ConfigurationError
from core.settings import Settings
from core.store import MaintenanceReport, Store
from storage.factory import open_store


def db_upgrade(
    url: Annotated[
        str | None, typer.Option("--url", help="Store to upgrade (default: ORCHESTRATOR_STORAGE_URL).")
    ] = None,
) -> None:
    """Bring the store's schema up to date (SQL: apply the Alembic migrations it is missing)."""
    settings = Settings()
    target = url or settings.storage.url

    async def main() -> str:
        from storage.sql import SqlStore

        store = open_store(target, storage_options=settings.storage.options or None)
        try:
            if not isinstance(store, SqlStore):
                await store.open()  # Delta tables gain missing columns when they are opened
                return "The Delta tables are up to date (they are upgraded whenever they are opened)."
            state = await store.upgrade()
        finally:
            await store.close()
        where = store.location.display()
        if state.before == state.after:
            return f"{where}: the schema is up to date (revision {state.after})."
        return f"{where}: schema upgraded from revision {state.before or 'none'} to {state.after}."

    out.print(run(main()))


async def _open_source(url: str, options: dict[str, str] | None) -> Store:
    """Open the store to copy from, refusing one that doesn't exist (opening would create it empty)."""
    from storage.delta import DeltaStore
    from storage.sql import SqlStore

    store = open_store(url, storage_options=options)
    if isinstance(store, SqlStore):
        path = store.location.sqlite_path
        if path is not None and not path.exists():
            raise ConfigurationError(f"There is no SQLite database at {path} to copy from.")
    elif isinstance(store, DeltaStore):
        from deltalake import DeltaTable

        uri = store.table_uri("tasks")
        if not await asyncio.to_thread(DeltaTable.is_deltatable, uri, options):
            raise ConfigurationError(f"There are no Delta tables at {store.root} to copy from.")
    await store.open()
    return store


def _same_place(a: str, b: str) -> bool:
    norm = [os.path.abspath(os.path.expanduser(u.strip())) if "://" not in u else u.strip() for u in (a, b)]
    return norm[0] == norm[1]


def db_copy(
    source_url: Annotated[str, typer.Option("--from", help="Store to copy from (any storage URL).")],
    target_url: Annotated[str, typer.Option("--to", help="Empty store to copy into (any storage URL).")],
    batch: Annotated[int, typer.Option(min=1, help="Rows per read and per write.")] = 1000,
) -> None:
    """Copy every row from one store to another (Delta ↔ SQLite ↔ PostgreSQL) and verify the counts."""
    from storage.delta import DeltaStore
    from storage.transfer import copy_store
    from storage.transfer.rows import rows_of

    settings = Settings()
    options = settings.storage.options or None
    if _same_place(source_url, target_url):
        fail(ConfigurationError("--from and --to name the same store."))

    async def main() -> None:
        source = await _open_source(source_url, options)
        try:
            target = open_store(target_url, storage_options=options, auto_maintain_files=0)
            await target.open()
            try:
                with Progress(
                    TextColumn("{task.description:<14}"),
                    BarColumn(),
                    MofNCompleteColumn(),
                    TimeElapsedColumn(),
                    console=out,
                ) as progress:
                    bars: list[TaskID] = []

                    def started(counts: dict[str, int]) -> None:
                        bars.append(progress.add_task("copying", total=sum(counts.values())))

                    def copied(table: str, rows: int) -> None:
                        progress.update(bars[0], advance=rows, description=table)

                    report = await copy_store(
                        rows_of(source, options),
                        rows_of(target, options),
                        batch=batch,
                        on_start=started,
                        on_rows=copied,
                    )
                    progress.update(bars[0], description="done")
                if isinstance(target, DeltaStore):
                    await target.maintain(force=True)  # one commit per batch: compact them
            finally:
                await target.close()
        finally:
            await source.close()
        table = Table("table", "source rows", "copied rows", "check")
        for name, count in report.source.items():
            copied_rows = report.target.get(name, 0)
            table.add_row(name, str(count), str(copied_rows), "ok" if copied_rows == count else "MISMATCH")
        out.print(table)
        out.print(f"Copied {report.total} rows in {report.seconds:.1f} s; every table's count matches.")

    run(main())


# sysexits' EX_TEMPFAIL: nothing failed, but part of the work is left for a later run.
EXIT_SKIPPED = 75


def _maintenance_table(reports: list[MaintenanceReport]) -> Table:
    table = Table("table", "files before", "files after", "compacted", "checkpoint", "vacuumed", "seconds")
    for r in reports:
        table.add_row(
            r.table,
            str(r.files_before),
            str(r.files_after),
            "yes" if r.compacted else "no",
            "yes" if r.checkpointed else "no",
            str(r.vacuumed_files),
            f"{r.seconds:.2f}",
        )
    return table


def _skipped_line(r: MaintenanceReport) -> str:
    until = f" until {r.lease_expires_at:%Y-%m-%d %H:%M:%S} UTC" if r.lease_expires_at else ""
    return (
        f"Skipped {r.table}: {r.skipped_by} is maintaining it (its lease runs{until}, renewed while it "
        "works). Run again once it has finished."
    )


# Paragraphs as single lines: the help renderer keeps a docstring's line breaks.
_MAINTAIN_HELP = "\n\n".join(
    [
        "Compact small files, write a checkpoint and vacuum old files.",
        "One process maintains a table at a time. A table that another running process is maintaining is "
        "skipped and named, with that process and the time its lease runs out. The lease of a run that "
        "crashed is taken over: at once on the same machine, within 30 s from another one.",
        f"Exit codes: 0 when every table was maintained (or needed nothing); {EXIT_SKIPPED} when a table was "
        "skipped because another process is maintaining it (run again later); 2 on an error.",
    ]
)


def db_maintain(
    force: Annotated[
        bool, typer.Option(help="Maintain every table, not only those past the threshold.")
    ] = True,
) -> None:
    """Compact small files, write a checkpoint and vacuum old files (the help text is ``_MAINTAIN_HELP``)."""
    settings = load_settings()
    configure_logging(settings)

    async def main() -> list[MaintenanceReport]:
        store = open_store(
            settings.storage.url,
            storage_options=settings.storage.options or None,
            auto_maintain_files=settings.storage.auto_maintain_files,
        )
        await store.open()
        try:
            return await store.maintain(force=force)
        finally:
            await store.close()

    reports = run(main())
    done = [r for r in reports if r.skipped_by is None]
    skipped = [r for r in reports if r.skipped_by is not None]
    out.print(_maintenance_table(done))
    for r in skipped:
        out.print(_skipped_line(r), style="yellow", markup=False)
    if skipped:
        raise typer.Exit(code=EXIT_SKIPPED)


def register(db_app: typer.Typer) -> None:
    """Add `upgrade`, `copy` and `maintain` to the `db` sub-app."""
    db_app.command("upgrade")(db_upgrade)
    db_app.command("copy")(db_copy)
    db_app.command("maintain", help=_MAINTAIN_HELP)(db_maintain)
