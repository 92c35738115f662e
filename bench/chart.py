"""Chart benchmark: drawing a project's PNG (bot/charts.py) for 14 and 90 days, and the day arithmetic.

    .venv/bin/python bench/chart.py [--repeat 20] [--tasks 10000]

Prints, in milliseconds: the first drawing of a process (matplotlib's import and font set-up included: what
the first `project chart` after a start pays), then the median and p95 of later drawings of 14 and 90 days
with the PNG's size, and ``chart_series`` over ``--tasks`` tasks spread over 120 days. Numbers, not
assertions: see docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.timing import stats
from bot.charts import render_png
from core.models import Task, TaskStatus
from core.schedule.chart_data import ChartData
from core.schedule.chart_series import chart_series

TODAY = date(2026, 12, 3)


def sample(days: int, rng: random.Random) -> ChartData:
    """A busy project: a few tasks made and finished most days."""
    span = tuple(TODAY - timedelta(days=days - 1 - i) for i in range(days))
    created = tuple(rng.randint(0, 7) for _ in span)
    completed = tuple(rng.randint(0, 6) for _ in span)
    open_at_end, running = [], 25
    for made, done in zip(created, completed, strict=True):
        running = max(0, running + made - done)
        open_at_end.append(running)
    return ChartData(f"Launch: last {days} days", span, created, completed, tuple(open_at_end))


def tasks(count: int, rng: random.Random) -> list[Task]:
    """``count`` tasks created over 120 days; two thirds completed some days later, a few deleted."""
    found = []
    start = datetime.combine(TODAY - timedelta(days=120), datetime.min.time(), UTC)
    for _ in range(count):
        made = start + timedelta(minutes=rng.randrange(120 * 24 * 60))
        fields: dict[str, object] = {}
        if rng.random() < 0.66:
            fields = {
                "status": TaskStatus.completed,
                "completed_at": made + timedelta(hours=rng.randrange(400)),
            }
        elif rng.random() < 0.1:
            fields = {"deleted_at": made + timedelta(hours=rng.randrange(400))}
        found.append(Task(workspace_id="w", title="t", created_at=made, updated_at=made, **fields))  # type: ignore[arg-type]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--tasks", type=int, default=10_000)
    args = parser.parse_args()
    rng = random.Random(14)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"python {platform.python_version()}, {os.cpu_count()} cores, load average {load:.1f}")

    start = time.perf_counter()
    render_png(sample(14, rng))
    print(f"first drawing (matplotlib import included): {(time.perf_counter() - start) * 1000:.0f} ms")

    for days in (14, 90):
        data = sample(days, rng)
        samples, cpu, size = [], [], 0
        for _ in range(args.repeat):
            start, start_cpu = time.perf_counter(), time.thread_time()
            size = len(render_png(data))
            samples.append(time.perf_counter() - start)
            cpu.append(time.thread_time() - start_cpu)
        p50, p95 = stats(samples)
        # CPU time apart: on a shared, loaded machine the wall time also counts waiting for a core.
        print(
            f"{days:>3} days: p50 {p50:.0f} ms, p95 {p95:.0f} ms (CPU p50 {stats(cpu)[0]:.0f} ms), "
            f"{size / 1024:.0f} KiB"
        )

    made = tasks(args.tasks, rng)
    samples = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        chart_series(made, name="Launch", last_day=TODAY, zone=ZoneInfo("Europe/Berlin"), days=90)
        samples.append(time.perf_counter() - start)
    p50, p95 = stats(samples)
    print(f"chart_series over {args.tasks:,} tasks, 90 days: p50 {p50:.1f} ms, p95 {p95:.1f} ms")


if __name__ == "__main__":
    main()
