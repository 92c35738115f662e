"""Task structure benchmark (issue 15): `show T-n`, `list ready` and completing a blocker on a workspace of
100,000 tasks with 20,000 subtasks and 10,000 dependencies, on Delta, SQLite and PostgreSQL, each next to the
same command without structure, measured in the same run on the same backend.

    .venv/bin/python bench/structure.py [--backend delta|sqlite|postgres|all] [--tasks 100000]
                                        [--subtasks 20000] [--dependencies 10000] [--repeat 20]
                                        [--profile] [--postgres postgresql+asyncpg://postgres@127.0.0.1:5432/test]

1. **Population**: one Slack workspace, 20 projects (the first is "Launch"), 10 people; the tasks go in
   through ``TaskRepo.create_many`` in chunks of 10,000 (ids are made up front, so ``parent_id`` and
   ``dependencies`` can name any task). 30 % are completed. Of the subtasks, 70 % sit under a top-level task
   and 30 % under one of those (depth 3); a subtask is in its parent's project. A task with dependencies has
   one blocker (one in five has two), always an earlier task, so there are no cycles. The tasks the bench
   times are made first, in "Launch", and take no part in the random structure.
2. **Commands**, typed into ``ConversationHandler`` as chat does (parse, services, reply views), p50/p95:
   - ``show T-n`` of a task with 3 subtasks (one with 2 of its own) and 2 open blockers; baseline: ``show`` of
     a task with no parent, subtasks or blockers;
   - ``list ready #Launch``; baseline: ``list #Launch`` (both reply with a page of 25 and the total);
   - ``done T-n`` of a task that is the only blocker of a task assigned to someone else (the write, the read
     of what it unblocked, the reminder for that person and "T-m is ready now (@…)"); baseline: ``done`` of
     a task that blocks nothing. Each completion uses a task of its own.
   Target and baseline alternate, so load on the machine falls on both alike.

Numbers, not assertions (the script fails only if a reply lacks what it must show): see docs/benchmarks.md.
Target (issue 15): each command within 2x of its baseline. ``--profile`` prints the top of a cProfile of each
structured command. PostgreSQL runs in a schema of its own, dropped at the end; skipped (with the reason) if
unreachable.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import platform
import pstats
import random
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.scheduler import postgres_schema
from bench.timing import stats
from core.conversation.handler import ConversationHandler
from core.conversation.messages import IncomingMessage, Reply
from core.models import Platform, Project, Task, TaskStatus, User, Workspace
from core.services import Services
from core.store import Store
from storage.factory import open_store

WS = "slack:TBENCH"
CHUNK = 10_000
PROJECTS = 20
PEOPLE = 10
SHOWN = 5  # tasks with structure for `show` (and as many plain ones)


@dataclass
class Layout:
    """The tasks to create, in order, and the indexes of the ones the bench times."""

    tasks: list[Task]
    show: list[int] = field(default_factory=list)
    show_plain: list[int] = field(default_factory=list)
    blockers: list[int] = field(default_factory=list)
    plain: list[int] = field(default_factory=list)
    subtasks: int = 0
    dependent: int = 0
    depth3: int = 0


@dataclass
class Result:
    backend: str
    populate_s: float = 0.0
    samples: dict[str, list[float]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


PAIRS = [
    ("show T-n", "show with 3 subtasks and 2 blockers", "show of a plain task"),
    ("list ready", "list ready #Launch", "list #Launch"),
    ("done T-n", "done of a blocker (unblocks 1)", "done of a task blocking nothing"),
]


# -- the population ------------------------------------------------------------------------------------------


def layout(
    total: int,
    subtasks: int,
    dependencies: int,
    repeat: int,
    people: Sequence[User],
    projects: Sequence[Project],
) -> Layout:
    """The tasks in creation order: the timed ones first (in "Launch"), then the random structure."""
    rnd = random.Random(15)
    today = date.today()
    launch = projects[0].id
    actor_free = [p.id for p in people]  # assignees; none is the person typing the commands

    def task(i: int, **kw: object) -> Task:
        base: dict[str, object] = {
            "workspace_id": WS,
            "title": f"Task {i} {rnd.choice(['write', 'review', 'ship', 'plan'])} the thing",
            "project_id": projects[i % len(projects)].id,
            "due_date": today + timedelta(days=rnd.randrange(-10, 31)),
            "assignee_id": rnd.choice(actor_free) if rnd.random() < 0.7 else None,
            "estimate_minutes": rnd.choice([None, 30, 60, 120]),
        }
        base.update(kw)
        return Task(**base)  # type: ignore[arg-type]

    out = Layout(tasks=[])
    add = out.tasks.append
    # Featured: SHOWN tasks with structure, each with 2 open blockers and 3 subtasks (one with 2 below it).
    for _ in range(SHOWN):
        blockers = [task(len(out.tasks) + j, project_id=launch) for j in range(2)]
        for b in blockers:
            add(b)
        top = task(len(out.tasks), project_id=launch, dependencies=[b.id for b in blockers])
        out.show.append(len(out.tasks))
        add(top)
        subs = [task(len(out.tasks) + j, project_id=launch, parent_id=top.id) for j in range(3)]
        for s in subs:
            add(s)
        for _ in range(2):
            add(task(len(out.tasks), project_id=launch, parent_id=subs[0].id))
        out.subtasks += 5
        out.depth3 += 2
        out.dependent += 1
        out.show_plain.append(len(out.tasks))
        add(task(len(out.tasks), project_id=launch))
    # Featured: blockers with one waiting task each (assigned to someone else), and plain tasks to complete.
    for k in range(repeat + 1):  # one more of each for the warm-up
        blocker = task(len(out.tasks), project_id=launch)
        out.blockers.append(len(out.tasks))
        add(blocker)
        add(
            task(len(out.tasks), project_id=launch, dependencies=[blocker.id], assignee_id=actor_free[k % 10])
        )
        out.dependent += 1
        out.plain.append(len(out.tasks))
        add(task(len(out.tasks), project_id=launch))
    featured = len(out.tasks)
    if featured >= total:
        raise SystemExit(f"--tasks must be more than the {featured} tasks the bench times")
    # The random part: top-level tasks, then subtasks (level 2, then level 3), closed ones sprinkled in.
    level2 = round(max(0, subtasks - out.subtasks) * 0.7)
    level3 = max(0, subtasks - out.subtasks) - level2
    tops = total - featured - level2 - level3
    if tops <= 0:
        raise SystemExit("--subtasks must leave room for top-level tasks")

    def status() -> TaskStatus:
        return (
            TaskStatus.completed
            if rnd.random() < 0.3
            else rnd.choice([TaskStatus.todo, TaskStatus.in_progress])
        )

    top_rows = [task(featured + i, status=status()) for i in range(tops)]
    out.tasks += top_rows
    mids = []
    for _ in range(level2):
        parent = rnd.choice(top_rows)
        mids.append(task(len(out.tasks), status=status(), parent_id=parent.id, project_id=parent.project_id))
        add(mids[-1])
    for _ in range(level3):
        parent = rnd.choice(mids)
        add(task(len(out.tasks), status=status(), parent_id=parent.id, project_id=parent.project_id))
    out.subtasks += level2 + level3
    out.depth3 += level3
    # Dependencies among the random tasks: an earlier task blocks a later one (a DAG, so no cycles).
    pool = range(featured + 1, len(out.tasks))
    for i in rnd.sample(pool, min(len(pool), max(0, dependencies - out.dependent))):
        count = 2 if rnd.random() < 0.2 else 1
        deps = {out.tasks[rnd.randrange(featured, i)].id for _ in range(count)}
        out.tasks[i] = out.tasks[i].model_copy(update={"dependencies": sorted(deps)})
        out.dependent += 1
    return out


async def populate(
    store: Store, chat: ConversationHandler, args: argparse.Namespace
) -> tuple[Layout, list[int]]:
    """The workspace, its people and projects, and the tasks; returns the layout and each task's number."""
    await store.workspaces.ensure(Workspace(id=WS, platform=Platform.slack, name="Bench"))
    await chat.handle(msg("help"))  # the person typing the commands (the first, so an admin)
    people = [
        await store.users.add(User(workspace_id=WS, name=f"person{i}", slack_user_id=f"UP{i:04d}"))
        for i in range(PEOPLE)
    ]
    names = ["Launch", *(f"Project {k}" for k in range(1, PROJECTS))]
    projects = [await store.projects.create(Project(workspace_id=WS, name=n)) for n in names]
    plan = layout(args.tasks, args.subtasks, args.dependencies, args.repeat, people, projects)
    numbers: list[int] = []
    for first in range(0, len(plan.tasks), CHUNK):
        made = await store.tasks.create_many(plan.tasks[first : first + CHUNK])
        numbers += [t.number for t in made]
    await store.maintain(force=True)
    return plan, numbers


# -- the commands --------------------------------------------------------------------------------------------


def msg(text: str) -> IncomingMessage:
    return IncomingMessage(
        platform=Platform.slack,
        workspace_id=WS,
        user_id="UBENCH",
        user_name="bench",
        text=text,
        channel_id="C1",
    )


async def say(chat: ConversationHandler, text: str) -> tuple[float, Reply]:
    start = time.perf_counter()
    reply = await chat.handle(msg(text))
    return time.perf_counter() - start, reply


def check(result: Result, text: str, reply: Reply, ok: Callable[[Reply], bool]) -> None:
    if reply.is_error or not ok(reply):
        result.problems.append(f"`{text}` replied {reply.kind.value}: {reply.text[:200]!r}")


def has_structure(reply: Reply) -> bool:
    d = reply.detail
    return d is not None and len(d.subtasks) == 3 and len(d.blocked_by) == 2


def is_plain(reply: Reply) -> bool:
    d = reply.detail
    return d is not None and not d.subtasks and not d.blocked_by


async def profiled(chat: ConversationHandler, text: str) -> str:
    profile = cProfile.Profile()
    profile.enable()
    await chat.handle(msg(text))
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(25)
    return out.getvalue()


async def measure(name: str, url: str, args: argparse.Namespace) -> Result:
    result = Result(name)
    print(f"\n{name}", flush=True)
    store = open_store(url)
    await store.open()
    try:
        chat = ConversationHandler(Services(store))
        start = time.perf_counter()
        plan, numbers = await populate(store, chat, args)
        result.populate_s = time.perf_counter() - start
        print(
            f"  populated {len(plan.tasks):,} tasks ({plan.subtasks:,} subtasks, {plan.depth3:,} of them at "
            f"depth 3; {plan.dependent:,} with dependencies) in {result.populate_s:.1f} s",
            flush=True,
        )
        ref = [f"T-{n}" for n in numbers]
        for label, _, _ in PAIRS:
            result.samples[f"{label} structure"] = []
            result.samples[f"{label} baseline"] = []

        async def pair(
            label: str,
            target: str,
            ok: Callable[[Reply], bool],
            base: str,
            base_ok: Callable[[Reply], bool],
            timed: bool = True,
        ) -> None:
            for text, check_ok, key in ((target, ok, "structure"), (base, base_ok, "baseline")):
                seconds, reply = await say(chat, text)
                check(result, text, reply, check_ok)
                if timed:
                    result.samples[f"{label} {key}"].append(seconds)

        ready_ok = lambda r: bool(r.tasks) and r.total is not None  # noqa: E731
        for i in range(args.repeat + 1):  # the first round warms caches and is not counted
            timed = i > 0
            k = i % SHOWN
            await pair(
                "show T-n",
                f"show {ref[plan.show[k]]}",
                has_structure,
                f"show {ref[plan.show_plain[k]]}",
                is_plain,
                timed,
            )
            await pair("list ready", "list ready #Launch", ready_ok, "list #Launch", ready_ok, timed)
            await pair(
                "done T-n",
                f"done {ref[plan.blockers[i]]}",
                lambda r: "is ready now" in r.text,
                f"done {ref[plan.plain[i]]}",
                lambda r: "is ready now" not in r.text,
                timed,
            )
        _, shown = await say(chat, "list ready #Launch")
        _, listed = await say(chat, "list #Launch")
        result.notes["list ready"] = f"ready total {shown.total:,}, list total {listed.total:,}"
        for label, _, _ in PAIRS:
            s50, s95 = stats(result.samples[f"{label} structure"])
            b50, b95 = stats(result.samples[f"{label} baseline"])
            print(
                f"  {label}: p50 {s50:.1f} ms p95 {s95:.1f} ms; baseline p50 {b50:.1f} ms p95 {b95:.1f} ms; "
                f"ratio {s50 / b50:.2f}x",
                flush=True,
            )
        print(f"  {result.notes['list ready']}", flush=True)
        if args.profile:
            extra = ref[plan.blockers[-1]]
            for text in (f"show {ref[plan.show[0]]}", "list ready #Launch", f"done {extra}"):
                print(f"\n  cProfile of `{text}`:\n{await profiled(chat, text)}", flush=True)
    finally:
        await store.close()
    return result


def table(results: Sequence[Result], args: argparse.Namespace) -> None:
    print(
        f"\nSummary ({args.tasks:,} tasks, {args.subtasks:,} subtasks, "
        f"{args.dependencies:,} with dependencies; ms, {args.repeat} runs each; "
        "ratio = structure p50 / baseline p50)"
    )
    columns = ["backend", "populate"]
    for _, target, base in PAIRS:
        columns += [f"{target} p50 / p95", f"{base} p50 / p95", "ratio"]
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for r in results:
        cells = [r.backend, f"{r.populate_s:.0f} s"]
        for label, _, _ in PAIRS:
            s50, s95 = stats(r.samples[f"{label} structure"])
            b50, b95 = stats(r.samples[f"{label} baseline"])
            cells += [f"{s50:.1f} / {s95:.1f}", f"{b50:.1f} / {b95:.1f}", f"{s50 / b50:.2f}×"]
        print("| " + " | ".join(cells) + " |")
    for r in results:
        verdicts = []
        for label, _, _ in PAIRS:
            ratio = stats(r.samples[f"{label} structure"])[0] / stats(r.samples[f"{label} baseline"])[0]
            verdicts.append(f"{label} {'MET' if ratio <= 2 else 'MISSED'} ({ratio:.2f}×)")
        print(f"  {r.backend}: " + "; ".join(verdicts))


async def run(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=["delta", "sqlite", "postgres", "all"], default="all")
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--subtasks", type=int, default=20_000)
    parser.add_argument("--dependencies", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of each structured command")
    parser.add_argument("--postgres", default="postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args(argv)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{os.cpu_count()} cores, load average {load}; Python {platform.python_version()}", flush=True)
    names = ["delta", "sqlite", "postgres"] if args.backend == "all" else [args.backend]
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="bench-structure-") as tmp:
        for name in names:
            if name == "delta":
                results.append(await measure(name, str(Path(tmp) / "delta"), args))
            elif name == "sqlite":
                results.append(await measure(name, f"sqlite+aiosqlite:///{tmp}/structure.db", args))
            else:
                tag = f"bench_structure_{os.getpid()}"
                try:
                    await postgres_schema(args.postgres, tag, True)
                except Exception as exc:  # a benchmark reports a missing server rather than failing the run
                    print(f"\npostgres skipped: {exc!r}")
                    continue
                try:
                    results.append(await measure(name, f"{args.postgres}?schema={tag}", args))
                finally:
                    await postgres_schema(args.postgres, tag, False)
    table(results, args)
    problems = [f"{r.backend}: {p}" for r in results for p in r.problems]
    for problem in problems[:20]:
        print(f"FAILED {problem}")
    return 1 if problems else 0


def main(argv: Sequence[str] | None = None) -> int:
    return asyncio.run(run(argv))


if __name__ == "__main__":
    sys.exit(main())
