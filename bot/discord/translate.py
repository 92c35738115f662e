"""Discord objects → ``IncomingMessage``: pure functions, no I/O.

Mentions of other people stay in the text as Discord writes them (``<@123>`` / ``<@!123>``) so the core
resolves them by ``discord_user_id``; only mentions of the bot itself (its user or its managed role) are
removed.
"""

from __future__ import annotations

import re

import discord

from core.conversation.messages import IncomingMessage
from core.models import Platform

WORKSPACE_PREFIX = "discord:"


def workspace_id(guild_id: int) -> str:
    """Workspace = guild: ``discord:<guild_id>``."""
    return f"{WORKSPACE_PREFIX}{guild_id}"


def guild_id_of(workspace: str) -> int | None:
    """The guild id inside ``discord:<guild_id>``; None for any other workspace."""
    if not workspace.startswith(WORKSPACE_PREFIX):
        return None
    rest = workspace[len(WORKSPACE_PREFIX) :]
    return int(rest) if rest.isdigit() else None


def user_mention(user_id: int) -> str:
    """The raw mention the core's resolver understands."""
    return f"<@{user_id}>"


def bot_role_id(message: discord.Message) -> int | None:
    """The bot's managed role in the message's guild (people often pick it when typing @Orchestrator)."""
    guild = message.guild
    role = guild.self_role if guild is not None else None
    return role.id if role is not None else None


def mentions_bot(message: discord.Message, bot_id: int) -> bool:
    """True when the bot's user or its managed role is mentioned."""
    if any(u.id == bot_id for u in message.mentions):
        return True
    role_id = bot_role_id(message)
    return role_id is not None and any(r.id == role_id for r in message.role_mentions)


def strip_bot_mention(text: str, bot_id: int, role_id: int | None = None) -> str:
    """``<@BOT> add Book venue`` → ``add Book venue`` (user or role mention of the bot, anywhere)."""
    text = re.sub(rf"<@!?{bot_id}>,?:?", " ", text)
    if role_id is not None:
        text = re.sub(rf"<@&{role_id}>,?:?", " ", text)
    return " ".join(text.split())


def display_name(user: discord.abc.User) -> str | None:
    """The name Discord shows (server nickname or global display name), when it differs from the username."""
    shown = user.display_name
    return shown if shown and shown != user.name else None


def incoming(
    *,
    user: discord.abc.User,
    workspace: str,
    workspace_name: str,
    text: str,
    channel_id: int | None,
    is_dm: bool,
    event_id: int | None = None,
    mentions: tuple[str, ...] = (),
) -> IncomingMessage:
    """The IncomingMessage for anything a Discord user did (a message, a command, a button)."""
    return IncomingMessage(
        platform=Platform.discord,
        workspace_id=workspace,
        workspace_name=workspace_name,
        user_id=str(user.id),
        user_name=user.name,
        display_name=display_name(user),
        text=text,
        channel_id=str(channel_id) if channel_id is not None else "",
        is_dm=is_dm,
        mentions=mentions,
        event_id=str(event_id) if event_id is not None else None,
    )


def from_message(
    message: discord.Message, *, workspace: str, workspace_name: str, bot_id: int
) -> IncomingMessage:
    """A DM or a mention, with the bot's own mention removed from the text."""
    text = strip_bot_mention(message.content, bot_id, bot_role_id(message))
    others = tuple(dict.fromkeys(str(u.id) for u in message.mentions if u.id != bot_id))
    return incoming(
        user=message.author,
        workspace=workspace,
        workspace_name=workspace_name,
        text=text,
        channel_id=message.channel.id,
        is_dm=message.guild is None,
        event_id=message.id,
        mentions=others,
    )
