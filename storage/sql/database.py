"""Connections and transactions: every read and write of the SQL store goes through ``Database``.

A write runs in its own transaction and is retried whole when the database reports a lock timeout or a
deadlock; inside ``transaction()`` the repositories share one connection and commit together (no retry:
the caller's block as a whole is the unit). SQLite allows one writer at a time, so this process queues its
writers on a lock rather than letting them spin in SQLite's busy handler.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from tenacity import (
    AsyncRetrying,
    retry_if_exception,
    stop_after_attempt,
    stop_after_delay,
    wait_random_exponential,
)

from core.errors import OrchestratorError
from storage.sql.engine import IMMEDIATE, SqlLocation, create_engine
from storage.sql.errors import DB_ERRORS, is_transient, translate

T = TypeVar("T")
Work = Callable[[AsyncConnection], Awaitable[T]]

_ADVISORY_LOCK = 0x6F726368  # "orch": serialises schema checks and migrations of PostgreSQL replicas


@dataclass
class _Transaction:
    owner: Database
    connection: AsyncConnection
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # one statement at a time on the connection


_current: ContextVar[_Transaction | None] = ContextVar("orchestrator_sql_transaction", default=None)


class Database:
    """One engine and the rules for using it."""

    def __init__(self, location: SqlLocation) -> None:
        self.location = location
        self.dialect = location.dialect
        self.engine = create_engine(location)
        self._writer = asyncio.Lock() if self.dialect == "sqlite" else None

    def _joined(self) -> _Transaction | None:
        tx = _current.get()
        return tx if tx is not None and tx.owner is self else None

    def _writer_lock(self) -> contextlib.AbstractAsyncContextManager[Any]:
        return self._writer if self._writer is not None else contextlib.nullcontext()

    async def read(self, work: Work[T], *, action: str, snapshot: bool = False) -> T:
        """Run ``work`` on a connection in a read transaction.

        ``snapshot``: its statements must see one state of the data (a count and the page it describes).
        SQLite's read transactions always do; PostgreSQL's need REPEATABLE READ for it.
        """
        tx = self._joined()
        try:
            if tx is not None:
                async with tx.lock:
                    return await work(tx.connection)
            async with self.engine.connect() as conn:
                if snapshot and self.dialect == "postgresql":
                    await conn.execution_options(isolation_level="REPEATABLE READ")
                return await work(conn)
        except DB_ERRORS as exc:
            raise translate(exc, action) from exc

    async def write(self, work: Work[T], *, action: str) -> T:
        """Run ``work`` in a write transaction that commits at the end, retrying it on lock timeouts."""
        tx = self._joined()
        try:
            if tx is not None:
                async with tx.lock:
                    return await work(tx.connection)
            retrying = AsyncRetrying(
                retry=retry_if_exception(lambda e: not isinstance(e, OrchestratorError) and is_transient(e)),
                wait=wait_random_exponential(multiplier=0.02, max=1.0),
                stop=stop_after_attempt(20) | stop_after_delay(60),
                reraise=True,
            )
            async for attempt in retrying:
                with attempt:
                    async with self._writer_lock(), self._begin() as conn:
                        return await work(conn)
        except DB_ERRORS as exc:
            raise translate(exc, action) from exc
        raise AssertionError("unreachable: tenacity either returns or raises")  # pragma: no cover

    @contextlib.asynccontextmanager
    async def _begin(self) -> AsyncIterator[AsyncConnection]:
        async with self.engine.connect() as conn:
            await conn.execution_options(**{IMMEDIATE: True})
            async with conn.begin():
                yield conn

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Everything the repositories do inside the block commits together, or not at all."""
        if self._joined() is not None:
            yield  # nested: part of the outer transaction
            return
        try:
            async with self._writer_lock(), self._begin() as conn:
                token = _current.set(_Transaction(self, conn))
                try:
                    yield
                finally:
                    _current.reset(token)
        except DB_ERRORS as exc:
            raise translate(exc, "save the changes") from exc

    async def schema_work(self, work: Callable[[sa.Connection], T], *, action: str) -> T:
        """Run ``work`` (synchronous, e.g. Alembic) in a write transaction that holds the schema lock."""

        async def locked(conn: AsyncConnection) -> T:
            if self.dialect == "postgresql":
                await conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_ADVISORY_LOCK)))
                if self.location.schema:
                    await conn.execute(sa.schema.CreateSchema(self.location.schema, if_not_exists=True))
            return await conn.run_sync(work)

        return await self.write(locked, action=action)

    async def close(self) -> None:
        await self.engine.dispose()
