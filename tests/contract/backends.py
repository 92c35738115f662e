"""The backends the contract suite runs against. Adding one is adding an entry to ``BACKENDS``.

A backend is named by the URL ``storage.factory.open_store`` understands, built for one test's temporary
folder; the same URL is handed to worker processes in the multi-process tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Backend:
    name: str
    url: Callable[[Path], str]
    # True where "files" in TableInfo are real data files that maintenance compacts (Delta); a SQL backend
    # reports whatever fits its storage and only has to keep the count from growing.
    compacts_files: bool = False


BACKENDS: list[Backend] = [
    Backend("delta", lambda tmp: str(tmp / "delta"), compacts_files=True),
    # Backend("sqlite", lambda tmp: f"sqlite+aiosqlite:///{tmp}/store.db"),
    # Backend("postgres", lambda tmp: "postgresql+asyncpg://…/<fresh database per test>"),
]
