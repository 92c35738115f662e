"""The SQL word index behind ``TaskRepo.search``: built for the tasks of a database upgraded from 0001, kept
in step through maintenance (SQLite's VACUUM), and reachable by the queries (PostgreSQL's plan)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command

from core.models import Task
from storage.sql import SqlStore, migrate
from storage.sql.convert import TASKS, to_row

WS = "acme"


async def test_an_upgraded_database_indexes_the_tasks_it_already_has(sql_url: str) -> None:
    store = SqlStore(sql_url)
    rows = [
        to_row(TASKS, Task(workspace_id=WS, number=n, title=t))
        for n, t in enumerate(["Send invoices", "Renew insurance"], 1)
    ]

    def at_0001(conn: sa.Connection) -> None:
        config = migrate.alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        # only the columns revision 0001 has (later revisions add some, e.g. 0003 `repeat`)
        present = {c["name"] for c in sa.inspect(conn).get_columns("tasks")}
        conn.execute(TASKS.table.insert(), [{k: v for k, v in r.items() if k in present} for r in rows])

    await store.db.schema_work(at_0001, action="build revision 0001")
    await store.db.schema_work(migrate.upgrade, action="upgrade")
    await store.open()
    try:
        assert [t.title for t in await store.tasks.search(WS, "invocies")] == ["Send invoices"]
        assert [t.title for t in await store.tasks.search(WS, "insurance")] == ["Renew insurance"]
    finally:
        await store.close()


async def test_the_index_survives_maintenance(sql_store: SqlStore) -> None:
    await sql_store.tasks.create_many([Task(workspace_id=WS, title=f"Task {n}") for n in range(20)])
    await sql_store.tasks.create(Task(workspace_id=WS, title="Book the band"))
    await sql_store.maintain(force=True)  # SQLite: VACUUM, which may renumber the tasks table's rowids
    [found] = await sql_store.tasks.search(WS, "band")
    await sql_store.tasks.update(WS, found.id, {"title": "Book the venue"})
    assert [t.title for t in await sql_store.tasks.search(WS, "venue")] == ["Book the venue"]
    assert await sql_store.tasks.search(WS, "band") == []


async def test_postgres_can_answer_from_the_gin_index(sql_store: SqlStore) -> None:
    if sql_store.db.dialect != "postgresql":
        return  # SQLite's MATCH always goes through the FTS5 index
    from storage.sql import task_search

    # The candidates query minus the workspace filter (which a tiny table would rather answer by its btree):
    # does the words expression it writes match the GIN index's?
    stmt = task_search.candidates_of("postgresql", [], ["invoices"])
    compiled = stmt.compile(sql_store.db.engine.sync_engine, compile_kwargs={"literal_binds": True})
    async with sql_store.db.engine.connect() as conn:
        await conn.execute(sa.text("SET enable_seqscan = off"))
        plan = "\n".join(row[0] for row in await conn.execute(sa.text(f"EXPLAIN {compiled}")))
    assert "ix_tasks_search_words" in plan, plan
