"""The adapter's memory is bounded: profiles and seen deliveries expire and never grow past their size."""

from __future__ import annotations

import asyncio
from typing import Any, cast

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.dedup import Deliveries
from bot.slack.users import FAILED_TTL, PROFILE_TTL, SlackUsers
from core.store import ReceiptRepo


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Directory:
    """Answers users.info like Slack; ``fail`` makes the next answers errors."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.fail = False
        self.gate = asyncio.Event()
        self.gate.set()

    async def users_info(self, *, user: str) -> dict[str, Any]:
        self.asked.append(user)
        await self.gate.wait()
        if self.fail:
            raise SlackApiError("ratelimited", {"ok": False, "error": "ratelimited"})
        return {"ok": True, "user": {"id": user, "name": user.lower(), "tz": "UTC", "profile": {}}}


def _client(directory: Directory) -> AsyncWebClient:
    return cast(AsyncWebClient, directory)


async def test_profiles_are_kept_for_their_ttl_and_failures_for_less() -> None:
    clock, directory = Clock(), Directory()
    users = SlackUsers(timer=clock)
    client = _client(directory)
    assert (await users.profile(client, "T1", "U1")).name == "u1"
    clock.now = PROFILE_TTL - 1
    await users.profile(client, "T1", "U1")
    assert directory.asked == ["U1"]
    clock.now = PROFILE_TTL + 1
    await users.profile(client, "T1", "U1")
    assert directory.asked == ["U1", "U1"]

    directory.fail = True
    fallback = await users.profile(client, "T1", "U9")
    assert (fallback.user_id, fallback.name) == ("U9", "U9")  # the id stands in for the name
    clock.now += FAILED_TTL - 1
    await users.profile(client, "T1", "U9")
    assert directory.asked.count("U9") == 1
    directory.fail = False
    clock.now += 2
    assert (await users.profile(client, "T1", "U9")).name == "u9"  # retried sooner than a profile


async def test_concurrent_requests_share_one_lookup_and_the_cache_is_bounded() -> None:
    directory = Directory()
    directory.gate.clear()
    users = SlackUsers(maxsize=2)
    client = _client(directory)
    waiting = [asyncio.ensure_future(users.profile(client, "T1", "U1")) for _ in range(5)]
    await asyncio.sleep(0)
    directory.gate.set()
    assert {p.name for p in await asyncio.gather(*waiting)} == {"u1"}
    assert directory.asked == ["U1"]

    people = await users.people(client, "T1", ["U2", "U3"])
    assert [p.user_id for p in people] == ["U2", "U3"]
    await users.profile(client, "T1", "U1")  # pushed out by U2 and U3: asked again
    assert directory.asked == ["U1", "U2", "U3", "U1"]


async def test_seen_deliveries_are_forgotten_after_their_ttl_or_when_full() -> None:
    clock = Clock()
    deliveries = Deliveries(cast(ReceiptRepo, None), memory=2, ttl=60, timer=clock)
    assert deliveries.seen("event:A") is False
    assert deliveries.seen("event:A") is True
    clock.now = 61
    assert deliveries.seen("event:A") is False  # the store's receipt answers from here on
    deliveries.seen("event:B")
    deliveries.seen("event:C")
    assert deliveries.seen("event:A") is False  # the oldest went first when the cache was full
