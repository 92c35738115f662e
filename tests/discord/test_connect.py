"""Logging in: REST calls, the Gateway handshake over zlib-stream, heartbeats, and command registration."""

from __future__ import annotations

import discord
import pytest
from pydantic import SecretStr

from bot.discord.settings import api_base
from bot.discord.surface import DiscordSurface
from core.conversation.handler import ConversationHandler
from core.errors import ConfigurationError
from core.services import Services
from core.settings import Settings
from tests.discord.conftest import World, settings_for, start_bot

CONTENT_INTENT = 1 << 15


async def test_login_identify_heartbeat_and_commands(world: World, bot: DiscordSurface) -> None:
    fake = world.fake
    assert ("GET", "/api/v10/users/@me") in fake.requests
    assert ("GET", "/api/v10/oauth2/applications/@me") in fake.requests
    assert ("PUT", f"/api/v10/applications/{fake.application_id}/commands") in fake.requests

    identify = fake.gateway.identifies[0]
    assert identify["token"] == fake.token
    assert identify["intents"] & CONTENT_INTENT  # the fake application has the intent enabled
    assert not identify["intents"] & (1 << 1)  # members: privileged and not needed
    assert fake.gateway.connections[0].compressor is not None  # discord.py asked for zlib-stream
    await fake.wait_for(lambda: fake.gateway.acks >= 1)
    assert fake.gateway.heartbeats >= 1

    assert bot.client is not None
    assert {g.id for g in bot.client.guilds} == {world.acme.id, world.side.id}

    registered = {c["name"]: c for c in fake.commands[None]}
    assert set(registered) == {"task", "project", "orchestrator", "digest"}
    task_subcommands = {o["name"] for o in registered["task"]["options"]}
    assert task_subcommands == {
        "add",
        "list",
        "show",
        "find",
        "history",
        "done",
        "reopen",
        "assign",
        "delete",
        "restore",
        "undo",
    }
    add = next(o for o in registered["task"]["options"] if o["name"] == "add")
    types = {o["name"]: o["type"] for o in add["options"]}
    assert types == {"title": 3, "due": 3, "priority": 3, "project": 3, "assignee": 6, "tags": 3, "share": 5}
    assert next(o for o in add["options"] if o["name"] == "project")["autocomplete"] is True
    subcommands = {o["name"] for o in registered["project"]["options"]}
    assert subcommands == {"add", "list", "show", "chart", "report", "use"}
    chart = {
        o["name"]: o
        for o in next(o for o in registered["project"]["options"] if o["name"] == "chart")["options"]
    }
    assert (chart["days"]["type"], chart["days"]["min_value"], chart["days"]["max_value"]) == (4, 1, 90)
    assert chart["project"]["autocomplete"] is True and chart["project"]["required"] is True
    assert [o["name"] for o in registered["orchestrator"]["options"]] == ["workspace"]
    digest = {o["name"]: o for o in registered["digest"]["options"]}  # a command without subcommands
    assert [c["value"] for c in digest["turn"]["choices"]] == ["on", "off", "now"]
    assert digest["when"]["type"] == 3


async def test_commands_go_to_the_configured_guilds_only(world: World, services: Services) -> None:
    fake = world.fake
    surface = await start_bot(fake, services, command_guilds=[world.acme.id])
    try:
        assert ("PUT", f"/api/v10/applications/{fake.application_id}/guilds/{world.acme.id}/commands") in (
            fake.requests
        )
        assert None not in fake.commands
        assert {c["name"] for c in fake.commands[world.acme.id]} == {
            "task",
            "project",
            "orchestrator",
            "digest",
        }
    finally:
        await surface.stop()


async def test_a_rejected_token_is_a_configuration_error(world: World, services: Services) -> None:
    fake = world.fake
    settings = settings_for(fake)
    settings.bot_token = SecretStr("wrong-token")
    surface = DiscordSurface(services, ConversationHandler(services), settings)
    with pytest.raises(ConfigurationError, match="rejected DISCORD_BOT_TOKEN"):
        await surface.start()
    assert surface.client is None
    assert not fake.gateway.identifies


async def test_dm_channel_creation_and_send(world: World, bot: DiscordSurface) -> None:
    """The fake's DM endpoint, through discord.py itself (Client.create_dm + send)."""
    assert bot.client is not None
    channel = await bot.client.create_dm(discord.Object(id=world.bob.id))
    sent = await channel.send("hello")
    stored = world.fake.messages[sent.id]
    assert stored["channel_id"] == str(world.fake.dm_channels[world.bob.id])
    assert stored["content"] == "hello"


def test_settings_read_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_BOT_TOKEN", "secret-value")
    monkeypatch.setenv("DISCORD_API_URL", "http://127.0.0.1:9/")
    monkeypatch.setenv("DISCORD_COMMAND_GUILDS", "1, 2")
    settings = Settings().discord
    assert settings.token() == "secret-value"
    assert "secret-value" not in repr(settings)
    assert settings.command_guilds == [1, 2]
    assert api_base(settings.api_url or "") == "http://127.0.0.1:9/api/v10"
    assert api_base("https://proxy.example/api/v9") == "https://proxy.example/api/v9"
    monkeypatch.setenv("DISCORD_BOT_TOKEN", " ")
    with pytest.raises(ConfigurationError):
        Settings().discord.token()
