"""The composition root: reads settings, builds the chosen Store and hands it to the core."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from core.agent.responder import AgentResponder
from core.agent.router import Router
from core.conversation.handler import ConversationHandler
from core.services import Services
from core.settings import Settings
from core.store import Store
from storage.factory import open_store


@dataclass
class Runtime:
    settings: Settings
    store: Store
    services: Services
    handler: ConversationHandler
    router: Router | None = None


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=getattr(logging, settings.log_level.upper(), logging.WARNING),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


@asynccontextmanager
async def runtime(settings: Settings | None = None, *, model: str | None = None) -> AsyncIterator[Runtime]:
    """Open the store, build the services, the agent and the conversation handler; close the store at the end.

    ``model`` is an explicit model preference (the console's ``--model``); providers come from
    $ORCHESTRATOR_PROVIDERS or the shipped file, keys from the environment.
    """
    settings = settings or Settings()
    router = Router.from_env(os.environ)  # a broken providers file fails here, before the store opens
    store = open_store(
        settings.storage_url,
        storage_options=settings.storage_options or None,
        auto_maintain_files=settings.auto_maintain_files,
    )
    await store.open()  # refuses a SQL schema that is behind, naming the fix (`orchestrator db upgrade`)
    try:
        services = Services(store)
        responder = AgentResponder(services, router, preference=model)
        rt = Runtime(settings, store, services, ConversationHandler(services, responder), router)
        from bot.chat_sync import enable_chat_sync  # imports this module: late to avoid a cycle

        enable_chat_sync(rt)
        yield rt
    finally:
        await store.close()
