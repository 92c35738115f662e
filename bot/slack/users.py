"""Slack people → ``User`` rows of their workspace, via users.info (cached) and the core's ``actor_for``."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.translate import SlackProfile, workspace_id
from core.conversation.handler import ConversationHandler
from core.conversation.messages import IncomingMessage
from core.models import Platform
from core.services import Actor

log = logging.getLogger(__name__)

PROFILE_TTL = 600.0  # seconds; names and zones change rarely, and users.info is rate limited (Tier 4)
FAILED_TTL = 60.0  # a failed lookup is retried sooner


def _zone(value: Any) -> str | None:
    """Slack's ``tz`` when it is a zone this machine knows; None keeps the user's stored one."""
    if not isinstance(value, str) or not value:
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return value


def profile_from_user(user: dict[str, Any]) -> SlackProfile:
    """The fields we keep from a users.info ``user`` object."""
    profile = user.get("profile") or {}
    email = profile.get("email")
    return SlackProfile(
        user_id=str(user.get("id")),
        name=str(user.get("name") or profile.get("display_name") or user.get("id")),
        display_name=profile.get("display_name") or profile.get("real_name") or user.get("real_name") or None,
        email=email.lower() if isinstance(email, str) and email else None,
        timezone=_zone(user.get("tz")),
    )


class SlackUsers:
    """Profiles cached per (team, user); one users.info call at a time per person."""

    def __init__(self, handler: ConversationHandler) -> None:
        self._handler = handler
        self._profiles: dict[tuple[str, str], tuple[float, SlackProfile]] = {}
        self._pending: dict[tuple[str, str], asyncio.Task[tuple[SlackProfile, float]]] = {}
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}

    async def profile(self, client: AsyncWebClient, team_id: str | None, user_id: str) -> SlackProfile:
        """users.info for ``user_id``; a fallback profile (the id as name) if Slack can't tell us."""
        key = (team_id or "", user_id)
        cached = self._profiles.get(key)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        task = self._pending.get(key)
        if task is None:
            # Concurrent requests from one person share a single lookup.
            task = asyncio.ensure_future(self._lookup(client, user_id))
            self._pending[key] = task
            task.add_done_callback(lambda _: self._pending.pop(key, None))
        profile, ttl = await asyncio.shield(task)
        self._profiles[key] = (time.monotonic() + ttl, profile)
        return profile

    async def _lookup(self, client: AsyncWebClient, user_id: str) -> tuple[SlackProfile, float]:
        try:
            response = await client.users_info(user=user_id)
        except SlackApiError as exc:
            log.warning("users.info for %s failed: %s", user_id, exc.response.get("error"))
            return SlackProfile(user_id=user_id, name=user_id), FAILED_TTL
        user = response.get("user")
        if not isinstance(user, dict):
            return SlackProfile(user_id=user_id, name=user_id), FAILED_TTL
        return profile_from_user(user), PROFILE_TTL

    async def actor(self, msg: IncomingMessage) -> Actor:
        """The sender of ``msg``; creates the user row on first sight (one creation per person at a time)."""
        key = (msg.workspace_id, msg.user_id)
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            return await self._handler.actor_for(msg)

    async def actor_for_user(
        self, client: AsyncWebClient, team_id: str | None, user_id: str, *, team_name: str = ""
    ) -> Actor:
        """The Actor for a Slack user who did something without a message (button, modal, Home tab)."""
        profile = await self.profile(client, team_id, user_id)
        return await self.actor(identity_message(profile, team_id, team_name))

    async def ensure_mentioned(self, client: AsyncWebClient, msg: IncomingMessage) -> None:
        """Create rows for people mentioned in ``msg`` so `<@U123>` resolves to an assignee."""
        team_id = msg.workspace_id.removeprefix("slack:")
        for user_id in msg.mentions:
            await self.actor_for_user(client, team_id, user_id, team_name=msg.workspace_name)


def identity_message(profile: SlackProfile, team_id: str | None, team_name: str = "") -> IncomingMessage:
    """An empty message carrying only who someone is (what ``actor_for`` needs)."""
    return IncomingMessage(
        platform=Platform.slack,
        workspace_id=workspace_id(team_id),
        workspace_name=team_name,
        user_id=profile.user_id,
        user_name=profile.name,
        display_name=profile.display_name,
        email=profile.email,
        timezone=profile.timezone,
        text="",
    )
