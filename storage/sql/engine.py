"""SQL storage URLs and the SQLAlchemy async engine for each dialect.

- ``sqlite+aiosqlite:///path/to/file.db``: WAL mode (readers never wait for the writer), a 30 s busy timeout
  for writers of other processes, transactions begun by us (``BEGIN IMMEDIATE`` for writes, so two writers
  queue instead of failing half-way), and a Unicode-aware ``lower()`` like PostgreSQL's and Delta's.
- ``postgresql+asyncpg://user[:password]@host[:port]/database[?schema=name]``: ``schema`` puts the tables in
  their own schema (created on first use), e.g. when the database is shared with other applications.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pydantic_core
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from core.errors import ConfigurationError

SQLITE_DRIVER = "sqlite+aiosqlite"
POSTGRES_DRIVER = "postgresql+asyncpg"
BUSY_TIMEOUT_MS = 30_000
IMMEDIATE = "orchestrator_immediate"  # execution option: this connection's transaction will write


@dataclass(frozen=True)
class SqlLocation:
    """A parsed SQL storage URL."""

    url: sa.URL  # what SQLAlchemy connects to (our own ``schema`` option removed)
    schema: str | None = None  # PostgreSQL only

    @property
    def dialect(self) -> str:
        return self.url.get_backend_name()

    @property
    def sqlite_path(self) -> Path | None:
        return Path(self.url.database) if self.dialect == "sqlite" and self.url.database else None

    def display(self) -> str:
        """The URL without its password, for tables and logs."""
        text = self.url.render_as_string(hide_password=True)
        return f"{text} (schema {self.schema})" if self.schema else text


def parse_sql_url(text: str) -> SqlLocation:
    """Validate a SQL storage URL; anything but the two async drivers is refused with the fix in the hint."""
    try:
        url = sa.make_url(text.strip())
    except sa.exc.ArgumentError as exc:
        raise ConfigurationError(f"`{text}` is not a valid database URL.") from exc
    backend, _, driver = url.drivername.partition("+")
    backend = "postgresql" if backend == "postgres" else backend
    if backend == "sqlite" and driver == "aiosqlite":
        if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
            raise ConfigurationError(
                "SQLite needs a database file.", hint="Use sqlite+aiosqlite:///path/to/orchestrator.db."
            )
        if url.query:
            raise ConfigurationError(f"SQLite URLs take no options here (got {sorted(url.query)}).")
        path = os.path.abspath(os.path.expanduser(url.database))
        return SqlLocation(url.set(database=path))
    if backend == "postgresql" and driver == "asyncpg":
        schema = url.query.get("schema")
        if isinstance(schema, tuple):
            raise ConfigurationError("Give the PostgreSQL `schema` option once.")
        return SqlLocation(url.difference_update_query(["schema"]), schema or None)
    if backend in ("sqlite", "postgresql"):
        wanted = SQLITE_DRIVER if backend == "sqlite" else POSTGRES_DRIVER
        raise ConfigurationError(
            f"`{url.drivername}://` URLs need the async driver this app uses.",
            hint=f"Write the URL as {wanted}://….",
        )
    raise ConfigurationError(
        f"I can't store data in `{url.drivername}` databases.",
        hint="Use sqlite+aiosqlite:///file.db, postgresql+asyncpg://user@host/db or a Delta Lake folder.",
    )


def _json(value: Any) -> str:
    # Same encoding as the Delta tables' JSON columns (datetimes, enums and models included).
    return pydantic_core.to_json(value).decode()


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def create_engine(location: SqlLocation, *, pool_size: int = 5) -> AsyncEngine:
    """An async engine for ``location``; connects lazily."""
    if location.dialect == "sqlite":
        engine = create_async_engine(location.url, json_serializer=_json, pool_size=pool_size)
        _sqlite_setup(engine)
        return engine
    settings = {"application_name": "tasks-orchestrator"}
    if location.schema:
        settings["search_path"] = location.schema
    return create_async_engine(
        location.url,
        json_serializer=_json,
        pool_size=pool_size,
        connect_args={"server_settings": settings},
    )


def _sqlite_setup(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transactions away from the driver so that we choose BEGIN or BEGIN IMMEDIATE below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        # SQLite's own lower() only folds ASCII; text search and name lookups must fold like elsewhere.
        dbapi_connection.create_function("lower", 1, _lower, deterministic=True)

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection: sa.Connection) -> None:
        immediate = connection.get_execution_options().get(IMMEDIATE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
