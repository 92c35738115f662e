"""Motion sync benchmark: requests and wall time of a full and an incremental sync against the loopback fake.

    .venv/bin/python bench/sync.py [--tasks 5000] [--changes 50] [--minute 0.06]

The fake keeps Motion's limit of 12 requests per "minute", with the minute scaled to ``--minute`` seconds, and
the client's limiter is sized the same way. Each run is compared with the fewest requests Motion's API allows
for it (it has no updated-since filter and pages of 20: every sync lists every task). Local state is a Delta
store in a temporary folder. Numbers, not assertions: see docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.models import Integration, IntegrationType, Platform, Role, SyncLog
from core.services import Actor, Services
from core.store import Store, TaskQuery
from core.sync import SyncEngine
from integrations.http import RateLimit
from integrations.motion import MotionClient
from storage.factory import open_store
from tests.fakes.motion_server import MotionFake

WS = "bench"
FIXED = 3  # workspaces, users, projects: one page each here


async def run(
    store: Store, services: Services, fake: MotionFake, row: Integration
) -> tuple[SyncLog, int, float]:
    """One sync: (its log, requests it made, wall seconds)."""
    fresh = await store.integrations.get(WS, row.id)
    assert fresh is not None
    client = MotionClient(
        fake.api_key, base_url=fake.base_url, rate=RateLimit(fake.rate_limit, fake.window), timeout=30
    )
    before = fake.stats.count()
    start = time.perf_counter()
    try:
        log = await SyncEngine(services, client, fresh).run()
    finally:
        await client.aclose()
    return log, fake.stats.count() - before, time.perf_counter() - start


def report(label: str, log: SyncLog, requests: int, minimum: int, wall: float, fake: MotionFake) -> None:
    interval = RateLimit(fake.rate_limit, fake.window).interval
    limiter = requests * interval
    real_minutes = requests * RateLimit(fake.rate_limit, 60.0).interval / 60
    print(
        f"  {label:<34} {requests:5d} requests (minimum {minimum:5d}, {requests / minimum:4.2f}x)"
        f"  wall {wall:6.2f} s (limiter {limiter:5.2f} s, local work {max(wall - limiter, 0):5.2f} s)"
        f"  real time at 12/min: {real_minutes:5.1f} min"
        f"  [{log.status}: pulled {log.pulled}, pushed {log.pushed}]"
    )


async def main(tasks: int, changes: int, minute: float) -> None:
    pages = math.ceil(tasks / 20)
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(os.path.join(folder, "data"))
        await store.open()
        fake = MotionFake(window=minute)
        await fake.start()
        try:
            services = Services(store)
            await services.users.ensure_workspace(WS, Platform.console)
            user = await services.users.ensure_user(WS, "bench", role=Role.admin)
            actor = Actor(user)
            row = await store.integrations.add(
                Integration(workspace_id=WS, type=IntegrationType.motion, base_url=fake.base_url)
            )
            for i in range(tasks):
                fake.add_task(f"Task {i}", description=f"Step **{i}**", priority="HIGH" if i % 3 else "LOW")
            load = os.getloadavg()[0]
            print(
                f"{tasks} Motion tasks, 12 requests per {minute} s (standing for a minute), load {load:.1f}"
            )

            log, requests, wall = await run(store, services, fake, row)
            report("full sync (first run)", log, requests, FIXED + pages, wall, fake)

            log, requests, wall = await run(store, services, fake, row)
            report("incremental, nothing changed", log, requests, FIXED + pages, wall, fake)

            ids = list(fake.tasks)
            for task_id in ids[:changes]:
                fake.edit_task(task_id, priority="ASAP")
            page = await store.tasks.list(WS, TaskQuery(limit=tasks, sort="number"))  # type: ignore[arg-type]
            for task in page.items[-changes:]:
                await services.tasks.update(actor, task.ref, title=task.title + " (edited)")
            log, requests, wall = await run(store, services, fake, row)
            label = f"incremental, {changes}+{changes} changed"
            report(label, log, requests, FIXED + pages + changes, wall, fake)
            print(
                f"  rate-limited answers: {fake.stats.rate_limited}; most requests in any window: "
                f"{fake.stats.max_in_window(fake.window)} (limit {fake.rate_limit})"
            )
        finally:
            await fake.stop()
            await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tasks", type=int, default=5000)
    parser.add_argument(
        "--changes", type=int, default=50, help="tasks edited on each side before the third run"
    )
    parser.add_argument("--minute", type=float, default=0.06, help="seconds standing for Motion's minute")
    args = parser.parse_args()
    asyncio.run(main(args.tasks, args.changes, args.minute))
