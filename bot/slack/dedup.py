"""Retried deliveries act once.

Slack redelivers an event (same ``event_id``, ``X-Slack-Retry-Num`` header) when it did not see our ack in
time. Two layers keep that from acting twice:
- memory: the ids this process has already seen, checked before the ack, so a retry is dropped at once;
- the store: ``receipts.claim(workspace, key)`` is persisted, so a retry that reaches a restarted process (or
  another replica) is dropped too.
First deliveries claim after the ack (the ack stays fast); retries claim before it, which is rare and lets the
answer tell Slack to stop retrying (``X-Slack-No-Retry``).

Slash commands are keyed by their ``trigger_id`` (``once``): Slack doesn't retry them over HTTP, but Socket
Mode redelivers after a reconnect, and a captured signed request stays valid for five minutes, long enough to
replay it to a restarted process or another replica. The claim in the store makes each act once anywhere.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from cachetools import TTLCache
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.slack.translate import workspace_id
from core.store import ReceiptRepo

log = logging.getLogger(__name__)

SEEN_IDS = 10_000  # deliveries remembered at once (the oldest go first when full)
SEEN_FOR = 3600.0  # seconds; Slack retries within minutes, and the store's receipt covers anything later

_CLAIMED = "orchestrator_receipt_claimed"  # context flag: the middleware already claimed this delivery


def delivery_key(body: dict[str, Any]) -> str | None:
    """The stable id of a delivery Slack may retry: Events API ``event_id``; None for everything else.

    Slack doesn't retry slash commands or interactive payloads over HTTP (it shows the user a timeout
    instead); commands are claimed by their ``trigger_id`` in their listener (``once``), and modal submissions
    are guarded by their view id where they create data (shortcuts.py).
    """
    event_id = body.get("event_id")
    return f"event:{event_id}" if body.get("type") == "event_callback" and event_id else None


class Deliveries:
    """Remembers delivery keys in memory (bounded in number and time) and claims them in the store."""

    def __init__(
        self,
        receipts: ReceiptRepo,
        *,
        memory: int = SEEN_IDS,
        ttl: float = SEEN_FOR,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self._receipts = receipts
        self._seen: TTLCache[str, bool] = TTLCache(memory, ttl, timer=timer)

    def seen(self, key: str) -> bool:
        """True if this process saw ``key`` within the last hour; records it otherwise."""
        if key in self._seen:
            return True
        self._seen[key] = True
        return False

    async def claim(self, team_id: str | None, key: str) -> bool:
        """True only for the first claim of ``key`` in this workspace, across processes and restarts."""
        return await self._receipts.claim(workspace_id(team_id), key)

    async def once(self, team_id: str | None, key: str) -> bool:
        """True the first time ``key`` is seen anywhere: memory first (free), then the store's claim."""
        if self.seen(key):
            return False
        return await self.claim(team_id, key)

    async def first_time(self, context: AsyncBoltContext, body: dict[str, Any]) -> bool:
        """Called by listeners after the ack: should this delivery act?"""
        if context.get(_CLAIMED):
            return True
        key = delivery_key(body)
        if key is None:
            return True
        first = await self.claim(context.team_id, key)
        if not first:
            log.info("dropping an already handled delivery %s", key)
        return first

    async def middleware(
        self,
        req: AsyncBoltRequest,
        resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],
    ) -> BoltResponse:
        """Global bolt middleware: drop duplicates before the ack (and before any listener runs)."""
        key = delivery_key(req.body)
        if key is None:
            return await next()
        retry = _retry_number(req.headers.get("x-slack-retry-num"))
        if self.seen(key):
            return _drop(key, retry)
        if retry:
            # Not seen by this process: maybe handled before a restart, or by another replica.
            if not await self.claim(req.context.team_id, key):
                return _drop(key, retry)
            req.context[_CLAIMED] = True
        return await next()


def _retry_number(values: Sequence[str] | None) -> int:
    """``X-Slack-Retry-Num`` as a number; Socket Mode sends ``0`` for first deliveries."""
    try:
        return int(values[0]) if values else 0
    except ValueError:
        return 0


def _drop(key: str, retry: int) -> BoltResponse:
    log.info("ignoring duplicate delivery %s (retry %d)", key, retry)
    # 200 so Slack counts it delivered; X-Slack-No-Retry asks it to stop retrying this one.
    return BoltResponse(status=200, body="", headers={"x-slack-no-retry": "1"})
