"""Scheduler benchmark (issue 14): an idle tick over 10,000 digests and 100,000 task reminders, then 1,000 due
reminders sent to the loopback fake Slack, on Delta, SQLite and PostgreSQL.

    .venv/bin/python bench/scheduler.py [--backend delta|sqlite|postgres|all] [--people 10000]
                                        [--tasks 100000] [--due 1000] [--ticks 50]
                                        [--small-people 100] [--small-tasks 1000]
                                        [--postgres postgresql+asyncpg://postgres@127.0.0.1:5432/test]

Per backend:

1. **Populate** one Slack workspace: ``--people`` people, each with a digest schedule (timezones from UTC-10
   to UTC+13) and a Slack user id, and ``--tasks`` open tasks, each with one reminder schedule; every next run
   lies between one hour and three weeks after the measured "now", so nothing is due. The tasks go in through
   ``TaskRepo.create_many`` in chunks of 10,000; people and schedules are written in bulk, below the
   repositories (Delta: ``write_deltalake`` appends of whole chunks of models, as ``DeltaEntityTable.append``
   does; SQL: ``SqlStore.import_rows``, the bulk insert of ``orchestrator db copy``). Putting 110,000
   schedules through ``ScheduleRepo.put`` one at a time is one Delta commit each: hours.
2. **Idle tick**: ``Scheduler.tick()`` with nothing due, ``--ticks`` times, p50/p95, and the store calls it
   makes, counted by ``bench/counting_store.py`` (repository methods; below them deltalake scans, merges and
   log refreshes, or SQL statements). The same count at ``--small-*`` size shows whether it is O(1). Next to
   it: ``next_run`` alone, and the baseline, one raw read of every active schedule's ``next_run_at`` and its
   minimum (what a tick without the index or the version cache would do).
3. **Send**: ``--due`` reminders of as many people are made due now (one bulk update), then ticks run until
   all are sent through ``SlackNotifier`` to the fake Slack on 127.0.0.1. The script fails (exit 1) unless
   the fake received exactly ``--due`` messages, each delivery id once. Baseline, same run: ``--due``
   ``chat.postMessage`` calls made directly with the same kind of client, 16 at a time (the scheduler's
   concurrency), to a second fake.

Numbers, not assertions (except the message count): see docs/benchmarks.md. Targets (issue 14): an idle
tick is O(1) store reads; 1,000 due reminders are sent in < 10 s. PostgreSQL runs in a schema of its own,
dropped at the end; it is skipped (and says why) if unreachable.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import platform
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from slack_sdk.web.async_client import AsyncWebClient

from bench.counting_store import CountingStore, delta_calls, sql_statements
from bench.timing import stats, timed
from bot.slack.app import with_retries
from bot.slack.notify import SlackNotifier
from core.clock import FixedClock
from core.models import Platform, Schedule, ScheduleKind, Task, User, Workspace
from core.schedule.digests import digest_row_id, digest_rule
from core.schedule.instants import next_rule_run
from core.schedule.local_time import zone_of
from core.schedule.scheduler import Scheduler
from core.store import Store
from storage.factory import open_store
from tests.slack.fake_api import BOT_TOKEN, FakeSlack, FakeUser

WS = "bench"
NOW = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)  # a Thursday
# UTC-10 to UTC+13 (Honolulu and Tongatapu share the workspace), DST and non-DST zones.
ZONES = [
    "Pacific/Honolulu",
    "America/Los_Angeles",
    "America/New_York",
    "America/Sao_Paulo",
    "UTC",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Tongatapu",
]
DIGEST_TIMES = ["8:30 weekdays", "9:00", "7:45 weekdays"]
CHUNK = 10_000
CONCURRENCY = 32  # the Scheduler's default send concurrency; the baseline uses the same


@dataclass
class Result:
    """What one backend measured (printed, then summarised in one table)."""

    backend: str
    populate_s: float = 0.0
    idle: dict[str, list[float]] = field(default_factory=dict)  # size label -> tick seconds
    calls: dict[str, str] = field(default_factory=dict)  # size label -> repo calls per idle tick
    reads: dict[str, float] = field(default_factory=dict)  # size label -> repo reads per idle tick
    engine: dict[str, str] = field(default_factory=dict)  # size label -> engine calls per idle tick
    next_run: list[float] = field(default_factory=list)
    raw_scan: list[float] = field(default_factory=list)
    send_s: float = 0.0
    baseline_s: float = 0.0
    messages: int = 0
    distinct: int = 0
    receipts: int = 0
    ticks: int = 0
    commits: str = ""
    phases: str = ""
    sending: str = ""
    problems: list[str] = field(default_factory=list)


# -- the population ------------------------------------------------------------------------------------------


def make_people(count: int) -> list[User]:
    return [
        User(
            id=f"u{i:06d}",
            workspace_id=WS,
            name=f"person{i}",
            timezone=ZONES[i % len(ZONES)],
            slack_user_id=f"U{i:08d}",
        )
        for i in range(count)
    ]


def make_tasks(first: int, last: int, people: Sequence[User], rnd: random.Random) -> list[Task]:
    """Open tasks, task ``i`` assigned to person ``i % len(people)``, due in the coming month."""
    return [
        Task(
            workspace_id=WS,
            title=f"Task {i} {rnd.choice(['write', 'review', 'ship', 'plan'])} the thing",
            assignee_id=people[i % len(people)].id,
            due_date=NOW.date() + timedelta(days=rnd.randrange(1, 31)),
            created_by=people[i % len(people)].id,
        )
        for i in range(first, last)
    ]


def digests(people: Sequence[User]) -> list[Schedule]:
    rules = [digest_rule(text) for text in DIGEST_TIMES]
    first: dict[tuple[str, str], datetime] = {}
    rows = []
    for i, person in enumerate(people):
        rule = rules[i % len(rules)]
        key = (rule, person.timezone)
        if key not in first:
            first[key] = next_rule_run(rule, zone_of(person.timezone), NOW)
        rows.append(
            Schedule(
                id=digest_row_id(person.id),
                workspace_id=WS,
                kind=ScheduleKind.digest,
                user_id=person.id,
                rule=rule,
                timezone=person.timezone,
                next_run_at=first[key],
                occurrence_at=first[key],
                created_by=person.id,
            )
        )
    return rows


def reminders(tasks: Sequence[Task], people: dict[str, User], rnd: random.Random) -> list[Schedule]:
    """One explicit reminder per task ("remind me about T-4 …"), between 1 h and 3 weeks from now."""
    rows = []
    for task in tasks:
        at = NOW + timedelta(minutes=rnd.randrange(60, 21 * 24 * 60))
        person = people[task.assignee_id or ""]
        rows.append(
            Schedule(
                id=f"rem-{task.id}",
                workspace_id=WS,
                kind=ScheduleKind.reminder,
                user_id=person.id,
                task_id=task.id,
                timezone=person.timezone,
                explicit=True,
                next_run_at=at,
                occurrence_at=at,
                created_by=person.id,
            )
        )
    return rows


def due_indexes(people: int, tasks: int, due: int) -> list[int]:
    """Tasks of ``due`` different people, spread over the whole table (so over its files)."""
    step = people // due
    rounds = max(1, tasks // people)
    return [k * step + people * (k % rounds) for k in range(due)]


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for first in range(0, len(items), size):
        yield items[first : first + size]


async def bulk_write(store: Any, table: str, models: Sequence[Any]) -> None:
    """Rows in bulk below the repositories: a Delta append of a whole chunk, or an SQL bulk insert."""
    if hasattr(store, "import_rows"):
        from storage.sql import convert

        entity = {"users": convert.USERS, "schedules": convert.SCHEDULES}[table]
        for part in chunks(models):
            await store.import_rows(table, [convert.to_row(entity, m) for m in part])  # type: ignore[arg-type]
        return
    from deltalake import write_deltalake

    from storage.delta import schema
    from storage.delta.convert import to_arrow

    spec = {"users": schema.USERS, "schedules": schema.SCHEDULES}[table]
    uri = store.table_uri(table)
    for part in chunks(models):
        data = to_arrow(spec, part)  # type: ignore[arg-type]
        await asyncio.to_thread(write_deltalake, uri, data, mode="append")


async def populate(store: Store, people_count: int, task_count: int) -> tuple[list[User], list[Schedule]]:
    """The workspace, its people with digests, and its tasks with reminders; returns people and reminders."""
    rnd = random.Random(14)
    await store.workspaces.ensure(Workspace(id=WS, platform=Platform.slack, name="Bench"))
    people = make_people(people_count)
    await bulk_write(store, "users", people)
    await bulk_write(store, "schedules", digests(people))
    by_id = {p.id: p for p in people}
    rows: list[Schedule] = []
    for first in range(0, task_count, CHUNK):
        made = await store.tasks.create_many(make_tasks(first, min(task_count, first + CHUNK), people, rnd))
        rows.extend(reminders(made, by_id, rnd))
    await bulk_write(store, "schedules", rows)
    return people, rows


async def make_due(store: Any, ids: Sequence[str]) -> None:
    """Bring these reminders' next run (and occurrence) to now, in one write."""
    if hasattr(store, "db"):
        import sqlalchemy as sa

        from storage.sql.tables import schedules

        stmt = (
            sa.update(schedules)
            .where(schedules.c.workspace_id == WS, schedules.c.id.in_(list(ids)))
            .values(next_run_at=NOW, occurrence_at=NOW)
        )

        async def work(conn: Any) -> None:
            await conn.execute(stmt)

        await store.db.write(work, action="make reminders due")
        return
    from deltalake import DeltaTable

    from storage.delta.predicates import is_in, ts_lit

    dt = DeltaTable(store.table_uri("schedules"))
    at = ts_lit(NOW)
    await asyncio.to_thread(
        dt.update, updates={"next_run_at": at, "occurrence_at": at}, predicate=is_in("id", ids)
    )


# -- the idle tick -------------------------------------------------------------------------------------------


def engine_counter(store: Any) -> AbstractContextManager[Counter[str]]:
    return sql_statements(store.db.engine) if hasattr(store, "db") else delta_calls()


def raw_scan(store: Any) -> Callable[[], Any]:
    """A read of every active schedule's ``next_run_at`` and its minimum, straight from the engine."""
    if hasattr(store, "db"):
        import sqlalchemy as sa

        from storage.sql.tables import schedules

        c = schedules.c
        stmt = sa.select(c.next_run_at).where(c.cancelled_at.is_(None), c.next_run_at.is_not(None))

        async def sql() -> Any:
            async with store.db.engine.connect() as conn:
                return min((row[0] for row in await conn.execute(stmt)), default=None)

        return sql
    import pyarrow as pa
    import pyarrow.compute as pc
    from deltalake import DeltaTable

    dt = DeltaTable(store.table_uri("schedules"))
    predicate = "cancelled_at IS NULL AND next_run_at IS NOT NULL"

    def scan() -> Any:
        found = pa.table(dt.scan(columns=["next_run_at"], predicate=predicate))
        return pc.min(found.column("next_run_at")).as_py()

    async def delta() -> Any:
        return await asyncio.to_thread(scan)

    return delta


class Watched:
    """The notifier, watched: how long its sends took and how many were in flight at once."""

    def __init__(self, inner: SlackNotifier) -> None:
        self.inner = inner
        self.in_flight = 0
        self.most = 0
        self.seconds = 0.0

    def handles(self, platform: Platform) -> bool:
        return self.inner.handles(platform)

    async def send(self, notice: Any) -> str:
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        start = time.perf_counter()
        try:
            return await self.inner.send(notice)
        finally:
            self.seconds += time.perf_counter() - start
            self.in_flight -= 1

    async def landed(self, notice: Any) -> str | None:
        return await self.inner.landed(notice)


class Silent:
    """A notifier that must never be used: an idle tick sends nothing."""

    def handles(self, platform: Platform) -> bool:
        return True

    async def send(self, notice: Any) -> str:
        raise AssertionError("an idle tick sent something")

    async def landed(self, notice: Any) -> str | None:
        return None


async def idle_ticks(store: Store, label: str, repeat: int, result: Result) -> None:
    counting = CountingStore(store)
    sched = Scheduler(cast(Store, counting), Silent(), FixedClock(NOW))
    first = await sched.tick()  # the first read of the table (Delta caches by table version after it)
    if first.claimed or first.next_run is None or first.next_run <= NOW:
        result.problems.append(f"{label}: the idle tick found work ({first})")
    counting.tally.reset()
    samples: list[float] = []
    with engine_counter(store) as engine:
        for _ in range(repeat):
            samples.append(await timed(sched.tick))
    result.idle[label] = samples
    result.reads[label] = counting.tally.reads / repeat
    result.calls[label] = ", ".join(f"{k} {n / repeat:g}" for k, n in sorted(counting.tally.calls.items()))
    result.engine[label] = ", ".join(f"{k} {n / repeat:g}" for k, n in sorted(engine.items())) or "none"
    med, p95 = stats(samples)
    print(
        f"  idle tick, {label}: p50 {med:.2f} ms p95 {p95:.2f} ms; per tick: {result.calls[label]}; "
        f"below: {result.engine[label]}",
        flush=True,
    )


# -- sending -------------------------------------------------------------------------------------------------


def client_for(fake: FakeSlack) -> AsyncWebClient:
    """The Slack surface's client (same retry handlers), pointed at the fake."""
    return with_retries(AsyncWebClient(token=BOT_TOKEN, base_url=fake.api_url))


async def direct_posts(people: Sequence[User], count: int) -> float:
    """The baseline: ``count`` chat.postMessage calls, ``CONCURRENCY`` at a time, to a fresh fake."""
    fake = FakeSlack()
    await fake.start()
    try:
        client = client_for(fake)
        gate = asyncio.Semaphore(CONCURRENCY)

        async def post(person: User) -> None:
            async with gate:
                await client.chat_postMessage(channel=f"D{person.slack_user_id}", text="⏰ Reminder: T-1")

        await asyncio.gather(*(post(p) for p in people[:20]))  # warm up the client and the server
        start = time.perf_counter()
        await asyncio.gather(*(post(people[i % len(people)]) for i in range(count)))
        elapsed = time.perf_counter() - start
        assert len(fake.of("chat.postMessage")) == count + min(20, len(people))
        return elapsed
    finally:
        await fake.stop()


async def delivered_ids(fake: FakeSlack) -> list[str]:
    ids = []
    for messages in fake.posted.values():
        for message in messages:
            payload = (message.get("metadata") or {}).get("event_payload") or {}
            ids.append(str(payload.get("delivery_id")))
    return ids


async def versions(store: Any) -> dict[str, int]:
    if hasattr(store, "db"):
        return {}
    from deltalake import DeltaTable

    return {name: DeltaTable(store.table_uri(name)).version() for name in ("schedules", "deliveries")}


async def send_due(
    store: Store,
    people: Sequence[User],
    rows: Sequence[Schedule],
    due: int,
    result: Result,
    profile_to: str | None = None,
) -> None:
    picked = [rows[i] for i in due_indexes(len(people), len(rows), due)]
    assert len({r.user_id for r in picked}) == due, "the due reminders must belong to different people"
    result.baseline_s = await direct_posts(people, due)
    await make_due(store, [r.id for r in picked])
    fake = FakeSlack(users={p.slack_user_id or "": FakeUser(p.slack_user_id or "", p.name) for p in people})
    await fake.start()
    counting = CountingStore(store)
    notifier = Watched(SlackNotifier(client_for(fake)))
    sched = Scheduler(cast(Store, counting), notifier, FixedClock(NOW))
    before = await versions(store)
    sent = 0
    profile = cProfile.Profile() if profile_to else None
    try:
        start = time.perf_counter()
        if profile is not None:
            profile.enable()
        while sent < due and result.ticks < due // sched.batch + 5:
            report = await sched.tick()
            result.ticks += 1
            sent += report.sent
            if report.claimed == 0:
                break
        result.send_s = time.perf_counter() - start
        if profile is not None and profile_to:
            profile.disable()
            profile.dump_stats(profile_to)
    finally:
        await fake.stop()
    result.sending = f"{notifier.seconds:.2f} s in SlackNotifier.send, at most {notifier.most} in flight"
    after = await versions(store)
    result.messages = len(fake.of("chat.postMessage"))
    ids = await delivered_ids(fake)
    result.distinct = len(set(ids))
    receipts = await store.deliveries.list(WS, limit=due * 2 + 10)
    result.receipts = sum(1 for r in receipts if r.status.value == "sent")
    writes = {
        k: n
        for k, n in counting.tally.calls.items()
        if k.split(".")[1] in ("claim_due", "begin_many", "update_many", "release_many")
    }
    result.commits = ", ".join(f"{k} {n}" for k, n in sorted(writes.items()))
    if after:
        result.commits += "; Delta versions " + ", ".join(f"{k} +{after[k] - before[k]}" for k in after)
    top = sorted(counting.tally.seconds.items(), key=lambda kv: -kv[1])
    result.phases = ", ".join(f"{k} {s:.2f} s ({counting.tally.calls[k]}×)" for k, s in top)
    result.phases += f"; {result.sending}"
    if result.messages != due or result.distinct != due or len(ids) != due:
        result.problems.append(
            f"the fake Slack received {result.messages} messages ({result.distinct} distinct deliveries), "
            f"expected exactly {due}"
        )
    if result.receipts != due:
        result.problems.append(f"{result.receipts} sent receipts, expected {due}")
    ratio = result.send_s / max(result.baseline_s, 1e-9)
    print(
        f"  sent {sent} due reminders in {result.send_s:.2f} s over {result.ticks} ticks "
        f"(direct posts: {result.baseline_s:.2f} s, ratio {ratio:.1f}x); "
        f"fake received {result.messages}, receipts {result.receipts}; writes: {result.commits}\n"
        f"  store time per method during the send (concurrent calls summed): {result.phases}",
        flush=True,
    )


# -- one backend ---------------------------------------------------------------------------------------------


async def measure(name: str, url: str, small_url: str | None, args: argparse.Namespace) -> Result:
    result = Result(name)
    print(f"\n{name}", flush=True)
    if small_url is not None:
        small = open_store(small_url)
        await small.open()
        try:
            await populate(small, args.small_people, args.small_tasks)
            await idle_ticks(small, f"{args.small_people + args.small_tasks:,} schedules", args.ticks, result)
        finally:
            await small.close()
    store = open_store(url)
    await store.open()
    try:
        start = time.perf_counter()
        people, rows = await populate(store, args.people, args.tasks)
        result.populate_s = time.perf_counter() - start
        print(
            f"  populated {args.people:,} people and {args.tasks:,} tasks in {result.populate_s:.1f} s",
            flush=True,
        )
        await idle_ticks(store, f"{args.people + args.tasks:,} schedules", args.ticks, result)
        result.next_run = [await timed(store.schedules.next_run) for _ in range(args.ticks)]
        scan = raw_scan(store)
        result.raw_scan = [await timed(scan) for _ in range(max(5, args.ticks // 5))]
        print(
            f"  next_run alone p50 {stats(result.next_run)[0]:.2f} ms; raw scan of next_run_at p50 "
            f"{stats(result.raw_scan)[0]:.2f} ms",
            flush=True,
        )
        profile_to = f"{args.profile}.{name}" if args.profile else None
        await send_due(store, people, rows, args.due, result, profile_to)
    finally:
        await store.close()
    return result


async def postgres_schema(base: str, tag: str, create: bool) -> None:
    import asyncpg
    import sqlalchemy as sa

    url = sa.make_url(base)
    conn = await asyncpg.connect(
        host=url.host, port=url.port or 5432, user=url.username, database=url.database, timeout=5
    )
    try:
        await conn.execute(f'CREATE SCHEMA "{tag}"' if create else f'DROP SCHEMA IF EXISTS "{tag}" CASCADE')
    finally:
        await conn.close()


def table(results: Sequence[Result], args: argparse.Namespace) -> None:
    print("\nSummary (ms; ratios against the baselines of the same run)")
    columns = [
        "backend",
        "idle tick p50 / p95",
        "store reads per idle tick (small → full)",
        "next_run p50",
        "raw scan p50",
        "tick / scan",
        f"{args.due:,} sent",
        "direct posts",
        "send / direct",
        "ticks",
    ]
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for r in results:
        labels = list(r.idle)
        med, p95 = stats(r.idle[labels[-1]])
        reads = " → ".join(f"{r.reads[k]:g}" for k in labels)
        scan = stats(r.raw_scan)[0]
        print(
            f"| {r.backend} | {med:.2f} / {p95:.2f} | {reads} | {stats(r.next_run)[0]:.2f} | {scan:.1f} | "
            f"{med / scan:.2g}× | {r.send_s:.2f} s | {r.baseline_s:.2f} s | {r.send_s / r.baseline_s:.1f}× | "
            f"{r.ticks} |"
        )
    for r in results:
        sent_ok = r.send_s < 10
        print(
            f"  {r.backend}: send {args.due:,} < 10 s {'MET' if sent_ok else 'MISSED'}; idle reads {r.reads}"
        )


async def run(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=["delta", "sqlite", "postgres", "all"], default="all")
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--ticks", type=int, default=50)
    parser.add_argument("--small-people", type=int, default=100)
    parser.add_argument("--small-tasks", type=int, default=1_000)
    parser.add_argument("--profile", help="write cProfile stats of the send phase to PROFILE.<backend>")
    parser.add_argument("--postgres", default="postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args(argv)
    if not 0 < args.due <= args.people or args.tasks < args.people:
        parser.error("need 0 < --due <= --people <= --tasks")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{os.cpu_count()} cores, load average {load}; Python {platform.python_version()}", flush=True)
    names = ["delta", "sqlite", "postgres"] if args.backend == "all" else [args.backend]
    small = args.small_tasks < args.tasks
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="bench-scheduler-") as tmp:
        root = Path(tmp)
        for name in names:
            if name == "delta":
                results.append(
                    await measure(name, str(root / "full"), str(root / "small") if small else None, args)
                )
            elif name == "sqlite":
                sqlite = f"sqlite+aiosqlite:///{root}"
                results.append(
                    await measure(name, f"{sqlite}/full.db", f"{sqlite}/small.db" if small else None, args)
                )
            else:
                tag = f"bench_sched_{os.getpid()}"
                try:
                    for suffix in ("full", "small"):
                        await postgres_schema(args.postgres, f"{tag}_{suffix}", True)
                except Exception as exc:  # a benchmark reports a missing server rather than failing the run
                    print(f"\npostgres skipped: {exc!r}")
                    continue
                try:
                    full = f"{args.postgres}?schema={tag}_full"
                    results.append(
                        await measure(
                            name, full, f"{args.postgres}?schema={tag}_small" if small else None, args
                        )
                    )
                finally:
                    for suffix in ("full", "small"):
                        await postgres_schema(args.postgres, f"{tag}_{suffix}", False)
    table(results, args)
    problems = [f"{r.backend}: {p}" for r in results for p in r.problems]
    for problem in problems:
        print(f"FAILED {problem}")
    return 1 if problems else 0


def main(argv: Sequence[str] | None = None) -> int:
    return asyncio.run(run(argv))


if __name__ == "__main__":
    sys.exit(main())
