"""``SlackSurface``: the Slack adapter as `orchestrator serve` runs it — HTTP or Socket Mode.

HTTP mode mounts ``POST /slack/events`` on serve's aiohttp app; the route checks Slack's v0 signature on the
raw bytes, then only translates the aiohttp request into a bolt request and back. The check comes first
because bolt's own (slack_sdk's ``SignatureVerifier``) raises on a non-numeric timestamp or a non-ASCII
signature, and bolt parses the body before verifying it: a forged request could make a 500. Here any
malformed, repeated or stale header is a 401 and an unsigned body is never parsed. Bolt still verifies again.
Socket Mode (when ``SLACK_APP_TOKEN`` is set) connects out to Slack instead, so no public URL is needed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.slack.app import build_app, build_deps
from bot.slack.deps import SlackDeps
from bot.slack.notify import SlackNotifier
from bot.slack.settings import SlackSettings
from bot.webhooks.signatures import one_header, slack_ok
from core.conversation.handler import ConversationHandler
from core.schedule.notify import Notifier
from core.services import Services

if TYPE_CHECKING:
    from bot.wiring import Runtime

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
# Headers bolt reads as its own instructions (lazy listeners); never taken from a request off the network.
_BOLT_INTERNAL = "x-slack-bolt-"


class SlackSurface:
    """One Slack app (one workspace's bot token) over the core."""

    name = "slack"

    def __init__(
        self,
        handler: ConversationHandler,
        services: Services,
        settings: SlackSettings,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self._clock = clock
        self.deps: SlackDeps = build_deps(handler, services)
        self.app: AsyncApp = build_app(settings, self.deps)
        self._socket: AsyncSocketModeHandler | None = None
        self._notifier: SlackNotifier | None = None

    @classmethod
    def from_runtime(cls, rt: Runtime) -> SlackSurface:
        """Built by `serve` when the settings have a Slack bot token and signing secret."""
        return cls(rt.handler, rt.services, rt.settings.slack)

    def notifier(self) -> Notifier | None:
        """How the scheduler speaks in this workspace: over the app's own Web API client (same token and
        API URL, so SLACK_API_URL reaches the fake in tests). One per surface, so its rate limiters are
        shared by every tick."""
        if self._notifier is None:
            self._notifier = SlackNotifier(self.app.client)
        return self._notifier

    @property
    def mode(self) -> str:
        return "socket" if self.settings.socket_mode else "http"

    def mount(self, app: web.Application) -> None:
        """HTTP mode: Slack POSTs events, commands and interactions to ``/slack/events``."""
        if not self.settings.socket_mode:
            app.router.add_post(EVENTS_PATH, self.handle_http)

    async def handle_http(self, request: web.Request) -> web.Response:
        """Verify, then translate only: aiohttp request → bolt (acks, runs listeners) → aiohttp response."""
        raw = await request.read()
        secret = self.settings.signing_secret
        if secret is None or not slack_ok(
            secret.get_secret_value(),
            raw,
            one_header(request.headers.getall("X-Slack-Request-Timestamp", [])),
            one_header(request.headers.getall("X-Slack-Signature", [])),
            self._clock(),
        ):
            return web.json_response({"error": "invalid request"}, status=401)
        try:
            bolt_request = AsyncBoltRequest(
                body=raw.decode("utf-8", "replace"),
                query=request.query_string,
                headers={
                    k: request.headers.getall(k)
                    for k in request.headers
                    if not k.lower().startswith(_BOLT_INTERNAL)
                },
            )
        except Exception:  # signed, yet not a payload bolt can read (never seen from Slack): say so, no body
            log.warning("slack: a signed request bolt can't parse")
            return web.json_response({"error": "malformed request"}, status=400)
        return await to_aiohttp_response(await self.app.async_dispatch(bolt_request))

    async def start(self) -> None:
        """Socket Mode: open the WebSocket (apps.connections.open honours SLACK_API_URL) and return."""
        if not self.settings.socket_mode or self.settings.app_token is None:
            log.info("slack: serving HTTP on %s", EVENTS_PATH)
            return
        # Built here, not in __init__: the Socket Mode client opens an aiohttp session on the running loop.
        self._socket = AsyncSocketModeHandler(
            self.app, app_token=self.settings.app_token.get_secret_value(), web_client=self.app.client
        )
        await self._socket.connect_async()
        log.info("slack: connected in Socket Mode")

    async def stop(self) -> None:
        """Close Socket Mode and let work acked before the stop finish (the store closes after us)."""
        if self._socket is not None:
            await self._socket.close_async()
            self._socket = None
        if not await self.deps.inflight.drain(10.0):
            log.warning("slack: %d requests were still running at shutdown", self.deps.inflight.count)
