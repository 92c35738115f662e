"""Copy every row of one store into another, empty one, and check the counts at the end.

Rows move table by table in batches, as they are (ids, short numbers, timestamps), so ``T-42`` is still
``T-42`` on the other side. The target must be empty: a copy never merges into existing data. Stop the bot
while copying, or rows written meanwhile may be missed (the count check then says so).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from core.errors import ConfigurationError, StorageError
from storage.transfer.rows import TABLES, TableRows

OnStart = Callable[[dict[str, int]], None]  # rows per table about to be copied
OnRows = Callable[[str, int], None]  # a table and how many more of its rows were just copied


@dataclass(frozen=True)
class CopyReport:
    source: dict[str, int]  # rows per table in the source
    target: dict[str, int]  # rows per table in the target, counted after the copy
    seconds: float

    @property
    def total(self) -> int:
        return sum(self.source.values())

    @property
    def mismatches(self) -> dict[str, tuple[int, int]]:
        return {t: (n, self.target.get(t, 0)) for t, n in self.source.items() if self.target.get(t, 0) != n}


async def _counts(rows: TableRows, tables: tuple[str, ...]) -> dict[str, int]:
    return {table: await rows.count_rows(table) for table in tables}


async def copy_store(
    source: TableRows,
    target: TableRows,
    *,
    batch: int = 1000,
    on_start: OnStart | None = None,
    on_rows: OnRows | None = None,
    tables: tuple[str, ...] = TABLES,
) -> CopyReport:
    """Copy ``tables`` from ``source`` into the empty ``target``; raises ``StorageError`` if counts differ."""
    started = time.perf_counter()
    occupied = {t: n for t, n in (await _counts(target, tables)).items() if n}
    if occupied:
        listed = ", ".join(f"{t}: {n}" for t, n in occupied.items())
        raise ConfigurationError(
            f"The target store already holds data ({listed}), so I won't copy into it.",
            hint="Copy into an empty database or folder.",
        )
    expected = await _counts(source, tables)
    if on_start is not None:
        on_start(expected)
    for table in tables:
        async for rows in source.export_rows(table, batch):
            await target.import_rows(table, rows)
            if on_rows is not None:
                on_rows(table, len(rows))
    report = CopyReport(expected, await _counts(target, tables), round(time.perf_counter() - started, 3))
    if report.mismatches:
        listed = ", ".join(f"{t}: {a} in the source, {b} copied" for t, (a, b) in report.mismatches.items())
        raise StorageError(
            f"The copy is incomplete ({listed}).",
            hint="Stop the bot while copying (it may have written meanwhile), empty the target, try again.",
        )
    return report
