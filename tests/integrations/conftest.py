"""Fixtures for the Motion integration tests: the loopback fake, a client tuned for it, and a sync helper.

Time is scaled: the fake allows Motion's 12 requests per ``WINDOW`` seconds instead of per minute, and the
client's limiter is sized the same way, so a 500-task sync takes about a second instead of minutes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from core.integrations import IntegrationClient
from core.models import ConflictPolicy, Integration, IntegrationType, SyncDirection, SyncLog, Task
from core.secrets import SecretBox
from core.services import Services
from core.store import Store, TaskQuery, TaskSort
from core.sync import SyncEngine
from integrations.http import RateLimit, RetryPolicy
from integrations.motion import MotionClient
from tests.fakes.motion_server import MotionFake

WINDOW = 0.3  # seconds standing for Motion's minute
FAST_RETRY = RetryPolicy(attempts=10, initial=0.01, maximum=0.5)
CLIENT_TIMEOUT = 0.5  # the fake's "timeout" fault holds answers for 1 s
WS = "local"


@pytest.fixture
async def motion() -> AsyncIterator[MotionFake]:
    async with MotionFake(window=WINDOW) as fake:
        yield fake


@pytest.fixture
def box() -> SecretBox:
    return SecretBox(SecretBox.generate_key())


def make_client(fake: MotionFake, *, api_key_override: str | None = None, **kwargs: Any) -> MotionClient:
    """A client for the fake, its limiter sized to the fake's scaled limit."""
    # Extra headroom at this time scale: a few ms of scheduling jitter is a large part of a 0.3 s window.
    kwargs.setdefault("rate", RateLimit(fake.rate_limit, fake.window, safety=0.8))
    kwargs.setdefault("retry", FAST_RETRY)
    kwargs.setdefault("timeout", CLIENT_TIMEOUT)
    return MotionClient(api_key_override or fake.api_key, base_url=fake.base_url, **kwargs)


@pytest.fixture
async def integration(services: Services, box: SecretBox, motion: MotionFake) -> Integration:
    from core.models import Platform

    await services.users.ensure_workspace(WS, Platform.console)
    row = Integration(
        workspace_id=WS,
        type=IntegrationType.motion,
        name="motion",
        base_url=motion.base_url,
        credentials_encrypted=box.encrypt({"api_key": motion.api_key}),
    )
    return await services.store.integrations.add(row)


async def run_client(
    services: Services,
    client: IntegrationClient,
    integration: Integration,
    *,
    direction: SyncDirection | None = None,
    policy: ConflictPolicy | None = None,
) -> SyncLog:
    """One sync run with a fresh ``client`` (closed after), as the scheduler does it."""
    store = services.store
    if policy is not None:
        await store.integrations.update(WS, integration.id, {"conflict_policy": policy})
    fresh = await store.integrations.get(WS, integration.id)
    assert fresh is not None
    try:
        return await SyncEngine(services, client, fresh).run(direction)
    finally:
        await client.aclose()


async def run_sync(
    services: Services,
    fake: MotionFake,
    integration: Integration,
    *,
    direction: SyncDirection | None = None,
    policy: ConflictPolicy | None = None,
    **client_kwargs: Any,
) -> SyncLog:
    """One Motion sync run."""
    client = make_client(fake, **client_kwargs)
    return await run_client(services, client, integration, direction=direction, policy=policy)


async def all_tasks(store: Store, *, include_deleted: bool = True) -> list[Task]:
    page = await store.tasks.list(
        WS, TaskQuery(include_deleted=include_deleted, sort=TaskSort.number, limit=100_000)
    )
    return page.items


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A CLI run's environment: data and config under ``tmp_path``, no secret key or Motion key set."""
    monkeypatch.setenv("ORCHESTRATOR_STORAGE_URL", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for name in ("ORCHESTRATOR_SECRET_KEY", "ORCHESTRATOR_SECRET_KEY_FILE", "MOTION_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


async def finished_runs(store: Store, server: asyncio.Task[int]) -> list[SyncLog]:
    """The sync logs once the newest run has finished (or the server stopped); bounded, not timed."""
    logs: list[SyncLog] = []
    for _ in range(600):
        logs = await store.sync_logs.list(WS)
        if (logs and logs[0].status != "running") or server.done():
            break
        await asyncio.sleep(0.05)
    return logs
