"""The backends the contract suite runs against. Adding one is adding an entry to ``BACKENDS``.

A backend is named by the URL ``storage.factory.open_store`` understands, built for one test's temporary
folder (or, for a server, a fresh place on it that is removed after the test); the same URL is handed to
worker processes in the multi-process tests.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.postgres import fresh_schema


@dataclass(frozen=True)
class Backend:
    name: str
    url: Callable[[Path], str] | None = None
    # True where "files" in TableInfo are real data files that maintenance compacts (Delta); a SQL backend
    # reports whatever fits its storage and only has to keep the count from growing.
    compacts_files: bool = False
    # For a server: a fresh, empty place on it for one test, yielding its URL and removing it afterwards.
    provision: Callable[[], AbstractAsyncContextManager[str]] | None = None
    # How many tasks a worker of the 2 x 500 concurrency test creates per call (1: one create each).
    create_batch: int = 1

    @asynccontextmanager
    async def location(self, tmp: Path) -> AsyncIterator[str]:
        """The store URL for one test."""
        if self.provision is not None:
            async with self.provision() as url:
                yield url
        else:
            assert self.url is not None, f"backend {self.name} has neither url nor provision"
            yield self.url(tmp)


BACKENDS: list[Backend] = [
    # A Delta commit is ~10 ms and two writers conflict: one create per task makes the 2 x 500 test ~30 s, so
    # it creates in batches of 10 there (test_numbering covers one create each, 2 x 100).
    Backend("delta", lambda tmp: str(tmp / "delta"), compacts_files=True),
    Backend("sqlite", lambda tmp: f"sqlite+aiosqlite:///{tmp}/store.db"),
    Backend("postgres", provision=fresh_schema),
]
