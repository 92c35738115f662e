"""Search benchmark: ``TaskRepo.search`` on 100,000 tasks of one workspace, on Delta, SQLite and PostgreSQL,
next to a baseline measured in the same run on the same data.

    .venv/bin/python bench/search.py [--tasks 100000] [--repeat 10] [--backends delta,sqlite,postgres]
                                     [--postgres postgresql+asyncpg://postgres@127.0.0.1:5432/test]
                                     [--history 100000]

Baseline: the store's literal text filter, ``tasks.list(TaskQuery(text=…))`` (a case-insensitive substring of
title or description, no typo tolerance, no index: a scan of the workspace), with the same text on the same
backend; on Delta also a raw ``DeltaTable.scan`` of the title and description columns (what any search there
must at least read). The tasks have a vocabulary of some 3,000 words (a few common ones, many rare ones, and a
number in each title); queries: a rare word and a typo of it, a common word and a typo of it, two common
words, a two-word typo, and a word in no task (the report says how many tasks each finds: every match is
ranked, so common words cost the most). Prints median and p95 in
milliseconds and the ratio of each search to its baseline. Numbers, not assertions: see docs/benchmarks.md.
PostgreSQL runs in a schema of its own, dropped at the end; it is skipped (and says why) if unreachable.

``--history N`` also times ``audit.list`` by entity, several entities, actor and time range over N events of
one workspace (a month of them), next to reading every event.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.timing import stats, timed
from core.models import AuditAction, AuditEvent, EntityType, Surface, Task, TaskStatus
from core.store import Store, TaskQuery
from storage.factory import open_store

WS = "bench"
VERBS = "send review draft book plan fix update call prepare renew order print clean check ship write".split()
NOUNS = (
    "invoices contract budget slides report parcel flyers insurance website newsletter pricing roadmap "
    "onboarding payroll backlog release survey catalogue brochure meeting agenda forecast audit inventory "
    "schedule proposal handbook banner podcast webinar"
).split()
FILLER = (
    "the a for with about before after client team customer quarterly monthly weekly draft final new old "
    "north south office remote vendor partner legal finance marketing sales support design product "
    "receive confirm share follow up on by next week today friday monday urgent soon later"
).split()
TAGS = ["web", "ops", "q3", "finance", "legal", "marketing", "bug", "docs"]


def rare_words(count: int, rnd: random.Random) -> list[str]:
    """Made-up words, as names, products and jargon are: most of a real vocabulary is rare."""
    syllables = "ka lo mi ren tas vel dor pin sa gu fe tro nal bi zu cor ple vin mar ost".split()
    return sorted({"".join(rnd.choice(syllables) for _ in range(rnd.randint(2, 4))) for _ in range(count)})


RARE = rare_words(3000, random.Random(99))
_RARE_WORD = next(w for w in RARE[100:] if len(w) >= 7)
_RARE_TYPO = _RARE_WORD[:2] + _RARE_WORD[3] + _RARE_WORD[2] + _RARE_WORD[4:]  # two letters swapped

# (label, query); the report says how many tasks each finds.
QUERIES = [
    ("rare word", _RARE_WORD),
    ("rare word, typo", _RARE_TYPO),
    ("common word", "invoices"),
    ("common word, typo", "invocies"),
    ("two common words", "quarterly report"),
    ("two-word typo", "recieve parcel"),
    ("no match", "xylophone"),
]


def sample_task(i: int, rnd: random.Random) -> Task:
    def noun() -> str:
        return rnd.choice(NOUNS) if rnd.random() < 0.3 else rnd.choice(RARE)

    title = f"{rnd.choice(VERBS).capitalize()} {' '.join(noun() for _ in range(rnd.randint(1, 2)))}"
    description = " ".join(
        rnd.choice(FILLER) if rnd.random() < 0.7 else noun() for _ in range(rnd.randrange(0, 25))
    )
    return Task(
        workspace_id=WS,
        title=f"{title} {i}",
        description=description,
        status=rnd.choice(list(TaskStatus)),
        tags=rnd.sample(TAGS, k=rnd.randrange(3)),
    )


async def build(store: Store, total: int) -> float:
    rnd = random.Random(7)
    started = time.perf_counter()
    for first in range(0, total, 10_000):
        batch = [sample_task(i, rnd) for i in range(first, min(total, first + 10_000))]
        await store.tasks.create_many(batch)
    return time.perf_counter() - started


def delta_raw_scan(store: Any) -> Callable[[], Awaitable[object]]:
    """A raw scan of the workspace's title and description (no matching at all)."""
    from deltalake import DeltaTable

    from storage.delta.predicates import and_, eq

    dt = DeltaTable(store.table_uri("tasks"))
    predicate = and_(eq("workspace_id", WS), "deleted_at IS NULL")

    async def scan() -> object:
        return await asyncio.to_thread(
            lambda: pa.table(dt.scan(columns=["title", "description"], predicate=predicate)).num_rows
        )

    return scan


async def measure(name: str, url: str, total: int, repeat: int) -> dict[str, Any]:
    store = open_store(url)
    await store.open()
    try:
        built = await build(store, total)
        await store.maintain(force=True)
        out: dict[str, Any] = {"build": built}
        for label, query in QUERIES:
            literal = TaskQuery(text=query)
            await store.tasks.search(WS, query)  # warm
            await store.tasks.list(WS, literal)
            searches: list[float] = []
            baselines: list[float] = []
            for _ in range(repeat):
                searches.append(await timed(lambda q=query: store.tasks.search(WS, q)))  # type: ignore[misc]
                baselines.append(await timed(lambda q=literal: store.tasks.list(WS, q)))  # type: ignore[misc]
            found = await store.tasks.search(WS, query, limit=1_000_000)
            top = found[0].title if found else "-"
            out[label] = (searches, baselines, f"{len(found):,} found, top: {top}")
        if name == "delta":
            scan = delta_raw_scan(store)
            out["raw scan"] = [await timed(scan) for _ in range(repeat)]
        return out
    finally:
        await store.close()


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument(
        "--history",
        type=int,
        default=0,
        metavar="N",
        help="also time audit reads over N events (e.g. 100000)",
    )
    parser.add_argument("--backends", default="delta,sqlite,postgres")
    parser.add_argument("--postgres", default="postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    print(f"{args.tasks:,} tasks in one workspace, {args.repeat} timed runs per query\n")
    results: dict[str, dict[str, Any] | str] = {}
    schema = f"bench_search_{os.getpid()}"
    with tempfile.TemporaryDirectory() as tmp:
        urls = {
            "delta": str(Path(tmp) / "delta"),
            "sqlite": f"sqlite+aiosqlite:///{tmp}/search.db",
            "postgres": f"{args.postgres}?schema={schema}",
        }
        for name in args.backends.split(",") if args.tasks else []:  # --tasks 0: history only
            try:
                results[name] = await measure(name, urls[name], args.tasks, args.repeat)
            except Exception as exc:  # a benchmark reports a missing server rather than failing the run
                results[name] = f"skipped: {exc!r}"
            print(f"  {name} done", flush=True)
        if args.history:
            for name in args.backends.split(","):
                url = urls[name] + "_history" if name != "postgres" else f"{args.postgres}?schema={schema}_h"
                try:
                    results[f"{name} history"] = await history(url, args.history, args.repeat)
                except Exception as exc:
                    results[f"{name} history"] = f"skipped: {exc!r}"
    if "postgres" in args.backends:
        await drop_schema(args.postgres, schema)
        await drop_schema(args.postgres, f"{schema}_h")
    report(results)


HISTORY_SPACING = timedelta(seconds=26)  # 100,000 events span a month


async def history(url: str, events: int, repeat: int) -> dict[str, Any]:
    """``audit.list`` by entity, entities, actor and time over ``events`` events of one workspace."""
    store = open_store(url)
    await store.open()
    try:
        rnd = random.Random(3)
        start = datetime(2030, 1, 1, tzinfo=UTC)
        for first in range(0, events, 10_000):
            await store.audit.add_many(
                [
                    AuditEvent(
                        workspace_id=WS,
                        actor_id=f"u{rnd.randrange(20)}",
                        surface=Surface.command,
                        action=AuditAction.update,
                        entity_type=EntityType.task,
                        entity_id=f"t{rnd.randrange(5000)}",
                        entity_ref="T-1",
                        before={"title": "Draft the quarterly report"},
                        after={"title": "Draft the quarterly report v2"},
                        created_at=start + i * HISTORY_SPACING,
                    )
                    for i in range(first, min(events, first + 10_000))
                ]
            )
        await store.maintain(force=True)
        end = start + events * HISTORY_SPACING
        queries: dict[str, dict[str, Any]] = {
            "newest 50": {},
            "one task": {"entity_id": "t42"},
            "five tasks": {"entity_ids": [f"t{i}" for i in range(5)]},
            "one person, last 7 days": {"actor_id": "u3", "since": end - timedelta(days=7)},
            "everything in the last day": {"since": end - timedelta(days=1)},
            "one task, a day a week ago": {
                "entity_id": "t42",
                "since": end - timedelta(days=8),
                "until": end - timedelta(days=7),
            },
        }
        out: dict[str, Any] = {}
        for label, options in queries.items():
            await store.audit.list(WS, **options)
            out[label] = [await timed(lambda o=options: store.audit.list(WS, **o)) for _ in range(repeat)]  # type: ignore[misc]
        out["every event (reference)"] = [
            await timed(lambda: store.audit.list(WS, limit=events + 1)) for _ in range(2)
        ]
        return out
    finally:
        await store.close()


async def drop_schema(url: str, schema: str) -> None:
    import sqlalchemy as sa
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    except Exception as exc:
        print(f"(could not drop schema {schema}: {exc!r})")
    finally:
        await engine.dispose()


def report(results: dict[str, dict[str, Any] | str]) -> None:
    searches = {k: v for k, v in results.items() if not k.endswith(" history")}
    if searches:
        report_searches(searches)
    histories = {k: v for k, v in results.items() if k.endswith(" history")}
    if histories:
        print("\naudit.list over the history of one workspace (50 newest matches), ms")
        for name, result in histories.items():
            if isinstance(result, str):
                print(f"{name:<17} {result}")
                continue
            for label, samples in result.items():
                p50, p95 = stats(samples)
                print(f"{name:<17} {label:<30} p50 {p50:8.1f}  p95 {p95:8.1f}")


def report_searches(results: dict[str, dict[str, Any] | str]) -> None:
    print("\nsearch = tasks.search(text); baseline = tasks.list(TaskQuery(text=text)), same backend; ms")
    header = f"{'backend':<9} {'query':<34} {'search p50':>10} {'p95':>7} {'baseline p50':>12} {'p95':>7}"
    print(header + f" {'ratio':>6}  result")
    for name, result in results.items():
        if isinstance(result, str):
            print(f"{name:<9} {result}")
            continue
        for label, query in QUERIES:
            searches, baselines, found = result[label]
            s50, s95 = stats(searches)
            b50, b95 = stats(baselines)
            print(
                f"{name:<9} {label + ': ' + repr(query):<34} {s50:10.1f} {s95:7.1f} {b50:12.1f} {b95:7.1f} "
                f"{s50 / b50:5.2f}x  {found}"
            )
        extra = ""
        if "raw scan" in result:
            r50, r95 = stats(result["raw scan"])
            extra = f"; raw scan of title+description p50 {r50:.1f} ms, p95 {r95:.1f} ms"
        print(f"{name:<9} (100k tasks built in {result['build']:.0f} s{extra})")


if __name__ == "__main__":
    asyncio.run(main())
