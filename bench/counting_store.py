"""Counting what a piece of code asks of the store: calls per repository method, and what they cost below.

``CountingStore`` wraps any ``Store``: every awaited repository method is counted and timed by
``"repo.method"`` (so a scheduler tick can be split into its reads and writes). Under it, two engine-level
counters: ``delta_calls`` counts ``DeltaTable.scan`` / ``merge`` / ``update_incremental`` calls in the
process (deltalake's own entry points, patched only while the context is open), and ``sql_statements``
counts the statements an SQLAlchemy engine sends. Bench-only: nothing here is imported by the app.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

REPOS = (
    "workspaces",
    "users",
    "projects",
    "tasks",
    "audit",
    "integrations",
    "conversations",
    "agent_logs",
    "sync_logs",
    "receipts",
    "schedules",
    "deliveries",
)
# Methods that write (the rest only read); claim_due reads and writes and is counted as a write.
WRITES = frozenset(
    {
        "put",
        "add",
        "ensure",
        "create",
        "create_many",
        "update",
        "update_many",
        "delete",
        "claim_due",
        "release",
        "release_many",
        "begin",
        "begin_many",
        "record",
    }
)


class Tally:
    """Calls and seconds per ``repo.method``."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.seconds: dict[str, float] = defaultdict(float)

    def reset(self) -> None:
        self.calls.clear()
        self.seconds.clear()

    @property
    def reads(self) -> int:
        return sum(n for name, n in self.calls.items() if name.split(".")[1] not in WRITES)

    @property
    def writes(self) -> int:
        return sum(n for name, n in self.calls.items() if name.split(".")[1] in WRITES)

    def summary(self) -> str:
        return ", ".join(f"{name} {n}" for name, n in sorted(self.calls.items())) or "none"


class _CountingRepo:
    def __init__(self, repo: Any, name: str, tally: Tally) -> None:
        self._repo = repo
        self._name = name
        self._tally = tally

    def __getattr__(self, method: str) -> Any:
        target = getattr(self._repo, method)
        if not callable(target):
            return target
        key = f"{self._name}.{method}"
        tally = self._tally

        def counted(*args: Any, **kwargs: Any) -> Any:
            result = target(*args, **kwargs)
            if not isinstance(result, Awaitable):
                return result
            tally.calls[key] += 1
            return _timed(result, key, tally)

        return counted


async def _timed(awaitable: Awaitable[Any], key: str, tally: Tally) -> Any:
    start = time.perf_counter()
    try:
        return await awaitable
    finally:
        tally.seconds[key] += time.perf_counter() - start


class CountingStore:
    """A ``Store`` that counts its repositories' calls in ``tally``; everything else passes through."""

    def __init__(self, store: Any) -> None:
        self.inner = store
        self.tally = Tally()
        for name in REPOS:
            setattr(self, name, _CountingRepo(getattr(store, name), name, self.tally))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@contextmanager
def delta_calls() -> Iterator[Counter[str]]:
    """Count deltalake ``scan``, ``merge`` and ``update_incremental`` calls (any table, any thread)."""
    from deltalake import DeltaTable

    counts: Counter[str] = Counter()
    lock = threading.Lock()
    originals = {name: getattr(DeltaTable, name) for name in ("scan", "merge", "update_incremental")}

    def wrap(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def counted(self: DeltaTable, *args: Any, **kwargs: Any) -> Any:
            with lock:
                counts[name] += 1
            return fn(self, *args, **kwargs)

        return counted

    for name, fn in originals.items():
        setattr(DeltaTable, name, wrap(name, fn))
    try:
        yield counts
    finally:
        for name, fn in originals.items():
            setattr(DeltaTable, name, fn)


@contextmanager
def sql_statements(engine: AsyncEngine) -> Iterator[Counter[str]]:
    """Count the statements ``engine`` executes, by their first word (SELECT, UPDATE …)."""
    counts: Counter[str] = Counter()

    def seen(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        counts[statement.lstrip().split(None, 1)[0].upper() if statement.strip() else "?"] += 1

    target = engine.sync_engine
    event.listen(target, "before_cursor_execute", seen)
    try:
        yield counts
    finally:
        event.remove(target, "before_cursor_execute", seen)
