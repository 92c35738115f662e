"""``SlackNotifier``: the scheduler's notices as Slack messages (a DM, or a channel or thread), exactly once.

Each message carries Slack message metadata ``orchestrator_delivery`` with the notice's delivery id, so
``landed`` can find an earlier send in the conversation's recent history (``include_all_metadata``) when a
scheduler died between sending and writing its receipt, or when Slack answered a send with a 5xx that may
have posted anyway. That is also why this notifier does its own retrying of 5xx and connection errors
(first asking whether the message landed) instead of slack_sdk's server-error handler, which would post
again blindly; a 429 is retried by slack_sdk after Retry-After, since a refused request posted nothing.

Rates (https://api.slack.com/methods/chat.postMessage#rate_limiting): about one message per second per
channel, and "several hundred messages per minute" per workspace with generous bursts. So each channel (each
person's DM is one) gets its own 1/s limiter, and the workspace one is a ceiling that lets a burst of 1,000
DMs to 1,000 people through at once and then leaks at 1,000 a minute: throttling ourselves harder would only
make a 9:00 digest wave late, while Slack's 429s (honoured above) say precisely when to slow down. Both are
constructor arguments.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
from aiolimiter import AsyncLimiter
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.app import web_client
from bot.slack.files import upload_chart
from bot.slack.reminder_card import notice_message
from core.models import Platform
from core.schedule.notify import DeliveryError, Notice
from core.settings import SlackSettings

log = logging.getLogger(__name__)

EVENT_TYPE = "orchestrator_delivery"
# Errors no retry can fix: the person or channel is gone, or the app may not post there.
PERMANENT = frozenset(
    {
        "user_not_found",
        "users_not_found",
        "channel_not_found",
        "is_archived",
        "not_in_channel",
        "account_inactive",
        "cannot_dm_bot",
        "user_disabled",
        "restricted_action",
        "invalid_auth",
        "token_revoked",
        "not_authed",
        "missing_scope",
        "team_access_not_granted",
    }
)
_CHANNELS_KEPT = 10_000  # per-channel limiters and DM ids remembered (least recently used dropped)


class SlackNotifier:
    """Sends notices through one workspace's bot token (the Slack surface's Web API client)."""

    def __init__(
        self,
        client: AsyncWebClient,
        *,
        concurrency: int = 32,
        channel_rate: float = 1.0,
        workspace_rate: float = 1000.0,
        workspace_period: float = 60.0,
        history_window: int = 50,
        attempts: int = 3,
        retry_delay: float = 0.5,
    ) -> None:
        self.client = client
        # Same token, URL and session; only 429s retried by slack_sdk (see the module's docstring).
        self._poster = AsyncWebClient(
            token=client.token,
            base_url=client.base_url,
            timeout=client.timeout,
            session=client.session,
            headers=client.headers,
            retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=2)],
        )
        self._slots = asyncio.Semaphore(concurrency)
        self._channel_rate = channel_rate
        self._workspace = AsyncLimiter(workspace_rate, workspace_period)
        self._channels: OrderedDict[str, AsyncLimiter] = OrderedDict()
        self._dms: OrderedDict[str, str] = OrderedDict()  # Slack user id → the app's DM channel id
        self._window = history_window
        self._attempts = max(1, attempts)
        self._retry_delay = retry_delay

    def handles(self, platform: Platform) -> bool:
        return platform is Platform.slack

    # -- sending -----------------------------------------------------------------------------------------

    async def send(self, notice: Notice) -> str:
        """Post ``notice``; ``slack:<channel>:<ts>``. Raises DeliveryError."""
        channel = self._target(notice)
        text, blocks = notice_message(notice)
        args: dict[str, Any] = {
            "channel": channel,
            "text": text,
            "blocks": blocks,
            "metadata": {"event_type": EVENT_TYPE, "event_payload": {"delivery_id": notice.delivery_id}},
            "unfurl_links": False,
        }
        if notice.to.thread_id:
            args["thread_ts"] = notice.to.thread_id
        response: dict[str, Any] | None = None
        for attempt in range(1, self._attempts + 1):
            try:
                async with self._slots:
                    await self._pace(channel)
                    response = (await self._poster.chat_postMessage(**args)).data  # type: ignore[assignment]
                break
            except (SlackApiError, SlackRequestError, aiohttp.ClientError, TimeoutError) as exc:
                error = delivery_error(exc)
                if error.permanent or error.retry_after is not None or attempt == self._attempts:
                    raise error from exc
                # A 5xx or a broken connection may have posted all the same: look before trying again.
                await asyncio.sleep(self._retry_delay * attempt)
                if (ref := await self._landed_quietly(notice)) is not None:
                    return ref
        assert response is not None
        posted = str(response.get("channel") or channel)
        ts = str(response.get("ts"))
        if notice.to.is_dm:
            self._remember_dm(notice, posted)
        if notice.chart is not None:
            await self._chart(notice, posted)
        return f"slack:{posted}:{ts}"

    def _target(self, notice: Notice) -> str:
        """Where to post: the channel, the person's DM with the app when known, else their user id — Slack
        posts that in the app's DM and answers with the DM's id, so a first DM costs one call, not a
        Tier 3 ``conversations.open`` as well."""
        if notice.to.channel_id:
            return notice.to.channel_id
        user = notice.to.user
        slack_id = user.slack_user_id if user is not None else None
        if not slack_id:
            raise DeliveryError("the person has no Slack account", permanent=True)
        if (known := self._dms.get(slack_id)) is not None:
            self._dms.move_to_end(slack_id)
            return known
        return slack_id

    async def _channel(self, notice: Notice) -> str:
        """The conversation to read: the channel, or the person's DM with the app (opened if not known)."""
        if notice.to.channel_id:
            return notice.to.channel_id
        return await self._dm(notice)

    async def _dm(self, notice: Notice) -> str:
        user = notice.to.user
        slack_id = user.slack_user_id if user is not None else None
        if not slack_id:
            raise DeliveryError("the person has no Slack account", permanent=True)
        if (known := self._dms.get(slack_id)) is not None:
            self._dms.move_to_end(slack_id)
            return known
        try:
            async with self._slots:
                response = await self.client.conversations_open(users=slack_id)
        except (SlackApiError, SlackRequestError, aiohttp.ClientError, TimeoutError) as exc:
            raise delivery_error(exc) from exc
        channel = str((response.get("channel") or {}).get("id") or "")
        if not channel:
            raise DeliveryError("conversations.open gave no channel")
        self._remember(self._dms, slack_id, channel)
        return channel

    def _remember_dm(self, notice: Notice, channel: str) -> None:
        user = notice.to.user
        if user is not None and user.slack_user_id and channel.startswith("D"):
            self._remember(self._dms, user.slack_user_id, channel)

    async def _pace(self, channel: str) -> None:
        limiter = self._channels.get(channel)
        if limiter is None:
            limiter = AsyncLimiter(1, 1 / self._channel_rate)
            self._remember(self._channels, channel, limiter)
        else:
            self._channels.move_to_end(channel)
        await self._workspace.acquire()
        await limiter.acquire()

    @staticmethod
    def _remember(cache: OrderedDict[str, Any], key: str, value: Any) -> None:
        cache[key] = value
        cache.move_to_end(key)
        while len(cache) > _CHANNELS_KEPT:
            cache.popitem(last=False)

    async def _chart(self, notice: Notice, channel: str) -> None:
        """Share the chart under the message. The message is already out, so a failed upload is logged, not
        raised: raising would make the scheduler post the message again."""
        assert notice.chart is not None
        try:
            async with self._slots:
                await upload_chart(self.client, channel, notice.chart, thread_ts=notice.to.thread_id)
        except (SlackApiError, SlackRequestError, aiohttp.ClientError, TimeoutError) as exc:
            log.warning("the chart of %s could not be uploaded: %s", notice.delivery_id, exc)

    # -- did it land? ------------------------------------------------------------------------------------

    async def landed(self, notice: Notice) -> str | None:
        """``slack:<channel>:<ts>`` of a message carrying ``notice.delivery_id`` among the conversation's
        latest ``history_window`` messages (the thread's, for a thread), or None."""
        try:
            channel = await self._channel(notice)
        except DeliveryError as exc:
            if exc.permanent:
                return None
            raise
        try:
            async with self._slots:
                if notice.to.thread_id:
                    response = await self.client.conversations_replies(
                        channel=channel,
                        ts=notice.to.thread_id,
                        limit=self._window,
                        include_all_metadata=True,
                    )
                else:
                    response = await self.client.conversations_history(
                        channel=channel, limit=self._window, include_all_metadata=True
                    )
        except (SlackApiError, SlackRequestError, aiohttp.ClientError, TimeoutError) as exc:
            error = delivery_error(exc)
            if error.permanent:
                return None  # nothing can have landed where we may not read or post
            raise error from exc
        for message in response.get("messages") or []:
            metadata = message.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if metadata.get("event_type") == EVENT_TYPE and payload.get("delivery_id") == notice.delivery_id:
                return f"slack:{channel}:{message.get('ts')}"
        return None

    async def _landed_quietly(self, notice: Notice) -> str | None:
        try:
            return await self.landed(notice)
        except DeliveryError:
            return None  # can't tell: the caller tries again (a duplicate beats silence)


@asynccontextmanager
async def slack_notifier_from_settings(settings: SlackSettings) -> AsyncIterator[SlackNotifier]:
    """A notifier for a process without the Slack surface (`reminders run-due`): the bot token and API URL
    of the settings, the same retry handlers as the surface's client. Nothing to close (slack_sdk opens a
    session per request when given none)."""
    yield SlackNotifier(web_client(settings))


def delivery_error(exc: Exception) -> DeliveryError:
    """A Slack client failure in the scheduler's terms (permanent, or when to try again)."""
    if isinstance(exc, SlackApiError):
        response = exc.response
        code = str(response.get("error") or "") if isinstance(response.data, dict) else ""
        status = response.status_code
        if status == 429 or code == "ratelimited":
            return DeliveryError("Slack rate limit", retry_after=_retry_after(response.headers))
        if code in PERMANENT:
            return DeliveryError(f"Slack: {code}", permanent=True)
        return DeliveryError(f"Slack: {code or f'HTTP {status}'}")
    return DeliveryError(f"Slack unreachable: {type(exc).__name__}")


def _retry_after(headers: dict[str, Any]) -> float:
    for key, value in headers.items():
        if key.lower() == "retry-after":
            raw = value[0] if isinstance(value, list) else value
            try:
                return float(raw)
            except (TypeError, ValueError):
                break
    return 1.0
