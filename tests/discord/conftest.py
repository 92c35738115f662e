"""Fixtures: a fake Discord on 127.0.0.1, a real Delta store in tmp_path (tests/conftest.py), and the bot."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.discord.settings import DiscordSettings
from bot.discord.surface import DiscordSurface
from bot.discord.translate import workspace_id
from core.conversation.handler import ConversationHandler
from core.models import Task
from core.services import Services
from tests.discord.fake import FakeDiscord
from tests.discord.fake.payloads import FakeGuild, FakeUser, Json
from tests.loop_guard import loop_guard, pytest_runtest_call, warm_start  # noqa: F401  (autouse)

WAIT = 15.0


@dataclass
class World:
    """alice and bob share Acme with the bot; carol is in Side Project; dave is in both."""

    fake: FakeDiscord
    alice: FakeUser
    bob: FakeUser
    carol: FakeUser
    dave: FakeUser
    acme: FakeGuild
    side: FakeGuild

    @property
    def acme_ws(self) -> str:
        return workspace_id(self.acme.id)

    @property
    def side_ws(self) -> str:
        return workspace_id(self.side.id)

    def mention(self, who: FakeUser | None = None) -> str:
        return f"<@{(who or self.fake.bot).id}>"


class LogWatch(logging.Handler):
    """Collects log records and wakes waiters, so tests wait on "it was logged" instead of sleeping."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self._loop = asyncio.get_running_loop()
        self._event = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self._loop.call_soon_threadsafe(self._event.set)  # discord.py also logs from its heartbeat thread

    def messages(self, text: str) -> list[str]:
        return [r.getMessage() for r in self.records if text in r.getMessage()]

    async def wait_for(self, text: str, count: int = 1) -> list[str]:
        async with asyncio.timeout(WAIT):
            while len(found := self.messages(text)) < count:
                self._event.clear()
                await self._event.wait()
        return found


@pytest.fixture(autouse=True)
def _restore_endpoints() -> Iterator[None]:
    """apply_endpoints() sets class attributes of discord.py; put them back after each test."""
    base, gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    yield
    Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


@pytest.fixture
async def logs() -> AsyncIterator[LogWatch]:
    watch = LogWatch()
    for name in ("bot.discord", "discord"):
        logging.getLogger(name).addHandler(watch)
    old = logging.getLogger("bot.discord").level
    logging.getLogger("bot.discord").setLevel(logging.DEBUG)
    try:
        yield watch
    finally:
        logging.getLogger("bot.discord").setLevel(old)
        for name in ("bot.discord", "discord"):
            logging.getLogger(name).removeHandler(watch)


def make_world(fake: FakeDiscord) -> World:
    alice = fake.add_user("alice", "Alice A.")
    bob = fake.add_user("bob")
    carol = fake.add_user("carol")
    dave = fake.add_user("dave")
    acme = fake.add_guild("Acme", [alice, bob, dave])
    side = fake.add_guild("Side Project", [carol, dave])
    return World(fake, alice, bob, carol, dave, acme, side)


async def started_fake(**kw: Any) -> FakeDiscord:
    server = FakeDiscord(**kw)
    await server.start()
    return server


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = await started_fake()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
def world(fake: FakeDiscord) -> World:
    return make_world(fake)


def settings_for(fake: FakeDiscord, **extra: Any) -> DiscordSettings:
    """DISCORD_API_URL without the /api/v10 suffix on purpose: the settings add it."""
    return DiscordSettings(
        bot_token=fake.token, api_url=f"http://127.0.0.1:{fake.port}", gateway_url=fake.gateway_url, **extra
    )


async def start_bot(
    fake: FakeDiscord, services: Services, *, handler: ConversationHandler | None = None, **extra: Any
) -> DiscordSurface:
    """A DiscordSurface logged in to ``fake`` and past on_ready (READY + every GUILD_CREATE)."""
    surface = DiscordSurface(
        services,
        handler or ConversationHandler(services),
        settings_for(fake, **extra),
        guild_ready_timeout=0.05,
    )
    await surface.start()
    async with asyncio.timeout(WAIT):
        await surface.wait_until_ready()
    return surface


@pytest.fixture
async def bot(world: World, services: Services) -> AsyncIterator[DiscordSurface]:
    surface = await start_bot(world.fake, services)
    try:
        yield surface
    finally:
        await surface.stop()


async def task(services: Services, workspace: str, number: int) -> Task:
    found = await services.store.tasks.get_by_number(workspace, number)
    assert found is not None, f"T-{number} is not in {workspace}"
    return found


def buttons(msg: Json) -> list[Json]:
    return [c for row in msg.get("components", []) for c in row.get("components", [])]


def button_id(msg: Json, action: str, task: str) -> str:
    """The custom id of ``msg``'s ``action`` button for ``task`` (its ref, e.g. ``T-3``)."""
    wanted = [b["custom_id"] for b in buttons(msg) if b["custom_id"].startswith(f"task:{action}:")]
    matches = [b for b in wanted if b.endswith(f":{task}")]
    assert matches, f"no {action} button for {task} in {wanted}"
    return matches[0]
