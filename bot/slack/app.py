"""Build the bolt ``AsyncApp``: the Web API client, dedup middleware and every listener."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import SecretStr
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import actions, commands, events, shortcuts
from bot.slack.dedup import Deliveries
from bot.slack.deps import SlackDeps
from bot.slack.settings import SlackSettings
from bot.slack.users import SlackUsers
from core.conversation.handler import ConversationHandler
from core.services import Services

log = logging.getLogger(__name__)


def _secret(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value is not None else None


def web_client(settings: SlackSettings) -> AsyncWebClient:
    """The Web API client; ``SLACK_API_URL`` points it at a proxy, GovSlack or a test fake."""
    return with_retries(AsyncWebClient(token=_secret(settings.bot_token), base_url=settings.base_url))


def with_retries(client: AsyncWebClient) -> AsyncWebClient:
    """Retry a 5xx and honour a 429's Retry-After (slack_sdk retries only connection errors by default):
    without it an answer Slack failed to take once is lost while its change is already stored."""
    handlers = client.retry_handlers
    if not any(isinstance(h, AsyncServerErrorRetryHandler) for h in handlers):
        handlers.append(AsyncServerErrorRetryHandler(max_retry_count=2))
    if not any(isinstance(h, AsyncRateLimitErrorRetryHandler) for h in handlers):
        handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=2))
    return client


def build_deps(handler: ConversationHandler, services: Services) -> SlackDeps:
    """The listeners' shared dependencies over one store."""
    return SlackDeps(
        handler=handler,
        services=services,
        users=SlackUsers(),
        deliveries=Deliveries(services.store.receipts),
    )


def build_app(settings: SlackSettings, deps: SlackDeps, *, client: AsyncWebClient | None = None) -> AsyncApp:
    """The bolt app with our middleware and listeners; ``client`` overrides the Web API client."""
    if client is None:
        # Bolt builds its own client from ``token``; handing it a client instead makes it warn "token will
        # be unused" whenever SLACK_BOT_TOKEN is in the environment (bolt reads that variable itself). So pass
        # the token, then point the client at the configured Web API URL: bolt copies ``base_url`` from it.
        app = AsyncApp(
            token=_secret(settings.bot_token),
            signing_secret=_secret(settings.signing_secret) or "",
            name="orchestrator",
        )
        app.client.base_url = settings.base_url
        with_retries(app.client)
    else:
        app = AsyncApp(
            client=client, signing_secret=_secret(settings.signing_secret) or "", name="orchestrator"
        )
    app.use(deps.deliveries.middleware)

    @app.error
    async def on_error(error: Exception, body: dict[str, Any], response: BoltResponse | None) -> None:
        # Listeners turn failures into messages themselves; whatever still escapes lands here. Log the kind
        # of request, never the body (tokens, people's messages).
        log.error("unhandled error in a Slack listener (%s)", body.get("type"), exc_info=error)

    commands.register(app, deps)
    events.register(app, deps)
    shortcuts.register(app, deps)
    actions.register(app, deps)
    return app
