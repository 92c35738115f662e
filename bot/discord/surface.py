"""DiscordSurface: what `orchestrator serve` runs when the settings have a Discord bot token."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any

import discord
from aiohttp import web

from bot.discord.client import OrchestratorClient
from bot.discord.notify import DiscordNotifier
from bot.discord.settings import DiscordSettings, apply_endpoints
from core.conversation.handler import ConversationHandler
from core.errors import ConfigurationError
from core.schedule.notify import Notifier
from core.services import Services

if TYPE_CHECKING:
    from bot.wiring import Runtime

log = logging.getLogger(__name__)

CONTENT_INTENT_OFF = (
    "The Message Content Intent is off for this Discord application: mentions through the bot's role arrive "
    "without text. Slash commands, DMs and direct @mentions still work. Turn it on in the Developer Portal "
    "(Bot → Privileged Gateway Intents → Message Content Intent) and restart."
)


class DiscordSurface:
    """Logs in, registers the slash commands, then keeps the Gateway connection in a background task."""

    name = "discord"

    def __init__(
        self,
        services: Services,
        handler: ConversationHandler,
        settings: DiscordSettings,
        **client_options: Any,
    ) -> None:
        self._services = services
        self._handler = handler
        self._settings = settings
        self._options = client_options  # passed to discord.Client (tests shorten guild_ready_timeout)
        self.client: OrchestratorClient | None = None
        self._task: asyncio.Task[None] | None = None
        self._notifier: DiscordNotifier | None = None

    @classmethod
    def from_runtime(cls, rt: Runtime) -> DiscordSurface:
        """Built by `serve` when the settings have a Discord bot token."""
        return cls(rt.services, rt.handler, rt.settings.discord)

    def mount(self, app: web.Application) -> None:
        """Nothing to mount: Discord reaches the bot over the Gateway, not HTTP."""

    async def start(self) -> None:
        apply_endpoints(self._settings)
        token = self._settings.token()
        client = await self._login(token, message_content=True)
        if not client.has_message_content():
            # Asking for a privileged intent the application lacks makes Discord close the Gateway (4014).
            log.warning(CONTENT_INTENT_OFF)
            await client.close()
            client = await self._login(token, message_content=False)
        try:
            await client.sync_commands(self._settings.command_guilds)
        except discord.HTTPException as exc:
            log.error("registering slash commands failed (%s); DMs and mentions still work", exc.status)
        self.client = client
        self._task = asyncio.create_task(self._run(client), name="discord-gateway")

    def notifier(self) -> Notifier | None:
        """How the scheduler speaks on Discord: over the logged-in bot's REST client (None before
        ``start`` and after ``stop``). One per connection, so its DM channel cache and limiter are shared."""
        client = self.client
        if client is None:
            return None
        if self._notifier is None or self._notifier.http is not client.http:
            me = client.user.id if client.user is not None else None
            self._notifier = DiscordNotifier(client.http, bot_user_id=me)
        return self._notifier

    async def _login(self, token: str, *, message_content: bool) -> OrchestratorClient:
        client = OrchestratorClient(
            self._services, self._handler, message_content=message_content, **self._options
        )
        try:
            await client.login(token)
        except discord.LoginFailure:
            await client.close()
            raise ConfigurationError(
                "Discord rejected DISCORD_BOT_TOKEN.",
                hint="Copy it again from the Developer Portal (Bot tab).",
            ) from None
        except BaseException:
            await client.close()
            raise
        return client

    async def _run(self, client: OrchestratorClient) -> None:
        try:
            await client.connect(reconnect=True)
        except asyncio.CancelledError:
            raise
        except discord.PrivilegedIntentsRequired:
            log.error("Discord refused the requested intents. %s", CONTENT_INTENT_OFF)
        except Exception:
            log.exception("the Discord connection ended")

    async def wait_until_ready(self) -> None:
        """Wait for READY and the servers' GUILD_CREATE events (wrap in ``asyncio.timeout``)."""
        if self.client is None:
            raise RuntimeError("start() first")
        await self.client.wait_until_ready()

    async def stop(self) -> None:
        client, task = self.client, self._task
        self.client, self._task, self._notifier = None, None, None
        if client is not None:
            await client.close()
        if task is not None:
            try:
                await asyncio.wait_for(task, timeout=10)
            except TimeoutError:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
