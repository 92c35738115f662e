"""Shared fixtures: a real Delta store in a temporary folder and the services over it."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core.models import Platform, Surface
from core.services import Actor, Services
from core.store import Store
from storage.factory import open_store

# Never let a test talk to a real LLM provider.
os.environ.setdefault("ORCHESTRATOR_DEFAULT_TIMEZONE", "UTC")
try:
    import pydantic_ai.models

    pydantic_ai.models.ALLOW_MODEL_REQUESTS = False
except ImportError:  # pragma: no cover - pydantic-ai is a hard dependency
    pass


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    s = open_store(str(tmp_path / "data"))
    await s.open()
    try:
        yield s
    finally:
        await s.close()


@pytest.fixture
async def services(store: Store) -> Services:
    return Services(store)


async def make_actor(
    services: Services, workspace: str = "local", name: str = "alice", tz: str = "UTC"
) -> Actor:
    await services.users.ensure_workspace(workspace, Platform.console)
    user = await services.users.ensure_user(workspace, name, timezone=tz)
    return Actor(user, Surface.command)


@pytest.fixture
async def alice(services: Services) -> Actor:
    return await make_actor(services)
