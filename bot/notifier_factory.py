"""Notifiers built from settings alone, for a process without chat surfaces (`reminders run-due`).

`serve` doesn't use this: its surfaces hand over the notifiers on the connections they already hold.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from bot.console_notify import ConsoleNotifier
from bot.notifiers import Notifiers
from bot.render_text import plain
from core.conversation.messages import Reply
from core.schedule.notify import Notifier
from core.settings import Settings


def _print(reply: Reply) -> None:
    print(plain(reply))


@asynccontextmanager
async def notifiers_from_settings(settings: Settings) -> AsyncIterator[Notifiers]:
    """Slack and Discord notifiers for the configured tokens, and the console's (printing to stdout)."""
    found: list[Notifier] = [ConsoleNotifier(_print)]
    async with AsyncExitStack() as stack:
        if settings.slack.configured:
            from bot.slack.app import web_client
            from bot.slack.notify import SlackNotifier

            found.append(SlackNotifier(web_client(settings.slack)))
        if settings.discord.configured:
            import discord

            from bot.discord.notify import DiscordNotifier
            from bot.discord.settings import apply_endpoints

            apply_endpoints(settings.discord)
            http = discord.http.HTTPClient(asyncio.get_running_loop())
            stack.push_async_callback(http.close)
            me = await http.static_login(settings.discord.token())  # REST only: no gateway connection
            found.append(DiscordNotifier(http, bot_user_id=int(me["id"])))
        yield Notifiers(found)
