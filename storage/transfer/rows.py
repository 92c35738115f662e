"""Whole-table access to a store, whatever its backend: what a copy reads from and writes to."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any, Protocol

from core.errors import ConfigurationError
from core.store import Store

# Every table that holds data, in an order that keeps references readable mid-copy. The names are the same
# in every backend (Delta tables, SQL tables).
TABLES: tuple[str, ...] = (
    "workspaces",
    "users",
    "projects",
    "tasks",
    "integrations",
    "conversations",
    "audit_events",
    "agent_logs",
    "sync_logs",
    "receipts",
    "schedules",
    "deliveries",
)


class TableRows(Protocol):
    """Rows are dicts of the persisted fields' Python values (enums may come as enums or as values)."""

    async def count_rows(self, table: str) -> int: ...

    def export_rows(self, table: str, batch: int = 1000) -> AsyncIterator[list[dict[str, Any]]]: ...

    async def import_rows(self, table: str, rows: Sequence[dict[str, Any]]) -> None:
        """Insert rows as they are: ids, numbers and timestamps kept."""
        ...


def rows_of(store: Store, storage_options: dict[str, str] | None = None) -> TableRows:
    """The whole-table access of ``store`` (``storage_options``: a Delta store's object-store options)."""
    from storage.sql import SqlStore

    if isinstance(store, SqlStore):
        return store
    from storage.delta import DeltaStore

    if isinstance(store, DeltaStore):
        from storage.transfer.delta_rows import DeltaRows

        return DeltaRows(store, storage_options)
    raise ConfigurationError(f"I don't know how to copy a {type(store).__name__}.")
