"""The per-turn read of a workspace's names (``load_vocabulary``) against whole task rows and a list page.

Every free-form turn the parser reads projects, people and the numbers and titles of the newest 2,000 open and
200 closed tasks. This compares, in one run per store and size: ``load_vocabulary`` (narrow ``TaskRepo.names``
reads), the same tasks read as whole rows (``TaskRepo.list``, what it read before), and one 25-task list page.

    .venv/bin/python bench/vocabulary.py [--sizes 1000 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.models import OPEN_STATUSES, Task
from core.store import Store, TaskQuery, TaskSort
from core.understanding.vocabulary import MAX_TITLES, load_vocabulary
from storage.factory import open_store

WS = "bench"


async def _p50(fn: Callable[[], Awaitable[object]], runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        await fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


async def _measure(name: str, url: str, size: int) -> None:
    store: Store = open_store(url)
    await store.open()
    try:
        tasks = [Task(workspace_id=WS, title=f"Task number {i} about thing {i % 97}") for i in range(size)]
        for start in range(0, size, 5000):
            await store.tasks.create_many(tasks[start : start + 5000])
        rows = TaskQuery(statuses=OPEN_STATUSES, sort=TaskSort.updated, descending=True, limit=MAX_TITLES)
        names = await _p50(lambda: load_vocabulary(store, WS, "me"))
        whole = await _p50(lambda: store.tasks.list(WS, rows))
        page = await _p50(lambda: store.tasks.list(WS, TaskQuery(limit=25)))
        print(
            f"{name:7} {size:7,} tasks: load_vocabulary {names:7.1f} ms · whole rows {whole:7.1f} ms "
            f"({whole / names:.1f}× the names) · list page {page:6.1f} ms · "
            f"vocabulary / page {names / page:.1f}×"
        )
    finally:
        await store.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 20000])
    args = parser.parse_args()
    for size in args.sizes:
        folder = tempfile.mkdtemp()
        await _measure("delta", f"{folder}/delta", size)
        await _measure("sqlite", f"sqlite+aiosqlite:///{folder}/bench.db", size)


if __name__ == "__main__":
    asyncio.run(main())
