"""Fixtures of the SQL-only tests: each runs on SQLite (a file in tmp_path) and PostgreSQL (fresh schema)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.sql import SqlStore
from tests.postgres import fresh_schema


@pytest.fixture(params=["sqlite", "postgres"])
async def sql_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/store.db"
        return
    async with fresh_schema() as url:
        yield url


@pytest.fixture
async def sql_store(sql_url: str) -> AsyncIterator[SqlStore]:
    store = SqlStore(sql_url)
    await store.open()
    try:
        yield store
    finally:
        await store.close()
