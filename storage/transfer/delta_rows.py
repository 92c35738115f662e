"""Whole-table reads and appends of a ``DeltaStore``'s tables, straight through deltalake.

Appends keep every column as given (a store ``create`` would renumber tasks and projects); they are meant for
copying into a store nobody else writes to at the time.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

import pyarrow as pa
from deltalake import DeltaTable, write_deltalake

from core.errors import ConfigurationError
from storage.delta import DeltaStore
from storage.delta.convert import to_arrow, to_models
from storage.delta.schema import ALL_SPECS, TableSpec

_SPECS: dict[str, TableSpec[Any]] = {spec.name: spec for spec in ALL_SPECS}


class DeltaRows:
    """``TableRows`` over the tables of one ``DeltaStore``."""

    def __init__(self, store: DeltaStore, storage_options: dict[str, str] | None = None) -> None:
        self._store = store
        self._options = storage_options  # the object-store options the store was opened with

    def _spec(self, table: str) -> TableSpec[Any]:
        try:
            return _SPECS[table]
        except KeyError:
            raise ConfigurationError(f"The Delta store has no table `{table}`.") from None

    def _table(self, table: str) -> DeltaTable:
        return DeltaTable(self._store.table_uri(table), storage_options=self._options)

    async def count_rows(self, table: str) -> int:
        return await asyncio.to_thread(lambda: self._table(table).count())

    async def export_rows(self, table: str, batch: int = 1000) -> AsyncIterator[list[dict[str, Any]]]:
        """Every row, ``batch`` at a time (streamed, never the whole table in memory)."""
        spec = self._spec(table)
        batches = await asyncio.to_thread(self._batches, table, batch)
        while True:
            chunk = await asyncio.to_thread(next, batches, None)
            if chunk is None:
                return
            models = to_models(spec, chunk)
            yield [m.model_dump(exclude=spec.exclude) for m in models]

    def _batches(self, table: str, size: int) -> Iterator[pa.Table]:
        reader = pa.RecordBatchReader.from_stream(self._table(table).scan())
        pending: list[pa.RecordBatch] = []
        held = 0
        for record_batch in reader:
            pending.append(record_batch)
            held += record_batch.num_rows
            while held >= size:
                whole = pa.Table.from_batches(pending)
                yield whole.slice(0, size)
                rest = whole.slice(size)
                pending, held = rest.to_batches(), rest.num_rows
        if held:
            yield pa.Table.from_batches(pending, schema=reader.schema)

    async def import_rows(self, table: str, rows: Sequence[dict[str, Any]]) -> None:
        """Append the rows in one commit, every column as given."""
        if not rows:
            return
        spec = self._spec(table)
        data = to_arrow(spec, [spec.model.model_validate(row) for row in rows])
        uri = self._store.table_uri(table)
        await asyncio.to_thread(
            lambda: write_deltalake(uri, data, mode="append", storage_options=self._options)
        )
