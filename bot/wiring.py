"""The composition root: reads settings, builds the chosen Store and hands it to the core."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bot.lazy_responder import LazyResponder
from core.agent.router import Router
from core.conversation.handler import ConversationHandler
from core.dates import warm_up
from core.services import Services
from core.settings import Settings
from core.store import Store
from storage.factory import open_store


@dataclass
class Runtime:
    """What the composition root built: the settings it read once, the store and the core over it."""

    settings: Settings
    store: Store
    services: Services
    handler: ConversationHandler
    router: Router | None = None


def configure_logging(settings: Settings) -> None:
    """Root logging at the settings' level; quiet libraries' noise that says nothing about this bot."""
    logging.basicConfig(
        level=getattr(logging, settings.log_level.upper(), logging.WARNING),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


@asynccontextmanager
async def runtime(settings: Settings | None = None, *, model: str | None = None) -> AsyncIterator[Runtime]:
    """Open the store, build the services, the agent and the conversation handler; close the store at the end.

    ``model`` is an explicit model preference (the console's ``--model``); providers, keys and the storage
    come from ``settings`` (read from the environment and `.env` when not given).
    """
    settings = settings or Settings()
    router = Router.from_settings(settings)  # a broken providers file fails here, before the store opens
    store = open_store(
        settings.storage.url,
        storage_options=settings.storage.options or None,
        auto_maintain_files=settings.storage.auto_maintain_files,
    )
    await store.open()  # refuses a SQL schema that is behind, naming the fix (`orchestrator db upgrade`)
    # dateparser builds its regexes on first use (~100 ms): here, off the loop, not in a user's first turn.
    await asyncio.to_thread(warm_up)
    try:
        services = Services(store)
        responder = LazyResponder(services, router, preference=model)  # pydantic-ai loads on first use
        rt = Runtime(settings, store, services, ConversationHandler(services, responder), router)
        from bot.chat_sync import enable_chat_sync  # imports this module: late to avoid a cycle

        enable_chat_sync(rt)
        yield rt
    finally:
        await store.close()
