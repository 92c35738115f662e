"""Revision 0004 adds ``schedules``, ``deliveries``, ``users.quiet_hours`` and ``users.remind_before_minutes``
to a database at 0003: existing users read back with neither set, the new tables work, their indexes are
there, and it downgrades cleanly."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command

from core.models import Delivery, Schedule, ScheduleKind, User
from storage.sql import SqlStore, migrate
from storage.sql.convert import USERS, to_row

WS = "acme"
NEW_USER_COLUMNS = {"quiet_hours", "remind_before_minutes"}
T0 = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)


def _to(revision: str, *, down: bool = False) -> Callable[[sa.Connection], None]:
    def work(conn: sa.Connection) -> None:
        config = migrate.alembic_config()
        config.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(config, revision)

    return work


def _shape(conn: sa.Connection) -> tuple[set[str], set[str], set[tuple[str, ...]], set[tuple[str, ...]]]:
    inspector = sa.inspect(conn)
    tables = set(inspector.get_table_names())
    columns = {c["name"] for c in inspector.get_columns("users")}
    indexes: dict[str, set[tuple[str, ...]]] = {"schedules": set(), "deliveries": set()}
    for name in indexes:
        if name in tables:
            indexes[name] = {tuple(str(c) for c in i["column_names"]) for i in inspector.get_indexes(name)}
    return tables, columns, indexes["schedules"], indexes["deliveries"]


async def test_0004_upgrades_a_0003_database_and_downgrades(sql_url: str) -> None:
    store = SqlStore(sql_url)
    row = to_row(USERS, User(id="u1", workspace_id=WS, name="ana"))

    def at_0003(conn: sa.Connection) -> None:
        _to("0003")(conn)
        conn.execute(USERS.table.insert(), [{k: v for k, v in row.items() if k not in NEW_USER_COLUMNS}])

    await store.db.schema_work(at_0003, action="build revision 0003")
    tables, columns, _, _ = await store.db.schema_work(_shape, action="inspect")
    assert not {"schedules", "deliveries"} & tables and not NEW_USER_COLUMNS & columns

    await store.db.schema_work(migrate.upgrade, action="upgrade")
    tables, columns, schedule_indexes, delivery_indexes = await store.db.schema_work(_shape, action="inspect")
    assert {"schedules", "deliveries"} <= tables and NEW_USER_COLUMNS <= columns
    assert {("next_run_at",), ("workspace_id", "user_id"), ("workspace_id", "task_id")} <= schedule_indexes
    assert ("workspace_id", "schedule_id") in delivery_indexes
    await store.open()
    try:
        old = await store.users.get(WS, "u1")
        assert old is not None and (old.name, old.quiet_hours, old.remind_before_minutes) == (
            "ana",
            None,
            None,
        )
        changed = await store.users.update(
            WS, "u1", {"quiet_hours": "21:00-07:00", "remind_before_minutes": 60}
        )
        assert (changed.quiet_hours, changed.remind_before_minutes) == ("21:00-07:00", 60)
        schedule = await store.schedules.put(
            Schedule(workspace_id=WS, kind=ScheduleKind.digest, next_run_at=T0)
        )
        assert (
            await store.schedules.next_run() == T0 and await store.schedules.get(WS, schedule.id) == schedule
        )
        receipt = Delivery(id="d1", workspace_id=WS, schedule_id=schedule.id, occurrence_at=T0)
        assert await store.deliveries.begin(receipt) is None
    finally:
        await store.close()

    await store.db.schema_work(_to("0003", down=True), action="downgrade")
    tables, columns, _, _ = await store.db.schema_work(_shape, action="inspect")
    assert not {"schedules", "deliveries"} & tables and not NEW_USER_COLUMNS & columns
    again = await store.db.schema_work(migrate.upgrade, action="upgrade again")
    assert (again.before, again.after) == ("0003", again.head) and again.head >= "0004"
    await store.close()
