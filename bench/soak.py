"""A bounded soak: 20 people chatting with the bot on Slack and Discord while the platforms misbehave.

    .venv/bin/python bench/soak.py [--minutes 10] [--users 20] [--fault-rate 0.02] [--stall-rate 0.02]

The bot runs in this process, as `serve` wires it: the Slack surface (the real bolt app behind aiohttp,
signed Events API DMs and `/task` slash commands) and the Discord surface (unmodified discord.py logged in to
the fake Gateway), over one Delta store in a temporary folder, with no LLM key. Half the users are on each
platform.
Each one loops until the time is up: a random command (add, list, done, edit, assign, delete + yes, undo, use,
show), waits for the answer, thinks 1–3 s. The loopback fakes (tests/slack/fake_api.py,
tests/discord/fake/) answer a share of the bot's Web API / REST calls with a 5xx, and stall another share for
2–6 s before answering. The fakes keep no history here, so their memory stays out of the figures.

Reported: reply latency p50/p99 per platform (message sent → answer seen), RSS of this process (VmRSS) when
the bot is ready, after the first minute and at the end, replies that were incidents ("Something went wrong"),
replies that never came, and the store afterwards: every create a user saw acknowledged is there exactly
once, every task has its create event and at least as many audit events as acknowledged changes, no ref twice.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.discord.translate import workspace_id as discord_workspace  # noqa: E402
from core.models import AuditEvent, Task  # noqa: E402
from core.services import Services  # noqa: E402
from core.store import Store, TaskQuery  # noqa: E402
from storage.factory import open_store  # noqa: E402
from tests.discord.conftest import start_bot  # noqa: E402
from tests.discord.fake.payloads import FakeUser as DiscordUser  # noqa: E402
from tests.discord.fake.payloads import Json  # noqa: E402
from tests.discord.fake.server import FakeDiscord  # noqa: E402
from tests.slack.fake_api import TEAM_ID, Call, FakeSlack, FakeUser  # noqa: E402
from tests.slack.harness import SlackHarness, dm_event  # noqa: E402

INCIDENT = "Something went wrong on my side"
REPLY_WAIT = 30.0  # discord.py retries a 500/502 up to 4 times, sleeping 1, 3, 5, 7 s
_CREATED = re.compile(r"Created (T-\d+)")
_UNDID = re.compile(r"Undid your last change: (\w+) of (T-\d+)")


def rss_mb() -> float:
    """VmRSS of this process (the bot runs here), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class Faults:
    """The fakes' fault switch: a 5xx for ``error_rate`` of requests, a 2–6 s stall for ``stall_rate``."""

    error_rate: float
    stall_rate: float
    statuses: tuple[int, ...]
    rng: random.Random
    active: bool = False
    injected: Counter[str] = field(default_factory=Counter)

    async def __call__(self, request: web.Request) -> web.StreamResponse | None:
        if not self.active:
            return None
        roll = self.rng.random()
        if roll < self.error_rate:
            status = self.rng.choice(self.statuses)
            self.injected[f"{status}"] += 1
            return web.json_response({"message": "injected", "code": 0}, status=status)
        if roll < self.error_rate + self.stall_rate:
            self.injected["stall"] += 1
            await asyncio.sleep(self.rng.uniform(2.0, 6.0))
        return None


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"slack": [], "discord": []})
    turns: Counter[str] = field(default_factory=Counter)
    incidents: list[str] = field(default_factory=list)
    lost: Counter[str] = field(default_factory=Counter)
    unexpected: list[str] = field(default_factory=list)
    acked_creates: dict[tuple[str, str], str] = field(default_factory=dict)  # (workspace, ref) → title
    acked_changes: Counter[tuple[str, str]] = field(default_factory=Counter)  # (workspace, ref) → count


@dataclass
class User:
    """One simulated person: who they are on their platform and the tasks they made (still there)."""

    surface: str
    name: str
    workspace: str
    mention_of_other: str
    refs: list[str] = field(default_factory=list)
    made: int = 0


# -- the world: both fakes, both surfaces, one store -------------------------------------------------------


class SoakSlack(FakeSlack):
    """The fake Slack Web API, keeping no history: each answer goes to whoever waits on its channel or key."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.waiting: dict[str, asyncio.Future[str]] = {}

    async def _record(self, call: Call) -> None:
        if call.method == "chat.postMessage":
            key = str(call.params.get("channel"))
        elif call.method == "response_url":
            key = call.path.rsplit("/", 1)[-1]
        else:
            return
        waiter = self.waiting.pop(key, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(str(call.params.get("text") or ""))


class SoakDiscord(FakeDiscord):
    """The fake Discord, keeping only what is unanswered: a reply goes to whoever waits on the message."""

    def __init__(self) -> None:
        super().__init__()
        self.waiting: dict[int, asyncio.Future[str]] = {}

    async def store_message(self, data: Json) -> None:
        asked = (data.get("message_reference") or {}).get("message_id")
        if asked is None:  # a person's message: stored and dispatched to the bot as usual
            await super().store_message(data)
            return
        self.messages.pop(int(asked), None)
        waiter = self.waiting.pop(int(asked), None)
        if waiter is not None and not waiter.done():
            parts = [str(data.get("content") or "")]
            for embed in data.get("embeds") or []:
                parts += [embed.get("title") or "", embed.get("description") or ""]
                parts += [f.get("value") or "" for f in embed.get("fields", [])]
            waiter.set_result("\n".join(p for p in parts if p))

    def prune(self) -> None:
        """Drop what the fake keeps for tests (requests, RESUME buffer): the fake's memory, not the bot's."""
        self.requests.clear()
        for session in self.gateway.sessions.values():
            del session.events[:-50]


@dataclass
class SoakWorld:
    store: Store
    slack: SoakSlack
    harness: SlackHarness
    discord: SoakDiscord
    discord_users: dict[str, DiscordUser]
    workspaces: tuple[str, str]
    stop_discord: Callable[[], Awaitable[None]]

    def people(self) -> Iterator[tuple[str, str, str, str]]:
        """(surface, name, workspace, how they mention someone else) for every simulated user."""
        slack_ids = sorted(self.slack.users)
        for i, uid in enumerate(slack_ids):
            yield "slack", uid, self.workspaces[0], f"<@{slack_ids[(i + 1) % len(slack_ids)]}>"
        names = sorted(self.discord_users)
        for i, name in enumerate(names):
            other = self.discord_users[names[(i + 1) % len(names)]]
            yield "discord", name, self.workspaces[1], f"<@{other.id}>"

    async def slack_say(self, user: str, text: str, *, slash: bool, within: float) -> str:
        """A DM event (answered with chat.postMessage) or a `/task` command (answered on its response_url)."""
        waiter: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        n = self.harness.next_id()
        key = f"soak-{n}" if slash else f"D{user}"
        self.slack.waiting[key] = waiter
        try:
            if slash:
                form = {"team_id": TEAM_ID, "team_domain": "acme", "channel_id": "C1", "user_id": user,
                        "command": "/task", "text": text, "response_url": self.slack.response_url(key),
                        "trigger_id": f"trigger-soak-{n}"}  # fmt: skip
                await self.harness.post(urlencode(form), "application/x-www-form-urlencoded")
            else:
                event = dm_event(text, user=user, channel=key, ts=f"{1_700_000_000 + n}.000100")
                await self.harness.event(event, event_id=f"EvSoak{n}")
            return await asyncio.wait_for(waiter, within)
        finally:
            self.slack.waiting.pop(key, None)

    async def discord_say(self, user: str, text: str, *, within: float) -> str:
        """A DM to the bot over the fake Gateway; the answer is the bot's reply to it."""
        waiter: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        message_id = self.discord.ids()
        self.discord.waiting[message_id] = waiter
        named = tuple(u for u in self.discord_users.values() if f"<@{u.id}>" in text)
        try:
            await self.discord.say(self.discord_users[user], text, message_id=message_id, mentions=named)
            return await asyncio.wait_for(waiter, within)
        finally:
            self.discord.waiting.pop(message_id, None)
            self.discord.messages.pop(message_id, None)

    async def settle(self) -> None:
        """Stop both surfaces, letting work they acknowledged finish (the store stays open)."""
        await self.harness.stop()
        await self.stop_discord()

    async def all_tasks(self, workspace: str) -> list[Task]:
        page = await self.store.tasks.list(workspace, TaskQuery(limit=1_000_000, include_deleted=True))
        assert page.total == len(page.items), "the listing was cut short"
        return page.items


@asynccontextmanager
async def open_world(
    folder: Path, slack_users: int, discord_users: int, faults: dict[str, Faults]
) -> AsyncIterator[SoakWorld]:
    """Both fakes and both surfaces over one Delta store in ``folder``; each workspace has a #Soak project."""
    store = open_store(str(folder / "data"))
    await store.open()
    people = {f"U{k}": FakeUser(f"U{k}", f"s{k}") for k in range(1, slack_users + 1)}
    slack = SoakSlack(users=people, fault=faults["slack"])
    await slack.start()
    harness = SlackHarness(slack, store)
    await harness.start()
    discord = SoakDiscord()
    await discord.start()
    members = {f"d{k}": discord.add_user(f"d{k}") for k in range(1, discord_users + 1)}
    guild = discord.add_guild("Soak", list(members.values()))
    bot = await start_bot(discord, Services(store))
    discord.rest.fault = faults["discord"]
    world = SoakWorld(
        store, slack, harness, discord, members, (f"slack:{TEAM_ID}", discord_workspace(guild.id)), bot.stop
    )
    try:
        await world.slack_say("U1", "project add Soak", slash=False, within=30)
        await world.discord_say("d1", "project add Soak", within=30)
        yield world
    finally:
        await harness.stop()
        await bot.stop()
        await discord.stop()
        await slack.stop()
        await store.close()


class Soak:
    def __init__(self, world: SoakWorld, stats: Stats, rng: random.Random, until: float) -> None:
        self.world, self.stats, self.rng, self.until = world, stats, rng, until

    async def say(self, user: User, text: str, *, slash: bool = False) -> str | None:
        """Send ``text`` as ``user``; the answer's text, or None when none came within REPLY_WAIT."""
        started = time.perf_counter()
        try:
            if user.surface == "slack":
                reply = await self.world.slack_say(user.name, text, slash=slash, within=REPLY_WAIT)
            else:
                reply = await self.world.discord_say(user.name, text, within=REPLY_WAIT)
        except TimeoutError:
            self.stats.lost[user.surface] += 1
            return None
        self.stats.latencies[user.surface].append(time.perf_counter() - started)
        self.stats.turns[user.surface] += 1
        if INCIDENT in reply:
            self.stats.incidents.append(f"{user.surface} {text!r}: {reply[:120]!r}")
        return reply

    def unexpected(self, user: User, text: str, reply: str) -> None:
        self.stats.unexpected.append(f"{user.surface} {text!r}: {reply[:120]!r}")

    def acked(self, user: User, ref: str) -> None:
        self.stats.acked_changes[(user.workspace, ref)] += 1

    async def run_user(self, user: User) -> None:
        await asyncio.sleep(self.rng.uniform(0, 3))  # people don't all start at once
        while time.monotonic() < self.until:
            await self.step(user)
            await asyncio.sleep(self.rng.uniform(1.0, 3.0))

    async def step(self, user: User) -> None:
        roll = self.rng.random()
        slash = user.surface == "slack" and self.rng.random() < 0.3
        if not user.refs or roll < 0.30:
            await self.add(user, slash)
            return
        ref = self.rng.choice(user.refs)
        if roll < 0.50:
            text = self.rng.choice(("list", "list mine", "list #Soak", "list all", "list overdue"))
            await self.expect(user, text, None, slash)
        elif roll < 0.60:
            if await self.expect(user, f"done {ref}", ref, slash):
                user.refs.remove(ref)  # a completed task is left alone
        elif roll < 0.70:
            change = self.rng.choice(("due fri", "p1", "+soak", "due none", "!low -soak"))
            await self.expect(user, f"edit {ref} {change}", ref, slash)
        elif roll < 0.78:
            await self.expect(user, f"assign {ref} {user.mention_of_other}", ref, slash)
        elif roll < 0.85:
            await self.delete(user, ref)
        elif roll < 0.90:
            await self.undo(user, slash)
        elif roll < 0.95:
            await self.expect(user, self.rng.choice(("use #Soak", "use none")), None, slash)
        else:
            await self.expect(user, f"show {ref}", None, slash)

    async def add(self, user: User, slash: bool) -> None:
        user.made += 1
        title = f"Soak {user.name} {user.made}"
        extra = self.rng.choice(("", " due fri", " p2", " #Soak", " +soak", " due tomorrow p1"))
        reply = await self.say(user, f"add {title}{extra}", slash=slash)
        if reply is None:
            return
        found = _CREATED.search(reply)
        if found is None:
            self.unexpected(user, title, reply)
            return
        user.refs.append(found[1])
        self.stats.acked_creates[(user.workspace, found[1])] = title
        self.acked(user, found[1])

    async def expect(self, user: User, text: str, ref: str | None, slash: bool) -> bool:
        """Send a command; True when it succeeded (a change to ``ref`` is then counted as acknowledged)."""
        reply = await self.say(user, text, slash=slash)
        if reply is None:
            return False
        if "doesn't exist" in reply or "⚠" in reply or INCIDENT in reply or "I didn't" in reply:
            self.unexpected(user, text, reply)
            return False
        # Edits and assigns may change nothing (`due fri` when it already is); the audit replay checks those.
        if ref is not None and text.startswith("done"):
            self.acked(user, ref)
        return True

    async def delete(self, user: User, ref: str) -> None:
        ask = await self.say(user, f"delete {ref}")
        if ask is None:
            return
        if "yes" not in ask:
            self.unexpected(user, f"delete {ref}", ask)
            return
        done = await self.say(user, "yes")
        if done is not None and f"Deleted {ref}" in done:
            user.refs.remove(ref)
            self.acked(user, ref)
        elif done is not None:
            self.unexpected(user, "yes", done)

    async def undo(self, user: User, slash: bool) -> None:
        reply = await self.say(user, "undo", slash=slash)
        if reply is None or (found := _UNDID.search(reply)) is None:
            return
        action, ref = found[1], found[2]
        self.acked(user, ref)
        if action == "create" and ref in user.refs:
            user.refs.remove(ref)
        elif action == "delete" and ref not in user.refs:
            user.refs.append(ref)


async def consistency(world: SoakWorld, stats: Stats) -> list[str]:
    """Every acknowledged create present once, no ref twice, and the audit trail explains every task: its
    events, replayed from the create, give the stored row; there are at least as many as acknowledged changes.
    """
    problems: list[str] = []
    for workspace in world.workspaces:
        tasks = await world.all_tasks(workspace)
        events = list(reversed(await world.store.audit.list(workspace, limit=1_000_000)))  # oldest first
        events.sort(key=lambda e: e.created_at)
        refs = Counter(f"T-{t.number}" for t in tasks)
        problems += [f"{workspace}: {ref} is stored {n} times" for ref, n in refs.items() if n > 1]
        titles = Counter(t.title for t in tasks)
        problems += [f"{workspace}: '{t}' stored {n} times" for t, n in titles.items() if n > 1]
        by_ref = {f"T-{t.number}": t for t in tasks}
        for (ws, ref), title in stats.acked_creates.items():
            task = by_ref.get(ref)
            if ws == workspace and (task is None or task.title != title):
                problems.append(f"{workspace}: acknowledged {ref} '{title}' is missing or changed")
        trail: dict[str, list[AuditEvent]] = {}
        for event in events:
            trail.setdefault(event.entity_id, []).append(event)
        for task in tasks:
            problems += replay_problems(workspace, task, trail.get(task.id, []))
        for (ws, ref), count in stats.acked_changes.items():
            task = by_ref.get(ref) if ws == workspace else None
            have = len(trail.get(task.id, [])) if task else 0
            if ws == workspace and have < count:
                problems.append(f"{workspace}: {ref} had {count} acknowledged changes, {have} events")
    return problems


def replay_problems(workspace: str, task: Task, events: list[AuditEvent]) -> list[str]:
    """The task's events, oldest first, replayed from its create: what differs from the stored row."""
    if not events or events[0].action.value != "create":
        return [f"{workspace}: T-{task.number} has no create event"]
    state = dict(events[0].after or {})
    for event in events[1:]:
        state.update(event.after or {})
    stored = task.model_dump(mode="json")
    # updated_at is stamped by every write; the events carry the fields that changed.
    differs = sorted(k for k in state if k != "updated_at" and state[k] != stored.get(k))
    if differs:
        return [f"{workspace}: T-{task.number}: the audit trail doesn't explain {differs}"]
    return []


def quantiles(values: list[float]) -> str:
    if len(values) < 2:
        return "n/a"
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return f"p50 {cuts[49] * 1000:.0f} ms, p99 {cuts[98] * 1000:.0f} ms, max {max(values) * 1000:.0f} ms"


async def main(args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)
    faults = {
        "slack": Faults(args.fault_rate, args.stall_rate, (500, 503), random.Random(args.seed + 1)),
        "discord": Faults(args.fault_rate, args.stall_rate, (500, 502, 503), random.Random(args.seed + 2)),
    }
    with tempfile.TemporaryDirectory(prefix="soak-") as folder:
        async with open_world(Path(folder), args.users // 2, args.users - args.users // 2, faults) as world:
            stats = Stats()
            users = [User(s, name, ws, other) for s, name, ws, other in world.people()]
            ready_rss, load_start = rss_mb(), os.getloadavg()
            print(f"ready: RSS {ready_rss:.1f} MB, load {load_start[0]:.2f}, {len(users)} users", flush=True)
            started = time.monotonic()
            until = started + args.minutes * 60
            soak = Soak(world, stats, rng, until)
            for switch in faults.values():
                switch.active = True
            runners = [asyncio.create_task(soak.run_user(u)) for u in users]
            samples: list[tuple[float, float]] = []
            while not all(r.done() for r in runners):
                await asyncio.sleep(5)
                world.discord.prune()
                elapsed = time.monotonic() - started
                if not samples or elapsed - samples[-1][0] >= 30:
                    samples.append((elapsed, rss_mb()))
                    turns, load = sum(stats.turns.values()), os.getloadavg()[0]
                    print(
                        f"  {elapsed:5.0f} s  RSS {samples[-1][1]:.1f} MB  turns {turns}  load {load:.2f}",
                        flush=True,
                    )
            await asyncio.gather(*runners)
            for switch in faults.values():
                switch.active = False
            gc.collect()
            end_rss, load_end = rss_mb(), os.getloadavg()  # the bot still up, the load over
            await world.settle()
            problems = await consistency(world, stats)
    injected = {k: dict(v.injected) for k, v in faults.items()}
    print(f"\nsoak of {args.minutes} min, {len(users)} users, faults injected: {injected}")
    for surface, values in stats.latencies.items():
        print(f"  {surface}: {stats.turns[surface]} answers, {quantiles(values)}, lost {stats.lost[surface]}")
    print(f"  all: {quantiles(stats.latencies['slack'] + stats.latencies['discord'])}")
    base = next((mb for t, mb in samples if t >= 60), ready_rss)  # once caches and tables are warm
    growth = f"{(end_rss / ready_rss - 1) * 100:+.1f}% vs ready, {(end_rss / base - 1) * 100:+.1f}% vs 1 min"
    print(f"  RSS: ready {ready_rss:.1f} MB, after 1 min {base:.1f} MB, end {end_rss:.1f} MB ({growth})")
    print(f"  RSS every 30 s: {', '.join(f'{mb:.0f}' for _, mb in samples)} MB")
    print(f"  load average: start {load_start[0]:.2f}, end {load_end[0]:.2f}, 15 min {load_end[2]:.2f}")
    print(f"  incident replies: {len(stats.incidents)}; unexpected replies: {len(stats.unexpected)}")
    for line in (stats.incidents + stats.unexpected)[:15]:
        print(f"    {line}")
    changes = sum(stats.acked_changes.values())
    print(f"  acknowledged creates: {len(stats.acked_creates)}, acknowledged changes: {changes}")
    print(f"  store inconsistencies: {len(problems)}")
    for line in problems[:20]:
        print(f"    {line}")
    return 1 if problems or stats.incidents else 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--fault-rate", type=float, default=0.02, help="share of fake API calls answered 5xx")
    parser.add_argument("--stall-rate", type=float, default=0.02, help="share stalled 2–6 s before answering")
    parser.add_argument("--seed", type=int, default=12)
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
