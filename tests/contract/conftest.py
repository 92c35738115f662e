"""Fixtures of the Store contract suite: every test runs once per backend in ``backends.BACKENDS``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core.store import Store
from storage.factory import open_store
from tests.contract.backends import BACKENDS, Backend


@pytest.fixture(params=BACKENDS, ids=lambda b: b.name)
def backend(request: pytest.FixtureRequest) -> Backend:
    backend: Backend = request.param
    return backend


@pytest.fixture
async def store_url(backend: Backend, tmp_path: Path) -> AsyncIterator[str]:
    async with backend.location(tmp_path) as url:
        yield url


@pytest.fixture
async def store(store_url: str) -> AsyncIterator[Store]:
    s = open_store(store_url)
    await s.open()
    try:
        yield s
    finally:
        await s.close()
