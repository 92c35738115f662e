"""Fixtures: the loopback fake Slack API and the real bolt app over a real Delta store."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from core.store import Store
from tests.loop_guard import loop_guard, pytest_runtest_call, warm_start  # noqa: F401  (autouse)
from tests.slack.fake_api import FakeSlack, FakeUser
from tests.slack.harness import SlackHarness


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    api = FakeSlack(
        users={
            "U1": FakeUser("U1", "alice", "Alice Martin", "Alice@Example.com", "Europe/Paris"),
            "U2": FakeUser("U2", "bob", "Bob Stone", "bob@example.com", "America/New_York"),
        }
    )
    await api.start()
    try:
        yield api
    finally:
        await api.stop()


@pytest.fixture
async def slack(fake: FakeSlack, store: Store) -> AsyncIterator[SlackHarness]:
    harness = SlackHarness(fake, store)
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()
