"""The PostgreSQL the SQL tests use: 127.0.0.1:5432, user ``postgres``, database ``test``, trust auth.

Each test gets a fresh schema (created here, dropped afterwards), named in the store URL's ``schema`` option,
so parallel runs never see each other's tables. When the server can't be reached, the test is skipped with
the reason, except under CI (``CI=true``), where it fails: CI must never pass by skipping.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import pytest

HOST = os.environ.get("ORCHESTRATOR_TEST_PG_HOST", "127.0.0.1")
PORT = int(os.environ.get("ORCHESTRATOR_TEST_PG_PORT", "5432"))
USER = "postgres"
DATABASE = "test"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def base_url() -> str:
    return f"postgresql+asyncpg://{USER}@{HOST}:{PORT}/{DATABASE}"


async def _connect() -> asyncpg.Connection:
    try:
        return await asyncpg.connect(host=HOST, port=PORT, user=USER, database=DATABASE, timeout=5)
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        reason = f"PostgreSQL at {HOST}:{PORT} (database {DATABASE}) is not reachable: {exc!r}"
        if in_ci():
            pytest.fail(f"{reason}. Under CI the PostgreSQL tests must run; .ci/run starts the server.")
        pytest.skip(f"{reason}. Start it (pg_ctlcluster … main start) to run these tests.")


@asynccontextmanager
async def fresh_schema() -> AsyncIterator[str]:
    """A store URL pointing at a new, empty schema of the test database; the schema is dropped afterwards."""
    admin = await _connect()
    name = f"t_{uuid.uuid4().hex[:16]}"
    await admin.execute(f'CREATE SCHEMA "{name}"')
    try:
        yield f"{base_url()}?schema={name}"
    finally:
        await admin.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        await admin.close()
