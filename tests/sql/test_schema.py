"""Migrations: they build exactly ``tables.py``; an empty database is created, one that is behind is refused
with the command that fixes it, and that command (``orchestrator db upgrade``) does fix it."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from typer.testing import CliRunner

from bot.cli import app
from bot.wiring import runtime
from core.errors import ConfigurationError
from core.settings import Settings
from storage.sql import SqlStore, convert, migrate
from storage.sql.tables import DIALECT_OBJECTS, SEARCH_TABLE_PREFIX, metadata

FAKE_0006 = '''
"""A later schema change, for the tests: one more index."""
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_tasks_test_title", "tasks", ["title"])


def downgrade() -> None:
    op.drop_index("ix_tasks_test_title", "tasks")
'''


async def _run(store: SqlStore, sql: str) -> None:
    async with store.db.engine.begin() as conn:
        await conn.execute(sa.text(sql))


async def test_migrations_build_exactly_the_tables(sql_store: SqlStore) -> None:
    def diff(conn: sa.Connection) -> list[object]:
        # The search index and the dependencies index differ per dialect and live outside the metadata
        # (tables.DIALECT_OBJECTS).
        def ours(name: str | None, _type: str, _parent: object) -> bool:
            return not (name or "").startswith(SEARCH_TABLE_PREFIX) and name not in DIALECT_OBJECTS

        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": ours})
        return list(compare_metadata(context, metadata))

    async with sql_store.db.engine.connect() as conn:
        assert await conn.run_sync(diff) == []


async def test_indexes_for_the_query_paths(sql_store: SqlStore) -> None:
    def describe(conn: sa.Connection) -> tuple[set[tuple[str | None, ...]], set[tuple[str, ...]]]:
        inspector = sa.inspect(conn)
        indexes = {tuple(i["column_names"]) for i in inspector.get_indexes("tasks")}
        unique = {
            tuple(u["column_names"])
            for table in ("tasks", "projects")
            for u in inspector.get_unique_constraints(table)
        }
        return indexes, unique

    async with sql_store.db.engine.connect() as conn:
        indexes, unique = await conn.run_sync(describe)
    assert {
        ("workspace_id", "project_id", "status"),
        ("workspace_id", "assignee_id"),
        ("workspace_id", "due_date"),
        ("workspace_id", "parent_id"),
    } <= indexes
    assert unique == {("workspace_id", "number")}


async def test_an_empty_database_is_created_once_by_concurrent_opens(sql_url: str) -> None:
    stores = [SqlStore(sql_url) for _ in range(3)]
    try:
        await asyncio.gather(*(s.open() for s in stores))
        assert {s.revision for s in stores} == {"0005"}
        infos = {i.name: i for i in await stores[0].info()}
        assert infos["tasks"].version == 5 and infos["tasks"].rows == 0
    finally:
        for s in stores:
            await s.close()


async def test_a_newer_schema_is_refused(sql_store: SqlStore, sql_url: str) -> None:
    await _run(sql_store, "UPDATE alembic_version SET version_num = '9999'")
    again = SqlStore(sql_url)
    with pytest.raises(ConfigurationError, match="newer than this version"):
        await again.open()
    await again.close()


async def test_tables_without_a_version_are_left_alone(sql_store: SqlStore, sql_url: str) -> None:
    await _run(sql_store, "DROP TABLE alembic_version")
    again = SqlStore(sql_url)
    with pytest.raises(ConfigurationError, match="no schema version"):
        await again.open()
    await again.close()


@pytest.fixture
def next_release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend this code ships one more migration (0006) than the database has seen."""
    extra = tmp_path / "versions"
    extra.mkdir()
    (extra / "0006_test_index.py").write_text(FAKE_0006)
    shipped = migrate.alembic_config

    def config() -> Config:
        cfg = shipped()
        cfg.set_main_option("path_separator", "os")
        cfg.set_main_option(
            "version_locations", os.pathsep.join([str(migrate.MIGRATIONS / "versions"), str(extra)])
        )
        return cfg

    monkeypatch.setattr(migrate, "alembic_config", config)


async def test_a_schema_behind_is_refused_until_db_upgrade(
    sql_store: SqlStore, sql_url: str, next_release: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    await sql_store.close()  # created at 0005 by the fixture; the code now wants 0006
    settings = Settings(storage={"url": sql_url})
    with pytest.raises(migrate.SchemaBehindError) as refused:
        async with runtime(settings):
            pass
    assert "revision 0005" in str(refused.value) and "`orchestrator db upgrade`" in str(refused.value)

    monkeypatch.setenv("ORCHESTRATOR_STORAGE_URL", sql_url)
    runner = CliRunner()

    def cli(*args: str) -> tuple[int, str]:
        result = runner.invoke(app, list(args), input="")
        return result.exit_code, " ".join((result.stdout + result.stderr).split())

    code, text = await asyncio.to_thread(cli, "chat")
    assert code == 2 and "needs 0006" in text and "Run `orchestrator db upgrade`" in text
    code, text = await asyncio.to_thread(cli, "db", "upgrade")
    assert code == 0 and "upgraded from revision 0005 to 0006" in text, text
    code, text = await asyncio.to_thread(cli, "db", "upgrade")
    assert code == 0 and "up to date (revision 0006)" in text, text

    async with runtime(settings) as rt:
        assert {i.name: i.version for i in await rt.store.info()}["tasks"] == 6


def test_every_model_field_has_a_column() -> None:
    # A model field without a column would be dropped on every insert without a word.
    entities = [value for value in vars(convert).values() if isinstance(value, convert.Entity)]
    assert len(entities) >= 11
    for entity in entities:
        assert set(entity.model.model_fields) - entity.exclude == set(entity.columns), entity.table.name
