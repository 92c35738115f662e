"""One way to talk to each chat surface through its real path, for tests that must hold on all of them.

- Slack: signed Events API DMs posted to the real bolt app; replies read from the loopback Web API.
- Discord: DMs over the fake gateway to the real discord.py client; replies read from the fake REST API.
- Console: lines through the ConsoleAdapter, replies rendered as the terminal prints them.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Protocol

from bot.console import ConsoleAdapter
from bot.discord.surface import DiscordSurface
from bot.discord.translate import workspace_id as discord_workspace
from bot.render_text import plain
from core.conversation.handler import ConversationHandler
from core.models import Platform
from core.services import Services
from core.store import Store
from tests.discord.conftest import World, make_world, start_bot, started_fake
from tests.slack.fake_api import TEAM_ID, FakeSlack, FakeUser
from tests.slack.harness import SlackHarness, dm_event


class Driver(Protocol):
    """A person (alice) talking to the bot on one surface; bob is a second member of her workspace."""

    name: str
    workspace: str

    async def say(self, text: str) -> str:
        """Send ``text`` as alice; the text of the bot's answer."""
        ...

    def bob(self) -> str:
        """How alice names bob in a message on this surface (a platform mention, or @bob)."""
        ...


@dataclass
class SlackDriver:
    harness: SlackHarness
    fake: FakeSlack
    name: str = "slack"
    workspace: str = f"slack:{TEAM_ID}"
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def say(self, text: str) -> str:
        seen = len(self.fake.of("chat.postMessage"))
        await self.harness.event(dm_event(text, ts=f"1700000{next(self._ts):03d}.000100"))
        replies = await self.fake.wait_for("chat.postMessage", seen + 1)
        return str(replies[seen].params.get("text") or "")

    def bob(self) -> str:
        return "<@U2>"  # as Slack writes a mention in an event's text


@dataclass
class DiscordDriver:
    world: World
    name: str = "discord"

    @property
    def workspace(self) -> str:
        return discord_workspace(self.world.acme.id)

    async def say(self, text: str) -> str:
        # Discord lists the people a message mentions beside its content, as the gateway does.
        named = tuple(u for u in (self.world.bob,) if str(u.id) in text)
        said = await self.world.fake.say(self.world.alice, text, mentions=named)
        reply = await self.world.fake.wait_reply(int(said["id"]))
        parts = [str(reply.get("content") or "")]
        for embed in reply.get("embeds", []):  # what the person reads, embeds included
            parts += [embed.get("title") or "", embed.get("description") or ""]
            parts += [f.get("value") or "" for f in embed.get("fields", [])]
            parts.append((embed.get("footer") or {}).get("text") or "")
        return "\n".join(p for p in parts if p)

    def bob(self) -> str:
        return f"<@!{self.world.bob.id}>"  # the nickname form discord clients still send


@dataclass
class ConsoleDriver:
    handler: ConversationHandler
    services: Services
    name: str = "console"
    workspace: str = "local"

    def __post_init__(self) -> None:
        self.adapter = ConsoleAdapter(
            self.handler,
            workspace="local",
            user="alice",
            timezone="UTC",
            stdin=io.StringIO(),
            stdout=io.StringIO(),
        )

    async def say(self, text: str) -> str:
        reply = await self.handler.handle(self.adapter.message(text))
        return plain(reply)

    def bob(self) -> str:
        return "@bob"


SURFACES = ("slack", "discord", "console")


@asynccontextmanager
async def driver(surface: str, store: Store) -> AsyncIterator[Driver]:
    """A running surface over ``store`` with alice and bob as members; stopped on exit."""
    if surface == "slack":
        fake = FakeSlack(
            users={
                # The same zone on every surface, so "fri" is the same day for alice everywhere.
                "U1": FakeUser("U1", "alice", "alice", "alice@example.com", "UTC"),
                "U2": FakeUser("U2", "bob", "bob", "bob@example.com", "UTC"),
            }
        )
        await fake.start()
        harness = SlackHarness(fake, store)
        await harness.start()
        try:
            yield SlackDriver(harness, fake)
        finally:
            await harness.stop()
            await fake.stop()
    elif surface == "discord":
        server = await started_fake()
        world = make_world(server)
        bot: DiscordSurface = await start_bot(server, Services(store))
        try:
            yield DiscordDriver(world)
        finally:
            await bot.stop()
            await server.stop()
    else:
        services = Services(store)
        await services.users.ensure_workspace("local", Platform.console)
        await services.users.ensure_user("local", "alice", timezone="UTC")  # as `orchestrator chat` does
        await services.users.ensure_user("local", "bob", timezone="UTC")  # `orchestrator users add bob`
        yield ConsoleDriver(ConversationHandler(services), services)
