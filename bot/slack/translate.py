"""Slack payloads → ``IncomingMessage``: pure functions, no I/O.

Slack writes a mention as ``<@U123>`` or ``<@U123|bob>``; the core reads the neutral token ``<@U123>``
(core/refs.py), so every text is translated here: the bot's own mention is removed and the others lose their
``|label``. The people a message names are listed in ``mentions``; deps.py fetches their profiles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from core.conversation.messages import IncomingMessage, Person
from core.models import Platform, Surface
from core.refs import mention_token, mentioned_ids
from core.text_input import clean_text

SHARE_FLAG = "--share"
# Slack's mention syntax; ``<!here>`` and ``<#C1|general>`` are not people and stay as typed.
_SLACK_MENTION = re.compile(r"<@(?P<id>[UW][A-Z0-9]+)(?:\|[^>]*)?>(?P<colon>:?)")


@dataclass(frozen=True)
class SlackProfile:
    """What users.info tells us about a person (see users.py)."""

    user_id: str
    name: str
    display_name: str | None = None
    email: str | None = None
    timezone: str | None = None

    def person(self) -> Person:
        """This profile as the core's description of someone a message names."""
        return Person(self.user_id, self.name, self.display_name, self.email, self.timezone)


def workspace_id(team_id: str | None) -> str:
    """Workspace = Slack team: ``slack:T123``."""
    return f"slack:{team_id or 'unknown'}"


def team_of(workspace: str) -> str:
    """``slack:T123`` → ``T123`` (the team a workspace id names)."""
    return workspace.removeprefix("slack:")


def neutral_text(text: str, bot_user_id: str | None = None) -> str:
    """Slack text → neutral text: ``<@U2|bob>`` → ``<@U2>``, the bot's own mention (and its colon) gone."""

    def token(match: re.Match[str]) -> str:
        if match["id"] == bot_user_id:
            return " "
        return mention_token(match["id"]) + match["colon"]

    return " ".join(_SLACK_MENTION.sub(token, text).split())


def mentioned_users(text: str, *, exclude: tuple[str | None, ...] = ()) -> tuple[str, ...]:
    """Slack user ids mentioned in neutral ``text``, in order, without duplicates or ``exclude``."""
    return tuple(u for u in mentioned_ids(text) if u not in exclude)


def split_share(text: str) -> tuple[str, bool]:
    """Remove ``--share`` from slash-command text; True when it was there (reply in channel)."""
    words = text.split()
    shared = SHARE_FLAG in words
    return " ".join(w for w in words if w != SHARE_FLAG), shared


def message(
    profile: SlackProfile,
    team_id: str | None,
    text: str = "",
    *,
    channel: str,
    thread: str | None = None,
    is_dm: bool = False,
    event_id: str | None = None,
    team_name: str = "",
    bot_user_id: str | None = None,
    surface: Surface = Surface.command,
    mentions: tuple[str, ...] = (),
) -> IncomingMessage:
    """The turn's context: who (``profile``), where, and the neutral text with the people it names."""
    text = neutral_text(clean_text(text), bot_user_id)  # a JSON "\udcff" escape decodes to a lone surrogate
    named = mentioned_users(text, exclude=(profile.user_id, bot_user_id))
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
        mentions=tuple(dict.fromkeys((*named, *(m for m in mentions if m != profile.user_id)))),
        event_id=event_id,
        surface=surface,
    )


def from_command(command: dict[str, Any], profile: SlackProfile) -> tuple[IncomingMessage, bool]:
    """``/task <text>`` or ``/project <text>`` → the message (prefixed for the grammar) and ``--share``."""
    text, shared = split_share(command.get("text") or "")
    name = command.get("command") or "/task"
    # Slash commands are private to the person typing them: a per-user conversation keeps one person's
    # pending confirmation from being answered by someone else in the channel.
    msg = message(
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
    msg = message(
        profile,
        body.get("team_id") or event.get("team"),
        event.get("text") or "",
        channel=event.get("channel") or "",
        thread=event.get("thread_ts") or event.get("ts"),
        event_id=body.get("event_id"),
        bot_user_id=bot_user_id,
    )
    return msg if msg.text else _help(msg)


def from_direct_message(
    body: dict[str, Any], event: dict[str, Any], profile: SlackProfile, bot_user_id: str | None
) -> IncomingMessage:
    """A ``message.im``: one private conversation per person."""
    msg = message(
        profile,
        body.get("team_id") or event.get("team"),
        event.get("text") or "",
        channel=event.get("channel") or "",
        is_dm=True,
        event_id=body.get("event_id"),
        bot_user_id=bot_user_id,
    )
    return msg if msg.text else _help(msg)


def _help(msg: IncomingMessage) -> IncomingMessage:
    """A bare mention of the bot asks what it can do."""
    return replace(msg, text="help")


def from_click(body: dict[str, Any], profile: SlackProfile, team_id: str | None) -> IncomingMessage:
    """A button click (a task card in a message or on the Home tab).

    Clicks have a conversation of their own per person and place, so a click never answers or drops a
    question the person's typed conversation is waiting on (a Delete button leaves "Delete T-3?" to `yes`).
    """
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id") or "home"
    return message(
        profile,
        team_id,
        channel=str(channel),
        thread=f"click:{profile.user_id}",
        team_name=(body.get("team") or {}).get("domain") or "",
        surface=Surface.button,
    )


def for_home(profile: SlackProfile, team_id: str | None) -> IncomingMessage:
    """The Home tab being drawn for ``profile`` (its own conversation: reading it changes nothing)."""
    return message(profile, team_id, channel="home", thread=f"home:{profile.user_id}")


def from_form(
    profile: SlackProfile, team_id: str | None, channel: str | None, *, names: tuple[str, ...] = ()
) -> IncomingMessage:
    """A submitted modal; ``names`` are the Slack ids its fields picked (an assignee)."""
    return message(
        profile,
        team_id,
        channel=channel or "modal",
        thread=f"form:{profile.user_id}",
        surface=Surface.button,
        mentions=names,
    )


def is_user_message(event: dict[str, Any]) -> bool:
    """A person's new message (not an edit, deletion, join or bot post)."""
    return not event.get("subtype") and not event.get("bot_id") and bool(event.get("user"))


def thread_of(event: dict[str, Any]) -> str | None:
    """Where a reply to ``event`` goes: its thread, or a new thread under it."""
    ts = event.get("thread_ts") or event.get("ts")
    return str(ts) if ts else None
