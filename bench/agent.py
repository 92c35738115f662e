"""Agent benchmark: a quick-add turn and an offline-model turn, end to end on the Delta store, against raw
writes measured in the same run.

    .venv/bin/python bench/agent.py [--repeat 40]

Each round runs, interleaved: a raw deltalake one-row append, a store ``tasks.create`` (the raw store
write), a quick-add ``add …`` turn through the ConversationHandler, and an offline-model turn ("remind me
to … tomorrow") through the AgentResponder (router → pydantic-ai Agent → FunctionModel → create_task tool →
services → store, plus the conversation history and the AgentLog row). Prints medians and p95 in
milliseconds, ratios to the store write, and the Delta commits each kind of turn makes. Numbers, not
assertions: see docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

import pyarrow as pa
from deltalake import write_deltalake

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.timing import stats, timed
from core.agent.responder import AgentResponder
from core.agent.router import Router
from core.conversation.handler import ConversationHandler
from core.conversation.messages import IncomingMessage
from core.models import Platform, Task
from core.services import Services
from core.store import Store
from storage.factory import open_store

WS = "bench"


def message(text: str) -> IncomingMessage:
    return IncomingMessage(
        platform=Platform.console,
        workspace_id=WS,
        user_id="bench",
        user_name="bench",
        text=text,
        channel_id="terminal",
        is_dm=True,
        timezone="UTC",
    )


async def versions(store: Store) -> dict[str, int]:
    return {t.name: t.version for t in await store.info()}


async def commits(store: Store, turn: Callable[[], Awaitable[object]]) -> str:
    """The Delta commits one turn makes, per table."""
    before = await versions(store)
    await turn()
    after = await versions(store)
    return ", ".join(
        f"{name} {after[name] - before.get(name, -1)}" for name in after if after[name] != before.get(name)
    )


async def main(repeat: int) -> None:
    root = Path(tempfile.mkdtemp(prefix="bench-agent-"))
    raw_path = str(root / "raw_tasks")
    store = open_store(str(root / "data"))
    await store.open()
    services = Services(store)
    # No provider keys: the router's only model is the offline one, so the turn is deterministic and free.
    handler = ConversationHandler(services, AgentResponder(services, Router.from_variables({})))
    first = await handler.handle(message("add Warm up"))
    await handler.handle(message("remind me to warm up tomorrow"))
    user = await services.store.users.find_by_name(WS, "bench")
    assert user is not None and first.tasks, first.text

    raw, store_write, quick, offline = [], [], [], []
    for i in range(repeat):
        row = pa.table({"id": [f"raw-{i}"], "workspace_id": [WS], "title": [f"Raw {i}"], "number": [i]})
        raw.append(
            await timed(lambda row=row: asyncio.to_thread(write_deltalake, raw_path, row, mode="append"))
        )
        task = Task(workspace_id=WS, title=f"Store {i}", created_by=user.id)
        store_write.append(await timed(lambda task=task: store.tasks.create(task)))
        quick.append(await timed(lambda i=i: handler.handle(message(f"add Quick {i} due fri p2"))))
        offline.append(
            await timed(lambda i=i: handler.handle(message(f"remind me to call client {i} tomorrow")))
        )

    base, _ = stats(store_write)
    print(f"Agent turns on the Delta store, {repeat} rounds (ms):")
    for label, samples in (
        ("raw deltalake append (1 row)", raw),
        ("store tasks.create (raw store write)", store_write),
        ("quick-add turn: add …", quick),
        ("offline-model turn: remind me to …", offline),
    ):
        med, p95 = stats(samples)
        print(f"  {label:<40} median {med:8.2f}   p95 {p95:8.2f}   x store write {med / base:5.2f}")
    print("Delta commits per turn:")
    print("  quick-add:     " + await commits(store, lambda: handler.handle(message("add Counted due fri"))))
    print(
        "  offline model: "
        + await commits(store, lambda: handler.handle(message("remind me to count tomorrow")))
    )
    await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=40)
    asyncio.run(main(parser.parse_args().repeat))
