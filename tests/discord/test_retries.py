"""An answer Discord refuses once with a 503 (which discord.py does not retry) is sent again, not lost."""

from __future__ import annotations

from aiohttp import web

from bot.discord.surface import DiscordSurface
from core.services import Services
from tests.discord.conftest import World, task


async def test_a_reply_refused_once_with_a_503_is_sent_again(
    world: World, bot: DiscordSurface, services: Services
) -> None:
    fake = world.fake
    refused: list[str] = []

    async def once(request: web.Request) -> web.StreamResponse | None:
        if request.method == "POST" and request.path.endswith("/messages") and not refused:
            refused.append(request.path)
            return web.json_response({"message": "Service Unavailable", "code": 0}, status=503)
        return None

    fake.rest.fault = once
    said = await fake.say(world.bob, "add Survives a hiccup")
    reply = await fake.wait_reply(int(said["id"]))
    assert len(refused) == 1
    assert reply["content"] == "Created T-1."
    assert (await task(services, world.acme_ws, 1)).title == "Survives a hiccup"
