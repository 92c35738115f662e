"""Slack payloads → ``IncomingMessage``: pure functions, no I/O.

User mentions stay in the text as Slack writes them (``<@U123>`` / ``<@U123|bob>``) so the core resolves them
by ``slack_user_id``; only the bot's own mention is removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from core.conversation.messages import IncomingMessage
from core.models import Platform

SHARE_FLAG = "--share"
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


@dataclass(frozen=True)
class SlackProfile:
    """What users.info tells us about a person (see users.py)."""

    user_id: str
    name: str
    display_name: str | None = None
    email: str | None = None
    timezone: str | None = None


def workspace_id(team_id: str | None) -> str:
    """Workspace = Slack team: ``slack:T123``."""
    return f"slack:{team_id or 'unknown'}"


def mentioned_users(text: str, *, exclude: tuple[str | None, ...] = ()) -> tuple[str, ...]:
    """Slack user ids mentioned in ``text``, in order, without duplicates or ``exclude``."""
    found = dict.fromkeys(m.group(1) for m in _MENTION.finditer(text))
    return tuple(u for u in found if u not in exclude)


def strip_bot_mention(text: str, bot_user_id: str | None) -> str:
    """``<@UBOT> add Book venue`` → ``add Book venue`` (any mention of the bot, anywhere)."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>:?", " ", text)
    return " ".join(text.split())


def split_share(text: str) -> tuple[str, bool]:
    """Remove ``--share`` from slash-command text; True when it was there (reply in channel)."""
    words = text.split()
    shared = SHARE_FLAG in words
    return " ".join(w for w in words if w != SHARE_FLAG), shared


def _message(
    profile: SlackProfile,
    team_id: str | None,
    text: str,
    *,
    channel: str,
    thread: str | None = None,
    is_dm: bool = False,
    event_id: str | None = None,
    team_name: str = "",
    bot_user_id: str | None = None,
) -> IncomingMessage:
    return IncomingMessage(
        platform=Platform.slack,
        workspace_id=workspace_id(team_id),
        workspace_name=team_name,
        user_id=profile.user_id,
        user_name=profile.name,
        display_name=profile.display_name,
        email=profile.email,
        timezone=profile.timezone,
        text=text,
        channel_id=channel,
        thread_id=thread,
        is_dm=is_dm,
        mentions=mentioned_users(text, exclude=(profile.user_id, bot_user_id)),
        event_id=event_id,
    )


def from_command(command: dict[str, Any], profile: SlackProfile) -> tuple[IncomingMessage, bool]:
    """``/task <text>`` or ``/project <text>`` → the message (prefixed for the grammar) and ``--share``."""
    text, shared = split_share(command.get("text") or "")
    name = command.get("command") or "/task"
    # Slash commands are private to the person typing them: a per-user conversation keeps one person's
    # pending confirmation from being answered by someone else in the channel.
    msg = _message(
        profile,
        command.get("team_id"),
        f"{name} {text}".strip(),
        channel=command.get("channel_id") or "",
        thread=f"user:{profile.user_id}",
        is_dm=command.get("channel_name") == "directmessage",
        event_id=command.get("trigger_id"),
        team_name=command.get("team_domain") or "",
    )
    return msg, shared


def from_mention(
    body: dict[str, Any], event: dict[str, Any], profile: SlackProfile, bot_user_id: str | None
) -> IncomingMessage:
    """An ``app_mention``: the conversation is the thread the reply goes to."""
    text = strip_bot_mention(event.get("text") or "", bot_user_id) or "help"
    return _message(
        profile,
        body.get("team_id") or event.get("team"),
        text,
        channel=event.get("channel") or "",
        thread=event.get("thread_ts") or event.get("ts"),
        event_id=body.get("event_id"),
        bot_user_id=bot_user_id,
    )


def from_direct_message(
    body: dict[str, Any], event: dict[str, Any], profile: SlackProfile, bot_user_id: str | None
) -> IncomingMessage:
    """A ``message.im``: one private conversation per person."""
    text = strip_bot_mention(event.get("text") or "", bot_user_id) or "help"
    return _message(
        profile,
        body.get("team_id") or event.get("team"),
        text,
        channel=event.get("channel") or "",
        is_dm=True,
        event_id=body.get("event_id"),
        bot_user_id=bot_user_id,
    )


def is_user_message(event: dict[str, Any]) -> bool:
    """A person's new message (not an edit, deletion, join or bot post)."""
    return not event.get("subtype") and not event.get("bot_id") and bool(event.get("user"))


def thread_of(event: dict[str, Any]) -> str | None:
    """Where a reply to ``event`` goes: its thread, or a new thread under it."""
    ts = event.get("thread_ts") or event.get("ts")
    return str(ts) if ts else None
