"""Store benchmark: Delta store operations against raw deltalake calls measured in the same run, then the
same store operations on SQLite and PostgreSQL, side by side.

    .venv/bin/python bench/store.py [--tasks 100000] [--projects 1000] [--repeat 50]
                                    [--postgres postgresql+asyncpg://postgres@127.0.0.1:5432/test]

Audited writes (a create or an update with its audit event, as the services make them: one atomic unit, see
docs/audit.md) are timed on every backend next to the plain ones.

Prints medians and p95 in milliseconds, the ratio of each store operation to its raw baseline, and whether
the targets hold: a store create costs at most 2x a raw one-row append; listing the open tasks of one project
with 100,000 tasks in the store takes at most 50 ms (median). Numbers, not assertions: see docs/benchmarks.md.
PostgreSQL runs in a schema of its own, dropped at the end; it is skipped (and says why) if unreachable.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import deltalake
import pyarrow as pa
from deltalake import DeltaTable, write_deltalake

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.timing import stats, timed
from core.models import OPEN_STATUSES, AuditAction, Priority, Task, TaskStatus
from core.services.audit import AuditTrail
from core.store import Store, TaskQuery
from storage.delta import DeltaStore
from storage.delta.convert import to_arrow
from storage.delta.predicates import and_, eq, is_in
from storage.delta.schema import TABLE_PROPERTIES, TASKS

WS = "bench"
OPEN = frozenset(OPEN_STATUSES)
Samples = dict[str, list[float]]  # store operation -> seconds per call, for the side-by-side table


def row(label: str, store: list[float], raw: list[float] | None = None) -> float:
    med, p95 = stats(store)
    line = f"  {label:<44} median {med:8.2f} ms   p95 {p95:8.2f} ms"
    if raw is not None:
        raw_med, raw_p95 = stats(raw)
        line += f"   | raw median {raw_med:7.2f} ms  p95 {raw_p95:7.2f} ms   ratio {med / raw_med:5.2f}x"
    print(line, flush=True)
    return med


def timed_sync(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def sample_task(i: int, projects: int, rnd: random.Random) -> Task:
    return Task(
        workspace_id=WS,
        title=f"Task {i} {rnd.choice(['write', 'review', 'ship', 'plan'])}",
        description="x" * rnd.randrange(0, 80),
        project_id=f"p{i % projects:04d}",
        status=rnd.choice(list(TaskStatus)),
        priority=rnd.choice(list(Priority)),
        due_date=date(2030, 1, 1) + timedelta(days=rnd.randrange(365)) if rnd.random() < 0.7 else None,
        assignee_id=f"u{rnd.randrange(40)}" if rnd.random() < 0.8 else None,
        tags=rnd.sample(["web", "ops", "q3", "bug", "docs"], k=rnd.randrange(3)),
    )


async def audited_writes(store: Store, repeat: int) -> Samples:
    """A create and an update, each written with its audit event (what every service command does)."""
    trail = AuditTrail()
    creates: list[float] = []
    updates: list[float] = []
    for i in range(repeat):
        made: list[Task] = []

        async def create(i: int = i, made: list[Task] = made) -> None:
            task = Task(workspace_id=WS, title=f"audited {i}")
            made.append(await store.tasks.create(task, audit=trail.recorder(None, AuditAction.create)))

        creates.append(await timed(create))

        async def update(task_id: str = made[0].id, i: int = i) -> None:
            record = trail.recorder(None, AuditAction.update)
            await store.tasks.update(WS, task_id, {"title": f"renamed {i}"}, audit=record)

        updates.append(await timed(update))
    return {"audited create": creates, "audited update": updates}


async def small_ops(root: Path, repeat: int, record: Samples) -> tuple[float, float]:
    """create / get / list of one workspace on fresh tables, interleaved with their raw baselines."""
    store = DeltaStore(str(root / "small"))
    await store.open()
    raw_uri = str(root / "raw_tasks")
    raw_dt = DeltaTable.create(raw_uri, TASKS.schema, configuration=TABLE_PROPERTIES)
    creates: list[float] = []
    appends: list[float] = []
    ids: list[str] = []
    for i in range(repeat):
        one_row = to_arrow(TASKS, [Task(workspace_id=WS, title=f"raw {i}", number=i + 1)])
        appends.append(timed_sync(lambda data=one_row: write_deltalake(raw_dt, data, mode="append")))  # type: ignore[misc]
        made: list[Task] = []

        async def create(i: int = i, made: list[Task] = made) -> None:
            made.append(await store.tasks.create(Task(workspace_id=WS, title=f"store {i}")))

        creates.append(await timed(create))
        ids.append(made[0].id)
    print(f"\nSingle-row operations ({repeat} each, fresh tables, interleaved with the raw baseline)")
    create_median = row("store tasks.create  vs raw write_deltalake append", creates, appends)
    raw_create_median = stats(appends)[0]

    dt = DeltaTable(store.table_uri("tasks"))
    gets: list[float] = []
    scans: list[float] = []
    for task_id in random.Random(1).sample(ids, len(ids)):
        predicate = and_(eq("workspace_id", WS), eq("id", task_id))
        scans.append(timed_sync(lambda p=predicate: pa.table(dt.scan(predicate=p))))  # type: ignore[misc]
        gets.append(await timed(lambda t=task_id: store.tasks.get(WS, t)))  # type: ignore[misc]
    row("store tasks.get     vs raw dt.scan(predicate)", gets, scans)

    lists: list[float] = []
    raw_lists: list[float] = []
    predicate = and_(eq("workspace_id", WS), "deleted_at IS NULL")
    for _ in range(repeat):
        raw_lists.append(timed_sync(lambda: pa.table(dt.scan(predicate=predicate))))
        lists.append(await timed(lambda: store.tasks.list(WS, TaskQuery())))
    row(f"store tasks.list (1 workspace, {repeat} tasks) vs raw scan", lists, raw_lists)
    audited = await audited_writes(store, repeat)
    row("store tasks.create + its audit event", audited["audited create"])
    row("store tasks.update + its audit event", audited["audited update"])
    await store.close()
    record.update({"create": creates, "get": gets, "list": lists, **audited})
    return create_median, raw_create_median


async def large_list(root: Path, total: int, projects: int, repeat: int, record: Samples) -> float:
    """Open tasks of one project with ``total`` tasks in the store."""
    store = DeltaStore(str(root / "large"), auto_maintain_files=0)
    await store.open()
    rnd = random.Random(7)
    started = time.perf_counter()
    batch = 10_000
    for first in range(0, total, batch):
        await store.tasks.create_many(
            [sample_task(i, projects, rnd) for i in range(first, min(total, first + batch))]
        )
    built = time.perf_counter() - started
    started = time.perf_counter()
    reports = {r.table: r for r in await store.maintain(force=True)}
    maintained = time.perf_counter() - started
    tasks_report = reports["tasks"]
    print(
        f"\nLarge table: {total:,} tasks in {projects:,} projects, built with create_many in {built:.1f} s; "
        f"maintain(force=True) {maintained:.1f} s, tasks files {tasks_report.files_before} -> "
        f"{tasks_report.files_after}"
    )
    dt = DeltaTable(store.table_uri("tasks"))
    picks = [f"p{rnd.randrange(projects):04d}" for _ in range(repeat)]
    lists: list[float] = []
    raw: list[float] = []
    sizes: list[int] = []
    for project_id in picks:
        predicate = and_(
            eq("workspace_id", WS),
            eq("project_id", project_id),
            is_in("status", [s.value for s in OPEN]),
            "deleted_at IS NULL",
        )
        raw.append(timed_sync(lambda p=predicate: pa.table(dt.scan(predicate=p))))  # type: ignore[misc]
        query = TaskQuery(project_id=project_id, statuses=OPEN, limit=200)
        pages: list[int] = []

        async def listing(q: TaskQuery = query, pages: list[int] = pages) -> None:
            pages.append((await store.tasks.list(WS, q)).total)

        lists.append(await timed(listing))
        sizes.append(pages[0])
    print(f"  (~{statistics.mean(sizes):.0f} open tasks per project, returned as models)")
    median = row("store list open tasks of one project vs raw scan", lists, raw)

    whole: list[float] = []
    for _ in range(max(5, repeat // 5)):
        whole.append(await timed(lambda: store.tasks.list(WS, TaskQuery(statuses=OPEN))))
    row(f"store list first page of open tasks ({total:,}-task workspace)", whole)
    counts: list[float] = []
    for _ in range(max(5, repeat // 5)):
        counts.append(await timed(lambda: store.tasks.counts_by_project(WS, date(2030, 6, 1))))
    row(f"store counts_by_project ({projects:,} projects)", counts)
    await store.close()
    record.update({"build": [built], "project": lists, "first page": whole, "counts": counts})
    return median


async def store_samples(small: Store, large: Store, total: int, projects: int, repeat: int) -> Samples:
    """The store operations small_ops and large_list time, on any backend (no raw baseline)."""
    await small.open()
    creates: list[float] = []
    ids: list[str] = []
    for i in range(repeat):
        made: list[Task] = []

        async def create(i: int = i, made: list[Task] = made) -> None:
            made.append(await small.tasks.create(Task(workspace_id=WS, title=f"store {i}")))

        creates.append(await timed(create))
        ids.append(made[0].id)
    gets = [
        await timed(lambda t=task_id: small.tasks.get(WS, t))  # type: ignore[misc]
        for task_id in random.Random(1).sample(ids, len(ids))
    ]
    lists = [await timed(lambda: small.tasks.list(WS, TaskQuery())) for _ in range(repeat)]
    audited = await audited_writes(small, repeat)
    await small.close()

    await large.open()
    rnd = random.Random(7)
    started = time.perf_counter()
    for first in range(0, total, 10_000):
        await large.tasks.create_many(
            [sample_task(i, projects, rnd) for i in range(first, min(total, first + 10_000))]
        )
    built = time.perf_counter() - started
    await large.maintain(force=True)
    picks = [f"p{rnd.randrange(projects):04d}" for _ in range(repeat)]
    by_project = [
        await timed(lambda p=p: large.tasks.list(WS, TaskQuery(project_id=p, statuses=OPEN, limit=200)))  # type: ignore[misc]
        for p in picks
    ]
    rounds = max(5, repeat // 5)
    whole = [await timed(lambda: large.tasks.list(WS, TaskQuery(statuses=OPEN))) for _ in range(rounds)]
    counts = [await timed(lambda: large.tasks.counts_by_project(WS, date(2030, 6, 1))) for _ in range(rounds)]
    await large.close()
    return {
        "create": creates,
        "get": gets,
        "list": lists,
        "build": [built],
        "project": by_project,
        "first page": whole,
        "counts": counts,
        **audited,
    }


async def sql_backends(root: Path, postgres: str, args: argparse.Namespace) -> dict[str, Samples | str]:
    """SQLite (files under ``root``) and PostgreSQL (two schemas of their own, dropped at the end)."""
    import sqlalchemy
    from sqlalchemy import text

    from storage.sql import SqlStore

    out: dict[str, Samples | str] = {}
    dims = (args.tasks, args.projects, args.repeat)
    sqlite = [SqlStore(f"sqlite+aiosqlite:///{root}/{name}.db") for name in ("small", "large")]
    out["sqlite"] = await store_samples(sqlite[0], sqlite[1], *dims)
    tag = f"bench_{os.getpid()}"
    pg = [SqlStore(f"{postgres}?schema={tag}_{name}") for name in ("small", "large")]
    try:
        out["postgres"] = await store_samples(pg[0], pg[1], *dims)
    except Exception as exc:  # a benchmark reports a missing server rather than failing the whole run
        out["postgres"] = f"skipped: {exc}"
    finally:
        try:
            async with pg[0].db.engine.begin() as conn:
                for name in ("small", "large"):
                    await conn.execute(text(f'DROP SCHEMA IF EXISTS "{tag}_{name}" CASCADE'))
                version = (await conn.execute(text("SHOW server_version"))).scalar()
            print(f"\nSQL: SQLAlchemy {sqlalchemy.__version__}, PostgreSQL {version}", end="")
        except Exception:
            print(f"\nSQL: SQLAlchemy {sqlalchemy.__version__}", end="")
        finally:
            await pg[0].close()
    import sqlite3

    print(f", SQLite {sqlite3.sqlite_version}")
    return out


SIDE_BY_SIDE = [
    ("create", "tasks.create (one task, fresh store)"),
    ("audited create", "tasks.create + its audit event"),
    ("audited update", "tasks.update + its audit event"),
    ("get", "tasks.get"),
    ("list", "tasks.list, 1 workspace of `repeat` tasks"),
    ("project", "open tasks of one project, big store"),
    ("first page", "first page of open tasks, big store"),
    ("counts", "counts_by_project, big store"),
]


def side_by_side(results: dict[str, Samples | str], total: int) -> None:
    names = list(results)
    print(f"\nSide by side: the same store operations, median / p95 ms (big store: {total:,} tasks)")
    print(f"  {'operation':<42}" + "".join(f"{n:>22}" for n in names))
    for key, label in SIDE_BY_SIDE:
        cells = []
        for name in names:
            samples = results[name]
            if isinstance(samples, str):
                cells.append(f"{'—':>22}")
                continue
            med, p95 = stats(samples[key])
            cells.append(f"{med:>11.2f} / {p95:>7.2f}")
        print(f"  {label:<42}" + "".join(cells))
    built = [
        f"{results[n]['build'][0]:>20.1f} s" if not isinstance(results[n], str) else f"{'—':>22}"  # type: ignore[index]
        for n in names
    ]
    print(f"  {'build the big store (create_many x 10,000)':<42}" + "".join(built))
    for name in names:
        if isinstance(results[name], str):
            print(f"  {name}: {results[name]}")


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--projects", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--postgres", default="postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"{os.cpu_count()} cores, load average {load}; Python {platform.python_version()}, "
        f"deltalake {deltalake.__version__}, pyarrow {pa.__version__}"
    )
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        root = Path(tmp)
        delta: Samples = {}
        create_median, raw_median = await small_ops(root, args.repeat, delta)
        list_median = await large_list(root, args.tasks, args.projects, args.repeat, delta)
        results: dict[str, Samples | str] = {"delta": delta, **await sql_backends(root, args.postgres, args)}
    side_by_side(results, args.tasks)
    print("\nTargets")
    ratio = create_median / raw_median
    met = {True: "MET", False: "MISSED"}
    print(f"  create <= 2x raw append:               {ratio:.2f}x  {met[ratio <= 2]}")
    print(f"  list open tasks of a project <= 50 ms: {list_median:.1f} ms  {met[list_median <= 50]}")


if __name__ == "__main__":
    asyncio.run(main())
