"""Pointing discord.py at another REST/Gateway host, and the intents; the ``DISCORD_*`` values are the Discord
section of the one Settings (core/settings.py).

``DISCORD_API_URL`` and ``DISCORD_GATEWAY_URL`` exist for proxies and for the loopback fake in the tests.
discord.py keeps both endpoints as class attributes, so applying them affects every client in the process.
"""

from __future__ import annotations

import re

import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from core.settings import DiscordSettings

__all__ = ["DiscordSettings", "api_base", "apply_endpoints", "intents"]

_API_VERSION = re.compile(r"/api/v\d+/?$")


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
