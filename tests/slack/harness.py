"""Signed Slack requests against the real bolt app, mounted on an aiohttp server on 127.0.0.1.

Requests are built and signed the way Slack does it (v0 HMAC-SHA256 over ``v0:<timestamp>:<body>``) and posted
over real HTTP to ``/slack/events``; the app talks back to the loopback ``FakeSlack``.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web
from pydantic import SecretStr

from bot.slack.settings import SlackSettings
from bot.slack.surface import EVENTS_PATH, SlackSurface
from core.conversation.handler import ConversationHandler, FreeFormResponder
from core.services import Services
from core.store import Store
from tests.slack.fake_api import APP_TOKEN, BOT_TOKEN, BOT_USER_ID, TEAM_ID, FakeSlack

SIGNING_SECRET = "test-signing-secret"


def sign(body: str, timestamp: int, secret: str = SIGNING_SECRET) -> str:
    """Slack's v0 request signature."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def settings_for(fake: FakeSlack, *, socket_mode: bool = False) -> SlackSettings:
    return SlackSettings(
        bot_token=SecretStr(BOT_TOKEN),
        signing_secret=SecretStr(SIGNING_SECRET),
        app_token=SecretStr(APP_TOKEN) if socket_mode else None,
        api_url=fake.api_url,
    )


@dataclass
class Posted:
    status: int
    headers: dict[str, str]
    text: str


@dataclass
class SlackHarness:
    """The SlackSurface over ``store``, served on an ephemeral port, plus helpers to post to it."""

    fake: FakeSlack
    store: Store
    responder: FreeFormResponder | None = None
    surface: SlackSurface | None = None
    _runner: web.AppRunner | None = None
    _session: aiohttp.ClientSession | None = None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    port: int = 0

    async def start(self) -> None:
        services = Services(self.store)
        handler = ConversationHandler(services, self.responder)
        self.surface = SlackSurface(handler, services, settings_for(self.fake))
        app = web.Application()
        self.surface.mount(app)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        self._session = aiohttp.ClientSession()
        await self.surface.start()

    async def stop(self) -> None:
        """Let acked work finish, then close everything (the store is closed by its fixture)."""
        if self.surface is not None:
            await self.surface.stop()
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def restart(self) -> None:
        """A new process on the same store: fresh app, empty memory."""
        await self.stop()
        await self.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{EVENTS_PATH}"

    def next_id(self) -> int:
        return next(self._ids)

    # -- posting -----------------------------------------------------------------------------------------

    async def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Posted:
        ts = timestamp if timestamp is not None else int(time.time())
        all_headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": signature or sign(body, ts),
            **(headers or {}),
        }
        assert self._session is not None
        async with self._session.post(self.url, data=body.encode(), headers=all_headers) as resp:
            return Posted(resp.status, dict(resp.headers), await resp.text())

    async def command(self, text: str, *, user: str = "U1", command: str = "/task", **kw: Any) -> Posted:
        n = self.next_id()
        form = {
            "token": "legacy-verification-token",
            "team_id": TEAM_ID,
            "team_domain": "acme",
            "channel_id": "C1",
            "channel_name": "general",
            "user_id": user,
            "user_name": user.lower(),
            "command": command,
            "text": text,
            "api_app_id": "A1",
            "response_url": self.fake.response_url(f"cmd-{n}"),
            "trigger_id": f"trigger-cmd-{n}",
        }
        return await self.post(urlencode(form), "application/x-www-form-urlencoded", **kw)

    def event_body(self, event: dict[str, Any], event_id: str) -> str:
        return json.dumps(
            {
                "token": "legacy-verification-token",
                "team_id": TEAM_ID,
                "api_app_id": "A1",
                "event": event,
                "type": "event_callback",
                "event_id": event_id,
                "event_time": int(time.time()),
                "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
            }
        )

    async def event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry: int | None = None, **kw: Any
    ) -> Posted:
        body = self.event_body(event, event_id or f"Ev{self.next_id()}")
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        return await self.post(body, "application/json", headers=headers, **kw)

    async def interaction(self, payload: dict[str, Any], **kw: Any) -> Posted:
        body = urlencode({"payload": json.dumps(payload)})
        return await self.post(body, "application/x-www-form-urlencoded", **kw)


def mention_event(
    text: str, *, user: str = "U1", channel: str = "C1", ts: str = "1700000001.000100"
) -> dict[str, Any]:
    return {
        "type": "app_mention",
        "user": user,
        "text": f"<@{BOT_USER_ID}> {text}",
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
        "team": TEAM_ID,
    }


def dm_event(
    text: str, *, user: str = "U1", channel: str = "D1", ts: str = "1700000002.000100"
) -> dict[str, Any]:
    return {
        "type": "message",
        "channel_type": "im",
        "user": user,
        "text": text,
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
        "team": TEAM_ID,
    }
