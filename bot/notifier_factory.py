"""Notifiers built from settings alone, for a process without chat surfaces (`reminders run-due`).

`serve` doesn't use this: its surfaces hand over the notifiers on the connections they already hold.
"""

from __future__ import annotations

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
            from bot.slack.notify import slack_notifier_from_settings

            found.append(await stack.enter_async_context(slack_notifier_from_settings(settings.slack)))
        if settings.discord.configured:
            from bot.discord.notify import discord_notifier_from_settings

            found.append(await stack.enter_async_context(discord_notifier_from_settings(settings.discord)))
        yield Notifiers(found)
