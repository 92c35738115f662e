"""``DiscordNotifier``: the scheduler's notices as Discord messages (a DM, or a channel), exactly once.

Sent over discord.py's REST client (``HTTPClient``: the bot's ``client.http`` in `serve`), which already
honours Discord's per-route buckets and a 429's ``retry_after``, and retries 500/502/504 itself. Those blind
retries are safe here because every send carries ``nonce`` = a short hash of the delivery id with
``enforce_nonce``: Discord then answers a repeated nonce from the same author within a few minutes with the
message it already made instead of a second one. A nonce is not kept with the message (fetched messages
don't carry it), so each message also shows the hash as a marker ("ref 1a2b…" in the last embed's footer, or
a subtext line) which ``landed`` looks for in the channel's latest messages after a restart.

Discord's global limit is 50 requests a second per bot; the limiter keeps a wave of DMs (two calls each the
first time: the DM channel, then the message) under it rather than learning it from 429s.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import aiohttp
import discord
from aiolimiter import AsyncLimiter
from discord.http import HTTPClient, handle_message_parameters

from bot.charts import chart_png
from bot.discord.outgoing import Outgoing
from bot.discord.settings import DiscordSettings, apply_endpoints
from bot.discord.views import reminder_actions
from core.models import Platform
from core.schedule.notify import DeliveryError, Notice

log = logging.getLogger(__name__)
T = TypeVar("T")

MARK = "ref "
_KEPT = 10_000  # DM channel ids remembered (least recently used dropped)
# Discord's JSON error codes that no retry can fix (https://discord.com/developers/docs/topics/opcodes-and-status-codes)
PERMANENT_CODES = frozenset(
    {
        10003,  # Unknown Channel
        10013,  # Unknown User
        50001,  # Missing Access
        50007,  # Cannot send messages to this user (DMs closed, no shared server, blocked)
        50013,  # Missing Permissions
        50278,  # Cannot send messages to this user (no mutual guild)
    }
)


def nonce_of(delivery_id: str) -> str:
    """The message's nonce and visible marker: 16 hex characters of the delivery id's hash (Discord allows
    25)."""
    return hashlib.sha256(delivery_id.encode()).hexdigest()[:16]


class DiscordNotifier:
    """Sends notices with one bot's REST client."""

    def __init__(
        self,
        http: HTTPClient,
        *,
        bot_user_id: int | None = None,
        concurrency: int = 16,
        rate: float = 40.0,
        history_window: int = 50,
    ) -> None:
        self.http = http
        self.bot_user_id = bot_user_id  # None: any bot's message with the marker counts
        self._slots = asyncio.Semaphore(concurrency)
        self._rate = AsyncLimiter(rate, 1.0)
        self._window = history_window
        self._dms: OrderedDict[str, str] = OrderedDict()  # Discord user id → DM channel id

    def handles(self, platform: Platform) -> bool:
        return platform is Platform.discord

    # -- sending -----------------------------------------------------------------------------------------

    async def send(self, notice: Notice) -> str:
        """Post ``notice``; ``discord:<channel>:<message id>``. Raises DeliveryError."""
        channel = await self._channel(notice)
        out = self._outgoing(notice)
        files = [await self._chart_file(notice)] if notice.chart is not None else []
        params = handle_message_parameters(
            content=out.content or None,
            embeds=out.embeds,
            view=out.view,
            nonce=nonce_of(notice.delivery_id),  # discord.py adds enforce_nonce with it
            allowed_mentions=discord.AllowedMentions.none(),
            files=files or discord.utils.MISSING,
        )
        try:
            with params:
                data = await self._call(lambda: self.http.send_message(channel, params=params))
        finally:
            for file in files:
                file.close()
        return f"discord:{data['channel_id']}:{data['id']}"

    def _outgoing(self, notice: Notice) -> Outgoing:
        """The reply rendered as usual; a reminder card's own buttons instead of the task buttons; the
        marker ``landed`` looks for."""
        out = Outgoing.of(notice.reply, notice.workspace_id)
        if notice.has_buttons and notice.task_ref is not None:
            out.view = reminder_actions(notice.workspace_id, notice.task_ref)
        mark = MARK + nonce_of(notice.delivery_id)
        if out.embeds:
            last = out.embeds[-1]
            footer = last.footer.text
            last.set_footer(text=f"{footer} · {mark}" if footer else mark)
        else:
            out.content = f"{out.content}\n-# {mark}" if out.content else f"-# {mark}"
        return out

    async def _chart_file(self, notice: Notice) -> discord.File:
        assert notice.chart is not None
        png = await chart_png(notice.chart)
        return discord.File(io.BytesIO(png), filename=notice.chart.file_name)

    async def _channel(self, notice: Notice) -> str:
        if notice.to.channel_id:
            return notice.to.thread_id or notice.to.channel_id  # a thread is a channel on Discord
        user = notice.to.user
        discord_id = user.discord_user_id if user is not None else None
        if not discord_id:
            raise DeliveryError("the person has no Discord account", permanent=True)
        if (known := self._dms.get(discord_id)) is not None:
            self._dms.move_to_end(discord_id)
            return known
        data = await self._call(lambda: self.http.start_private_message(int(discord_id)))
        channel = str(data["id"])
        self._dms[discord_id] = channel
        while len(self._dms) > _KEPT:
            self._dms.popitem(last=False)
        return channel

    async def _call(self, request: Callable[[], Awaitable[T]]) -> T:
        """One REST call within the concurrency and rate bounds; a failure in the scheduler's terms."""
        try:
            async with self._slots:
                await self._rate.acquire()
                return await request()
        except (
            discord.HTTPException,
            discord.RateLimited,
            aiohttp.ClientError,
            OSError,
            TimeoutError,
        ) as exc:
            raise delivery_error(exc) from exc

    # -- did it land? ------------------------------------------------------------------------------------

    async def landed(self, notice: Notice) -> str | None:
        """``discord:<channel>:<id>`` of a message of ours with this notice's marker (or nonce) among the
        channel's latest ``history_window`` messages, or None."""
        try:
            channel = await self._channel(notice)
            messages = await self._call(lambda: self.http.logs_from(channel, self._window))
        except DeliveryError as exc:
            if exc.permanent:
                return None  # nothing can have landed where we may not read or post
            raise
        nonce = nonce_of(notice.delivery_id)
        mark = MARK + nonce
        for message in messages:
            if self._ours(message) and _carries(message, nonce, mark):
                return f"discord:{message['channel_id']}:{message['id']}"
        return None

    def _ours(self, message: Any) -> bool:
        """Written by this bot: a person typing the marker in a DM must not pass for a delivery."""
        author = message.get("author") or {}
        if self.bot_user_id is not None:
            return str(author.get("id")) == str(self.bot_user_id)
        return bool(author.get("bot"))


def _carries(message: Any, nonce: str, mark: str) -> bool:
    if str(message.get("nonce") or "") == nonce:
        return True
    if mark in str(message.get("content") or ""):
        return True
    return any(mark in str((e.get("footer") or {}).get("text") or "") for e in message.get("embeds") or [])


def delivery_error(exc: BaseException) -> DeliveryError:
    """A discord.py failure in the scheduler's terms (permanent, or when to try again)."""
    if isinstance(exc, discord.RateLimited):
        return DeliveryError("Discord rate limit", retry_after=exc.retry_after)
    if isinstance(exc, discord.HTTPException):
        status, code = exc.status, exc.code
        if status == 429:
            return DeliveryError("Discord rate limit", retry_after=_retry_after(exc))
        if status >= 500:
            return DeliveryError(f"Discord: HTTP {status}")
        if code in PERMANENT_CODES or status in (400, 403, 404):
            # 4xx: the request itself can't succeed (gone, forbidden, refused); sending it again won't help.
            return DeliveryError(f"Discord: {status} {code} {exc.text[:100]}", permanent=True)
        return DeliveryError(f"Discord: HTTP {status} {code}")
    return DeliveryError(f"Discord unreachable: {type(exc).__name__}")


def _retry_after(exc: discord.HTTPException) -> float:
    headers = getattr(exc.response, "headers", None) or {}
    raw = headers.get("Retry-After") or headers.get("X-RateLimit-Reset-After")
    try:
        return float(raw) if raw is not None else 1.0
    except ValueError:
        return 1.0


@asynccontextmanager
async def discord_notifier_from_settings(settings: DiscordSettings) -> AsyncIterator[DiscordNotifier]:
    """A notifier for a process without the Discord surface (`reminders run-due`): a REST-only login with
    the bot token (no Gateway), closed on exit."""
    apply_endpoints(settings)
    http = HTTPClient(asyncio.get_running_loop())
    try:
        me = await http.static_login(settings.token())
        yield DiscordNotifier(http, bot_user_id=int(me["id"]))
    finally:
        await http.close()
