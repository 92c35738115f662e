"""Discord objects → ``IncomingMessage`` and neutral text: the adapter's translator; pure functions, no I/O.

Mentions of people become the neutral token ``<@ID>`` (core/refs.py): Discord writes a member's mention as
``<@123>`` or, with a nickname, ``<@!123>``. Mentions of the bot itself (its user or its managed role) are
removed. This is the only Discord module that reads mention syntax.
"""

from __future__ import annotations

import re
from typing import Any

import discord

from core.conversation.messages import IncomingMessage, Person
from core.models import Platform, Surface
from core.refs import mention_token
from core.text_input import clean_text

WORKSPACE_PREFIX = "discord:"
_USER_MENTION = re.compile(r"<@!?(?P<id>\d+)>")


def workspace_id(guild_id: int) -> str:
    """Workspace = guild: ``discord:<guild_id>``."""
    return f"{WORKSPACE_PREFIX}{guild_id}"


def guild_id_of(workspace: str) -> int | None:
    """The guild id inside ``discord:<guild_id>``; None for any other workspace."""
    if not workspace.startswith(WORKSPACE_PREFIX):
        return None
    rest = workspace[len(WORKSPACE_PREFIX) :]
    # isdigit() is true for '²', which int() refuses: a snowflake is ASCII digits only.
    return int(rest) if rest.isascii() and rest.isdigit() else None


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


def neutral_mentions(text: str) -> str:
    """``<@!123>`` (a nickname mention) → ``<@123>``: the neutral token the core reads."""
    return _USER_MENTION.sub(lambda m: mention_token(m["id"]), text)


def display_name(user: discord.abc.User) -> str | None:
    """The name Discord shows (server nickname or global display name), when it differs from the username."""
    shown = user.display_name
    return shown if shown and shown != user.name else None


def person(user: discord.abc.User) -> Person:
    """Someone a message or an option names, as the core needs them for a User row."""
    return Person(str(user.id), user.name, display_name(user))


def command_thread(user: discord.abc.User) -> str:
    """The conversation of an app command or a button: per person per channel (as Slack's slash commands),
    so a question one person was asked waits for that person's answer alone."""
    return f"user:{user.id}"


def incoming(
    *,
    user: discord.abc.User,
    workspace: str,
    workspace_name: str,
    text: str,
    channel_id: int | None,
    is_dm: bool,
    surface: Surface = Surface.command,
    thread_id: str | None = None,
    event_id: int | None = None,
    people: tuple[Person, ...] = (),
) -> IncomingMessage:
    """The IncomingMessage for anything a Discord user did (a message, a command, a button)."""
    return IncomingMessage(
        platform=Platform.discord,
        workspace_id=workspace,
        workspace_name=workspace_name,
        user_id=str(user.id),
        user_name=user.name,
        display_name=display_name(user),
        text=clean_text(text),
        channel_id=str(channel_id) if channel_id is not None else "",
        thread_id=thread_id,
        is_dm=is_dm,
        mentions=tuple(p.user_id for p in people),
        event_id=str(event_id) if event_id is not None else None,
        surface=surface,
        people=people,
    )


def from_interaction(
    interaction: discord.Interaction[Any],
    *,
    workspace: str,
    workspace_name: str,
    is_dm: bool,
    surface: Surface,
    people: tuple[Person, ...] = (),
) -> IncomingMessage:
    """An app command or a button press: the person's own conversation in that channel."""
    return incoming(
        user=interaction.user,
        workspace=workspace,
        workspace_name=workspace_name,
        text="",
        channel_id=interaction.channel_id,
        is_dm=is_dm,
        surface=surface,
        thread_id=command_thread(interaction.user),
        event_id=interaction.id,
        people=people,
    )


def from_message(
    message: discord.Message,
    *,
    workspace: str,
    workspace_name: str,
    bot_id: int,
    people: tuple[Person, ...] = (),
) -> IncomingMessage:
    """A DM or a mention, with the bot's own mention removed and the others written as neutral tokens."""
    text = neutral_mentions(strip_bot_mention(message.content, bot_id, bot_role_id(message)))
    return incoming(
        user=message.author,
        workspace=workspace,
        workspace_name=workspace_name,
        text=text,
        channel_id=message.channel.id,
        is_dm=message.guild is None,
        event_id=message.id,
        people=people,
    )
