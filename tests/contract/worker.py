"""A second OS process for the contract suite, writing to the store named by a URL.

    python -m tests.contract.worker <url> create <workspace> <count> <label> [<batch>]
    python -m tests.contract.worker <url> update <workspace> <field> <label> <task id>...

It prints ``ready`` once the store is open, waits for a line on stdin so that every worker starts writing at
the same moment, does its writes (creates run alongside a loop of reads, as in a live bot) and prints a JSON
list of results (task numbers, or updated ids). With ``batch`` > 1, creates go through ``create_many`` that
many at a time.
"""

from __future__ import annotations

import asyncio
import json
import sys

from core.models import Task
from core.store import TaskQuery
from storage.factory import open_store


async def main(argv: list[str]) -> list[object]:
    url, mode, workspace = argv[:3]
    store = open_store(url, auto_maintain_files=40)  # maintenance runs amid the other writer
    await store.open()
    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.readline)
    results: list[object] = []
    try:
        if mode == "create":
            count, label = int(argv[3]), argv[4]
            batch = int(argv[5]) if len(argv) > 5 else 1
            done = asyncio.Event()

            async def create() -> None:
                for first in range(0, count, batch):
                    titles = [f"{label}-{i}" for i in range(first, min(count, first + batch))]
                    if batch == 1:
                        made = [await store.tasks.create(Task(workspace_id=workspace, title=titles[0]))]
                    else:
                        made = await store.tasks.create_many(
                            [Task(workspace_id=workspace, title=t) for t in titles]
                        )
                    results.extend(t.number for t in made)
                done.set()

            async def read_meanwhile() -> None:
                # A bot reads while it writes: reads must never disturb the snapshot a create commits on.
                while not done.is_set():
                    await store.tasks.list(workspace, TaskQuery(limit=5))

            await asyncio.gather(create(), read_meanwhile())
        elif mode == "update":
            field, label, ids = argv[3], argv[4], argv[5:]
            for task_id in ids:
                await store.tasks.update(workspace, task_id, {field: f"{label}-{task_id}"})
                results.append(task_id)
        else:
            raise SystemExit(f"unknown mode {mode}")
    finally:
        await store.close()
    return results


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1:]))), flush=True)
