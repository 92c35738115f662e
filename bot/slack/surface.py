"""``SlackSurface``: the Slack adapter as `orchestrator serve` runs it — HTTP or Socket Mode.

HTTP mode mounts ``POST /slack/events`` on serve's aiohttp app; the route only translates the aiohttp request
into a bolt request and back (``slack_bolt.adapter.aiohttp``). Socket Mode (when ``SLACK_APP_TOKEN`` is set)
connects out to Slack instead, so no public URL is needed.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp

from bot.slack.app import build_app, build_deps
from bot.slack.deps import SlackDeps
from bot.slack.settings import SlackSettings
from core.conversation.handler import ConversationHandler
from core.services import Services

if TYPE_CHECKING:
    from bot.wiring import Runtime

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


class SlackSurface:
    """One Slack app (one workspace's bot token) over the core."""

    name = "slack"

    def __init__(self, handler: ConversationHandler, services: Services, settings: SlackSettings) -> None:
        self.settings = settings
        self.deps: SlackDeps = build_deps(handler, services)
        self.app: AsyncApp = build_app(settings, self.deps)
        self._socket: AsyncSocketModeHandler | None = None

    @classmethod
    def from_runtime(cls, rt: Runtime) -> SlackSurface:
        """Built by `serve` when the settings have a Slack bot token and signing secret."""
        return cls(rt.handler, rt.services, rt.settings.slack)

    @property
    def mode(self) -> str:
        return "socket" if self.settings.socket_mode else "http"

    def mount(self, app: web.Application) -> None:
        """HTTP mode: Slack POSTs events, commands and interactions to ``/slack/events``."""
        if not self.settings.socket_mode:
            app.router.add_post(EVENTS_PATH, self.handle_http)

    async def handle_http(self, request: web.Request) -> web.Response:
        """Translate only: aiohttp request → bolt (verifies the signature, acks) → aiohttp response."""
        bolt_response = await self.app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

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
