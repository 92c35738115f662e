"""Revision 0005 adds ``tasks.actual_minutes`` and the indexes of the structure lookups to a database at 0004
that already has linked tasks: they read back untimed, their subtasks and blocked tasks are found, and it
downgrades cleanly."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic import command

from core.models import Task
from core.store import TaskQuery
from storage.sql import SqlStore, migrate
from storage.sql.convert import TASKS, to_row
from storage.sql.tables import DEPENDENCIES_INDEX

WS = "acme"


def _to(revision: str, *, down: bool = False) -> Callable[[sa.Connection], None]:
    def work(conn: sa.Connection) -> None:
        config = migrate.alembic_config()
        config.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(config, revision)

    return work


def _shape(conn: sa.Connection) -> tuple[set[str], set[str]]:
    inspector = sa.inspect(conn)
    columns = {c["name"] for c in inspector.get_columns("tasks")}
    return columns, {str(i["name"]) for i in inspector.get_indexes("tasks")}


def _dependencies_index(conn: sa.Connection) -> list[str]:
    """The definition of the GIN index, from the catalog (the inspector leaves out expression indexes)."""
    query = sa.text(
        "SELECT indexdef FROM pg_indexes WHERE indexname = :name AND schemaname = current_schema()"
    )
    return [str(d) for d in conn.execute(query, {"name": DEPENDENCIES_INDEX}).scalars()]


async def test_0005_upgrades_a_0004_database_and_downgrades(sql_url: str) -> None:
    store = SqlStore(sql_url)
    parent = Task(workspace_id=WS, number=1, title="Launch")
    child = Task(workspace_id=WS, number=2, title="Write copy", parent_id=parent.id, dependencies=[parent.id])
    rows = [to_row(TASKS, t) for t in (parent, child)]

    def at_0004(conn: sa.Connection) -> None:
        _to("0004")(conn)
        conn.execute(
            TASKS.table.insert(), [{k: v for k, v in r.items() if k != "actual_minutes"} for r in rows]
        )

    await store.db.schema_work(at_0004, action="build revision 0004")
    columns, indexes = await store.db.schema_work(_shape, action="inspect")
    assert "actual_minutes" not in columns and "ix_tasks_workspace_parent" not in indexes

    await store.db.schema_work(migrate.upgrade, action="upgrade")
    columns, indexes = await store.db.schema_work(_shape, action="inspect")
    assert "actual_minutes" in columns and "ix_tasks_workspace_parent" in indexes
    if store.db.dialect == "postgresql":
        [found] = await store.db.schema_work(_dependencies_index, action="inspect")
        assert "gin" in found and "jsonb_path_ops" in found, found
    await store.open()
    try:
        old = await store.tasks.get(WS, child.id)
        assert old is not None and old.actual_minutes is None and old.dependencies == [parent.id]
        children = (await store.tasks.list(WS, TaskQuery(parent_id=parent.id))).items
        blocked = (await store.tasks.list(WS, TaskQuery(blocked_by=parent.id))).items
        assert [t.id for t in children] == [t.id for t in blocked] == [child.id]
        timed = await store.tasks.update(WS, child.id, {"actual_minutes": 90})
        assert timed.actual_minutes == 90
    finally:
        await store.close()

    await store.db.schema_work(_to("0004", down=True), action="downgrade")
    columns, indexes = await store.db.schema_work(_shape, action="inspect")
    assert "actual_minutes" not in columns and "ix_tasks_workspace_parent" not in indexes
    if store.db.dialect == "postgresql":
        assert await store.db.schema_work(_dependencies_index, action="inspect") == []
    again = await store.db.schema_work(migrate.upgrade, action="upgrade again")
    assert (again.before, again.after) == ("0004", again.head)
    await store.close()
