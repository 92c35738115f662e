"""Slack people's profiles (users.info), cached: who they are, never their rows (the core makes those)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cachetools import TTLCache
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.translate import SlackProfile
from core.conversation.messages import Person

log = logging.getLogger(__name__)

PROFILE_TTL = 600.0  # seconds; names and zones change rarely, and users.info is rate limited (Tier 4)
FAILED_TTL = 60.0  # a failed lookup is retried sooner
PROFILES = 10_000  # people remembered at once; the least recently stored go first when it is full

Key = tuple[str, str]  # (team id, user id)


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
    """Profiles cached per (team, user) for a while; one users.info call at a time per person."""

    def __init__(self, *, maxsize: int = PROFILES, timer: Callable[[], float] = time.monotonic) -> None:
        # Two caches because a failure is kept shorter than a profile (TTLCache has one ttl per cache).
        self._profiles: TTLCache[Key, SlackProfile] = TTLCache(maxsize, PROFILE_TTL, timer=timer)
        self._failed: TTLCache[Key, SlackProfile] = TTLCache(maxsize, FAILED_TTL, timer=timer)
        # Lookups in flight; each removes itself when done, so this holds at most one per running request.
        self._pending: dict[Key, asyncio.Task[tuple[SlackProfile, bool]]] = {}

    async def profile(self, client: AsyncWebClient, team_id: str | None, user_id: str) -> SlackProfile:
        """users.info for ``user_id``; a fallback profile (the id as name) if Slack can't tell us."""
        key = (team_id or "", user_id)
        cached = self._profiles.get(key) or self._failed.get(key)
        if cached is not None:
            return cached
        task = self._pending.get(key)
        if task is None:
            # Concurrent requests about one person share a single lookup.
            task = asyncio.ensure_future(self._lookup(client, user_id))
            self._pending[key] = task
            task.add_done_callback(lambda _: self._pending.pop(key, None))
        profile, ok = await asyncio.shield(task)
        (self._profiles if ok else self._failed)[key] = profile
        return profile

    async def people(
        self, client: AsyncWebClient, team_id: str | None, user_ids: Iterable[str]
    ) -> tuple[Person, ...]:
        """The people a message names, as the core's ``Person``s (it gives them User rows)."""
        return tuple([(await self.profile(client, team_id, u)).person() for u in user_ids])

    async def _lookup(self, client: AsyncWebClient, user_id: str) -> tuple[SlackProfile, bool]:
        try:
            response = await client.users_info(user=user_id)
        except SlackApiError as exc:
            log.warning("users.info for %s failed: %s", user_id, exc.response.get("error"))
            return SlackProfile(user_id=user_id, name=user_id), False
        user = response.get("user")
        if not isinstance(user, dict):
            return SlackProfile(user_id=user_id, name=user_id), False
        return profile_from_user(user), True
