"""Wire payloads as Discord sends them (API v10), built from the fake's small records.

Shapes follow discord.py's ``types/`` TypedDicts: only the keys the real API always sends are filled, the rest
is left out the way Discord leaves optional keys out.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

DISCORD_EPOCH_MS = 1_420_070_400_000
ALL_PERMISSIONS = str((1 << 50) - 1)
Json = dict[str, Any]


class Snowflakes:
    """Unique, time-ordered ids like Discord's (timestamp << 22 | counter)."""

    def __init__(self) -> None:
        base = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        self._ids = itertools.count(base)

    def __call__(self) -> int:
        return next(self._ids)


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


@dataclass
class FakeUser:
    id: int
    name: str
    global_name: str | None = None
    bot: bool = False

    def payload(self) -> Json:
        data: Json = {
            "id": str(self.id),
            "username": self.name,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": None,
            "public_flags": 0,
        }
        if self.bot:
            data["bot"] = True
        return data


@dataclass
class FakeGuild:
    id: int
    name: str
    owner_id: int
    channel_id: int  # one text channel, #general
    bot_role_id: int  # the bot's managed role
    member_ids: list[int] = field(default_factory=list)


def member(user: FakeUser, *, roles: tuple[int, ...] = (), with_user: bool = True) -> Json:
    data: Json = {
        "roles": [str(r) for r in roles],
        "joined_at": now_iso(),
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "nick": None,
        "avatar": None,
    }
    if with_user:
        data["user"] = user.payload()
    return data


def role(role_id: int, name: str, *, position: int, bot_id: int | None = None) -> Json:
    data: Json = {
        "id": str(role_id),
        "name": name,
        "color": 0,
        "hoist": False,
        "position": position,
        "permissions": ALL_PERMISSIONS if bot_id else "1071698660929",
        "managed": bot_id is not None,
        "mentionable": True,
        "flags": 0,
    }
    if bot_id is not None:
        data["tags"] = {"bot_id": str(bot_id)}
    return data


def text_channel(guild: FakeGuild) -> Json:
    return {
        "id": str(guild.channel_id),
        "type": 0,
        "guild_id": str(guild.id),
        "name": "general",
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "rate_limit_per_user": 0,
        "last_message_id": None,
    }


def dm_channel(channel_id: int, recipient: FakeUser) -> Json:
    return {"id": str(channel_id), "type": 1, "recipients": [recipient.payload()], "last_message_id": None}


def guild_create(guild: FakeGuild, users: dict[int, FakeUser], bot: FakeUser) -> Json:
    """The full GUILD_CREATE that follows READY (no members intent: only the bot's own member)."""
    return {
        "id": str(guild.id),
        "name": guild.name,
        "icon": None,
        "owner_id": str(guild.owner_id),
        "unavailable": False,
        "large": False,
        "member_count": len(guild.member_ids),
        "joined_at": now_iso(),
        "roles": [
            role(guild.id, "@everyone", position=0),
            role(guild.bot_role_id, bot.name, position=1, bot_id=bot.id),
        ],
        "channels": [text_channel(guild)],
        "threads": [],
        "members": [member(bot, roles=(guild.bot_role_id,))],
        "voice_states": [],
        "presences": [],
        "emojis": [],
        "stickers": [],
        "features": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "system_channel_id": str(guild.channel_id),
        "system_channel_flags": 0,
        "preferred_locale": "en-US",
        "afk_timeout": 300,
    }


def message(
    message_id: int,
    channel_id: int,
    author: FakeUser,
    content: str,
    *,
    guild: FakeGuild | None = None,
    mentions: list[FakeUser] | None = None,
    role_mentions: list[int] | None = None,
    embeds: list[Json] | None = None,
    components: list[Json] | None = None,
    reference: Json | None = None,
    flags: int = 0,
    webhook_id: int | None = None,
) -> Json:
    data: Json = {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "author": author.payload(),
        "content": content,
        "timestamp": now_iso(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [str(r) for r in role_mentions or []],
        "attachments": [],
        "embeds": embeds or [],
        "components": components or [],
        "pinned": False,
        "type": 19 if reference else 0,
        "flags": flags,
    }
    if guild is not None:
        data["guild_id"] = str(guild.id)
        data["member"] = member(author, with_user=False)
        data["mentions"] = [{**u.payload(), "member": member(u, with_user=False)} for u in mentions or []]
    else:
        data["mentions"] = [u.payload() for u in mentions or []]
    if reference is not None:
        data["message_reference"] = reference
    if webhook_id is not None:
        data["webhook_id"] = str(webhook_id)
        data["application_id"] = str(webhook_id)
    return data


def interaction(
    interaction_id: int,
    token: str,
    application_id: int,
    kind: int,
    user: FakeUser,
    *,
    guild: FakeGuild | None,
    channel: Json,
    data: Json,
    message_payload: Json | None = None,
) -> Json:
    """INTERACTION_CREATE: 2 application command, 3 component, 4 autocomplete."""
    payload: Json = {
        "id": str(interaction_id),
        "application_id": str(application_id),
        "type": kind,
        "token": token,
        "version": 1,
        "data": data,
        "channel_id": channel["id"],
        "channel": channel,
        "locale": "en-US",
        "app_permissions": ALL_PERMISSIONS,
        "entitlements": [],
        "attachment_size_limit": 10_485_760,
        "context": 0 if guild is not None else 1,
        "authorizing_integration_owners": {"0": str(guild.id)} if guild is not None else {"1": str(user.id)},
    }
    if guild is not None:
        payload["guild_id"] = str(guild.id)
        payload["guild_locale"] = "en-US"
        payload["member"] = {**member(user), "permissions": "1071698660929"}
    else:
        payload["user"] = user.payload()
    if message_payload is not None:
        payload["message"] = message_payload
    return payload
