"""Revision 0003 adds ``tasks.repeat`` to a database that already has tasks: they read back as not repeating,
and a rule can be set on them afterwards."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command

from core.models import Task
from storage.sql import SqlStore, migrate
from storage.sql.convert import TASKS, to_row

WS = "acme"


async def test_tasks_from_before_0003_read_back_without_a_rule(sql_url: str) -> None:
    store = SqlStore(sql_url)
    row = to_row(TASKS, Task(workspace_id=WS, number=1, title="Send invoices"))

    def at_0002(conn: sa.Connection) -> None:
        config = migrate.alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, "0002")
        present = {c["name"] for c in sa.inspect(conn).get_columns("tasks")}
        assert "repeat" not in present
        # only the columns revision 0002 has (later revisions add more, e.g. 0005 `actual_minutes`)
        conn.execute(TASKS.table.insert(), [{k: v for k, v in row.items() if k in present}])

    await store.db.schema_work(at_0002, action="build revision 0002")
    await store.db.schema_work(migrate.upgrade, action="upgrade")
    await store.open()
    try:
        old = await store.tasks.get_by_number(WS, 1)
        assert old is not None and old.title == "Send invoices" and old.repeat is None
        changed = await store.tasks.update(WS, old.id, {"repeat": "every monday"})
        assert (await store.tasks.get(WS, old.id)) == changed and changed.repeat == "every monday"
    finally:
        await store.close()
