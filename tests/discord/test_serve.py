"""`orchestrator serve` wiring: DISCORD_* variables select and configure the Discord surface."""

from __future__ import annotations

import asyncio

import pytest

from bot.discord.surface import DiscordSurface
from bot.serve import configured_surfaces
from bot.wiring import Runtime
from core.conversation.handler import ConversationHandler
from core.services import Services
from core.settings import Settings
from tests.discord.conftest import WAIT, World


async def test_serve_runs_discord_from_the_environment(
    world: World, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = world.fake
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "DISCORD_COMMAND_GUILDS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DISCORD_BOT_TOKEN", fake.token)
    monkeypatch.setenv("DISCORD_API_URL", fake.api_url)
    monkeypatch.setenv("DISCORD_GATEWAY_URL", fake.gateway_url)
    rt = Runtime(Settings(), services.store, services, ConversationHandler(services))

    surfaces = configured_surfaces(rt)
    assert [type(s) for s in surfaces] == [DiscordSurface]
    surface = surfaces[0]
    assert isinstance(surface, DiscordSurface)
    await surface.start()
    try:
        async with asyncio.timeout(WAIT):
            await surface.wait_until_ready()
        said = await fake.say(world.bob, "add Via serve")
        assert (await fake.wait_reply(int(said["id"])))["content"] == "Created T-1."
    finally:
        await surface.stop()
    assert not fake.gateway.connections or await fake.wait_for(lambda: not fake.gateway.connections)
