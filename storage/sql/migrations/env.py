"""Alembic environment for both async drivers (aiosqlite, asyncpg).

Migrations always run on a synchronous connection handed over by ``AsyncConnection.run_sync``:
``storage.sql.migrate`` passes its own (already in a transaction that holds the schema lock) through
``config.attributes["connection"]``. Run by the ``alembic`` command instead (``-x url=…``), this file opens an
async engine itself.
"""

from __future__ import annotations

import asyncio

import sqlalchemy as sa
from alembic import context

from storage.sql.tables import metadata

config = context.config


def run_migrations(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations(url: str) -> None:
    from storage.sql.database import Database
    from storage.sql.engine import parse_sql_url

    db = Database(parse_sql_url(url))
    try:
        await db.schema_work(run_migrations, action="migrate the database")
    finally:
        await db.close()


def main() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    if context.is_offline_mode():
        raise SystemExit("Offline (--sql) migrations are not supported; run them against a database.")
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("Pass the database URL: alembic -x url=postgresql+asyncpg://… upgrade head")
    asyncio.run(run_async_migrations(url))


main()
