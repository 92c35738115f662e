"""The composition root: reads settings, builds the chosen Store and hands it to the core."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from storage.factory import open_store

from core.conversation.handler import ConversationHandler
from core.services import Services
from core.settings import Settings
from core.store import Store


@dataclass
class Runtime:
    settings: Settings
    store: Store
    services: Services
    handler: ConversationHandler


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=getattr(logging, settings.log_level.upper(), logging.WARNING),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


@asynccontextmanager
async def runtime(settings: Settings | None = None) -> AsyncIterator[Runtime]:
    """Open the store, build the services and the conversation handler; close the store at the end."""
    settings = settings or Settings()
    store = open_store(
        settings.storage_url,
        storage_options=settings.storage_options or None,
        auto_maintain_files=settings.auto_maintain_files,
    )
    await store.open()
    try:
        services = Services(store)
        yield Runtime(settings, store, services, ConversationHandler(services))
    finally:
        await store.close()
