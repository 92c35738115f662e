"""Discord settings from the environment, and pointing discord.py at another REST/Gateway host.

``DISCORD_API_URL`` and ``DISCORD_GATEWAY_URL`` exist for proxies and for the loopback fake in the tests.
discord.py keeps both endpoints as class attributes, so applying them affects every client in the process.
"""

from __future__ import annotations

import re
from typing import Annotated

import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from core.errors import ConfigurationError

_API_VERSION = re.compile(r"/api/v\d+/?$")


class DiscordSettings(BaseSettings):
    """``DISCORD_*`` variables; only the token is required."""

    model_config = SettingsConfigDict(env_prefix="DISCORD_", env_file=".env", extra="ignore")

    bot_token: SecretStr = SecretStr("")
    api_url: str | None = Field(default=None, description="REST base, e.g. https://proxy.example/api/v10")
    gateway_url: str | None = Field(default=None, description="Gateway URL, e.g. wss://proxy.example/")
    command_guilds: Annotated[list[int], NoDecode] = Field(
        default_factory=list,
        description="register slash commands in these guilds only (instant; for development)",
    )

    @field_validator("command_guilds", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        # `DISCORD_COMMAND_GUILDS=1,2` is friendlier than the JSON list pydantic-settings expects.
        if isinstance(value, str):
            return [int(v) for v in re.split(r"[,\s]+", value.strip()) if v]
        if isinstance(value, int):
            return [value]
        return value

    def token(self) -> str:
        """The bot token; raises ConfigurationError when unset. Never log the result."""
        value = self.bot_token.get_secret_value().strip()
        if not value:
            raise ConfigurationError("DISCORD_BOT_TOKEN is not set.", hint="See docs/discord.md.")
        return value


def api_base(url: str) -> str:
    """``http://host:1234`` → ``http://host:1234/api/v10``; a URL that names a version is kept."""
    trimmed = url.rstrip("/")
    return trimmed if _API_VERSION.search(trimmed + "/") else f"{trimmed}/api/v10"


def apply_endpoints(settings: DiscordSettings) -> None:
    """Point discord.py's REST routes and Gateway at the configured hosts (no-op for unset values)."""
    if settings.api_url:
        Route.BASE = api_base(settings.api_url)
    if settings.gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)


def intents(*, message_content: bool) -> discord.Intents:
    """Guilds, guild messages and DMs; message content only when the application may have it.

    Members and presences stay off: they are privileged and the bot does not need them (mentioned users arrive
    inside the message payload, and DM membership is checked with one REST call per guild).
    """
    value = discord.Intents.default()
    value.message_content = message_content
    value.members = False
    value.presences = False
    return value
