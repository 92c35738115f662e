"""A normal start of `serve` logs no warning: bolt's "token will be unused", discord.py's voice warnings."""

from __future__ import annotations

import logging

import discord
import pytest

from bot.discord.client import OrchestratorClient
from bot.slack.surface import SlackSurface
from core.conversation.handler import ConversationHandler
from core.services import Services
from core.settings import DiscordSettings, SlackSettings


def warnings_in(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


async def test_the_slack_surface_builds_without_warnings_with_the_token_in_the_environment(
    services: Services, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # bolt reads SLACK_BOT_TOKEN itself; with a prebuilt client it warned that the token would be unused.
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-env-token")
    settings = SlackSettings(bot_token="xoxb-env-token", signing_secret="s", api_url="http://127.0.0.1:9/api")
    with caplog.at_level(logging.WARNING):
        surface = SlackSurface(ConversationHandler(services), services, settings)
    assert warnings_in(caplog) == []
    assert surface.app.client.token == "xoxb-env-token"
    assert surface.app.client.base_url == "http://127.0.0.1:9/api/"


async def test_the_discord_client_builds_without_voice_warnings(
    services: Services, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # As on a fresh process: discord.py has not warned yet (neither PyNaCl nor davey is installed).
    monkeypatch.setattr(discord.VoiceClient, "warn_nacl", True)
    monkeypatch.setattr(discord.VoiceClient, "warn_dave", True)
    with caplog.at_level(logging.WARNING):
        client = OrchestratorClient(services, ConversationHandler(services), message_content=True)
    try:
        assert warnings_in(caplog) == []
    finally:
        await client.close()
    assert DiscordSettings().bot_token is None  # nothing read from the environment by the section itself
