"""Build the bolt ``AsyncApp``: the Web API client, dedup middleware and every listener."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import actions, commands, events, shortcuts
from bot.slack.dedup import Deliveries
from bot.slack.deps import SlackDeps
from bot.slack.settings import SlackSettings
from bot.slack.users import SlackUsers
from core.conversation.handler import ConversationHandler
from core.services import Services

log = logging.getLogger(__name__)


def web_client(settings: SlackSettings) -> AsyncWebClient:
    """The Web API client; ``SLACK_API_URL`` points it at a proxy, GovSlack or a test fake."""
    return AsyncWebClient(token=settings.bot_token.get_secret_value(), base_url=settings.base_url)


def build_deps(handler: ConversationHandler, services: Services) -> SlackDeps:
    """The listeners' shared dependencies over one store."""
    return SlackDeps(
        handler=handler,
        services=services,
        users=SlackUsers(handler),
        deliveries=Deliveries(services.store.receipts),
    )


def build_app(settings: SlackSettings, deps: SlackDeps, *, client: AsyncWebClient | None = None) -> AsyncApp:
    """The bolt app with our middleware and listeners; ``client`` overrides the Web API client."""
    app = AsyncApp(
        client=client or web_client(settings),
        signing_secret=settings.signing_secret.get_secret_value(),
        name="orchestrator",
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
