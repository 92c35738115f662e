"""Scheduler tests run on a real store: Delta in a temporary folder and SQLite (the contract suite covers
PostgreSQL for the repositories themselves)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.clock import FixedClock
from core.models import Platform, Surface
from core.services import Actor, Services
from core.store import Store
from storage.factory import open_store
from tests.schedule.fakes import RecordingNotifier

START = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)  # a Thursday


@pytest.fixture(params=["delta", "sqlite"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "delta":
        return str(tmp_path / "data")
    return f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}"


@pytest.fixture
async def store(store_url: str) -> AsyncIterator[Store]:
    s = open_store(store_url)
    await s.open()
    try:
        yield s
    finally:
        await s.close()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def notifier() -> RecordingNotifier:
    return RecordingNotifier()


@pytest.fixture
async def services(store: Store) -> Services:
    return Services(store)


async def person(
    services: Services, clock: FixedClock, name: str, tz: str = "UTC", workspace: str = "T1"
) -> Actor:
    """A member of a Slack workspace acting at the clock's moment."""
    await services.users.ensure_workspace(workspace, Platform.slack)
    user = await services.users.ensure_user(workspace, name, timezone=tz)
    user = await services.store.users.update(workspace, user.id, {"slack_user_id": f"U{name.upper()}"})
    return Actor(user, Surface.command, at=clock.now())
