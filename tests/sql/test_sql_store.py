"""SQL-only behaviour: transactions, number counters, query plans, URLs and errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from core.errors import ConfigurationError, StorageError
from core.models import Platform, Project, Task
from core.services import Actor, Services
from core.store import TaskQuery
from storage.factory import open_store
from storage.sql import SqlStore
from storage.sql.engine import parse_sql_url
from storage.sql.task_query import like_pattern
from tests.conftest import make_actor

WS = "acme"


async def test_a_transaction_commits_together_or_not_at_all(sql_store: SqlStore) -> None:
    async with sql_store.transaction():
        made = await sql_store.tasks.create(Task(workspace_id=WS, title="kept"))
        await sql_store.tasks.update(WS, made.id, {"title": "kept, edited"})
        await sql_store.projects.create(Project(workspace_id=WS, name="P"))
    with pytest.raises(RuntimeError):
        async with sql_store.transaction():
            await sql_store.tasks.create(Task(workspace_id=WS, title="rolled back"))
            raise RuntimeError("boom")
    page = await sql_store.tasks.list(WS, TaskQuery())
    assert [t.title for t in page.items] == ["kept, edited"]
    assert [p.ref for p in await sql_store.projects.list(WS)] == ["P-1"]
    # The rolled-back create gave its number back.
    assert (await sql_store.tasks.create(Task(workspace_id=WS, title="next"))).ref == "T-2"


async def test_numbers_continue_after_rows_copied_in(sql_store: SqlStore) -> None:
    rows = [
        Task(workspace_id=WS, title=f"old {n}", number=n).model_dump(exclude={"is_overdue", "days_until_due"})
        for n in (3, 7)
    ]
    await sql_store.import_rows("tasks", rows)
    assert (await sql_store.tasks.create(Task(workspace_id=WS, title="new"))).number == 8
    assert (await sql_store.tasks.create(Task(workspace_id="other", title="new"))).number == 1


@contextmanager
def statements(store: SqlStore) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(store.db.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(store.db.engine.sync_engine, "before_cursor_execute", record)


async def _list_with_counts(services: Services, actor: Actor) -> list[Project]:
    return await services.projects.list(actor)


async def test_listing_projects_with_counts_takes_the_same_queries_for_1_or_20(sql_store: SqlStore) -> None:
    services = Services(sql_store)
    actor = await make_actor(services, workspace=WS)
    await services.users.ensure_workspace(WS, Platform.console)

    async def queries() -> int:
        with statements(sql_store) as seen:
            listed = await _list_with_counts(services, actor)
        assert all(p.task_count == 2 for p in listed)
        return len(seen)

    async def add_project(i: int) -> None:
        project = await sql_store.projects.create(Project(workspace_id=WS, name=f"P{i}"))
        await sql_store.tasks.create_many(
            [
                Task(workspace_id=WS, title=f"t{i}", project_id=project.id, due_date=date(2020, 1, 1))
                for _ in "ab"
            ]
        )

    await add_project(0)
    one = await queries()
    for i in range(1, 20):
        await add_project(i)
    assert await queries() == one <= 3


async def test_sqlite_lists_a_projects_open_tasks_through_the_index(tmp_path: Any) -> None:
    store = SqlStore(f"sqlite+aiosqlite:///{tmp_path}/plan.db")
    await store.open()
    try:
        from storage.sql import task_query
        from storage.sql.tables import tasks

        query = TaskQuery(project_id="p1", statuses=frozenset({"todo", "blocked"}))  # type: ignore[arg-type]
        stmt = sa.select(tasks).where(task_query.where("sqlite", WS, query))  # type: ignore[arg-type]
        compiled = stmt.compile(store.db.engine.sync_engine, compile_kwargs={"literal_binds": True})
        async with store.db.engine.connect() as conn:
            plan = " ".join(str(r[-1]) for r in await conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}"))
        assert "ix_tasks_workspace_project_status" in plan, plan
    finally:
        await store.close()


def test_like_patterns_take_wildcards_literally() -> None:
    assert like_pattern("50%") == "%50\\%%"
    assert like_pattern("a_b") == "%a\\_b%"
    assert like_pattern("c:\\x") == "%c:\\\\x%"


def test_storage_urls() -> None:
    sqlite = open_store("sqlite+aiosqlite:///relative/o.db")
    assert isinstance(sqlite, SqlStore) and str(sqlite.location.sqlite_path).endswith("/relative/o.db")
    assert sqlite.location.sqlite_path is not None and sqlite.location.sqlite_path.is_absolute()
    pg = parse_sql_url("postgresql+asyncpg://bot:secret@db.internal:6543/tasks?schema=orchestrator")
    assert (pg.dialect, pg.schema, pg.url.query) == ("postgresql", "orchestrator", {})
    assert "secret" not in pg.display() and "orchestrator" in pg.display()
    refused = {
        "sqlite:///x.db": "sqlite+aiosqlite://",
        "postgresql://u@h/db": "postgresql+asyncpg://",
        "postgres://u@h/db": "postgresql+asyncpg://",
        "sqlite+aiosqlite://": "database file",
        "sqlite+aiosqlite:///:memory:": "database file",
        "mysql+aiomysql://u@h/db": "can't store data in `mysql+aiomysql`",
    }
    for url, says in refused.items():
        with pytest.raises(ConfigurationError) as err:
            open_store(url)
        assert says in str(err.value), (url, str(err.value))


async def test_an_unreachable_server_is_a_storage_error_with_a_hint() -> None:
    store = open_store("postgresql+asyncpg://postgres@127.0.0.1:1/test")
    with pytest.raises(StorageError) as err:
        await store.open()
    assert "couldn't reach the database" in str(err.value) and "ORCHESTRATOR_STORAGE_URL" in str(err.value)
    await store.close()
