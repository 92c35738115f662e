"""Task structure in the store: subtasks by ``TaskQuery.parent_id``, what a task blocks by
``TaskQuery.blocked_by``, the narrow ``TaskRepo.links`` projection, and ``Task.actual_minutes``; on SQL, the
plans of the two reverse lookups go through their indexes (migration 0005)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from deltalake import write_deltalake
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.postgresql import psycopg2

from core.models import Task, TaskStatus
from core.store import Store, TaskLink, TaskQuery, TaskSort
from storage.delta.convert import to_arrow
from storage.delta.schema import SCHEMA_NAME, TASKS
from storage.factory import open_store
from storage.sql import SqlStore, task_query
from storage.sql.tables import DEPENDENCIES_INDEX, tasks
from tests.contract.backends import Backend
from tests.contract.samples import OTHER, WS, task


def _by_number(**fields: object) -> TaskQuery:
    return TaskQuery(**{"sort": TaskSort.number, "limit": 100, **fields})  # type: ignore[arg-type]


async def _titles(store: Store, workspace_id: str, query: TaskQuery) -> list[str]:
    return [t.title for t in (await store.tasks.list(workspace_id, query)).items]


async def test_subtasks_of_a_task(store: Store) -> None:
    parent = await store.tasks.create(task("parent"))
    one, two, gone = await store.tasks.create_many(
        [
            task("one", parent_id=parent.id),
            task("two", parent_id=parent.id),
            task("gone", parent_id=parent.id),
        ]
    )
    await store.tasks.create(task("grandchild", parent_id=one.id))
    await store.tasks.create(task("unrelated"))
    await store.tasks.create(task("elsewhere", workspace_id=OTHER, parent_id=parent.id))
    await store.tasks.update(WS, gone.id, {"deleted_at": gone.created_at})
    await store.tasks.update(WS, two.id, {"status": TaskStatus.completed})

    assert await _titles(store, WS, _by_number(parent_id=parent.id)) == ["one", "two"]
    assert await _titles(store, WS, _by_number(parent_id=parent.id, include_deleted=True)) == [
        "one",
        "two",
        "gone",
    ]
    assert await _titles(store, WS, _by_number(parent_id=parent.id, only_deleted=True)) == ["gone"]
    done = _by_number(parent_id=parent.id, statuses=frozenset({TaskStatus.completed}))
    assert await _titles(store, WS, done) == ["two"]
    assert await _titles(store, WS, _by_number(parent_id=one.id)) == ["grandchild"]
    assert await _titles(store, WS, _by_number(parent_id="no-such-task")) == []
    assert await _titles(store, OTHER, _by_number(parent_id=parent.id)) == ["elsewhere"]
    page = await store.tasks.list(WS, _by_number(parent_id=parent.id, include_deleted=True, limit=2))
    assert page.total == 3 and [t.title for t in page.items] == ["one", "two"]


async def test_the_tasks_a_task_blocks(store: Store) -> None:
    blocker, other = await store.tasks.create_many([task("blocker"), task("other blocker")])
    a = blocker.id
    made = await store.tasks.create_many(
        [
            task("waits on it", dependencies=[a]),
            task("waits on both", dependencies=[other.id, a]),
            task("waits on the other", dependencies=[other.id]),
            task("a longer id", dependencies=[a + "x", "x" + a]),  # exact ids only, never a part of one
            task("waits, deleted", dependencies=[a]),
            task("free"),
        ]
    )
    await store.tasks.create(task("elsewhere", workspace_id=OTHER, dependencies=[a]))
    await store.tasks.update(WS, made[4].id, {"deleted_at": made[4].created_at})

    assert await _titles(store, WS, _by_number(blocked_by=a)) == ["waits on it", "waits on both"]
    assert await _titles(store, WS, _by_number(blocked_by=a, include_deleted=True)) == [
        "waits on it",
        "waits on both",
        "waits, deleted",
    ]
    assert await _titles(store, WS, _by_number(blocked_by=other.id)) == [
        "waits on both",
        "waits on the other",
    ]
    assert await _titles(store, WS, _by_number(blocked_by="no-such-task")) == []
    assert await _titles(store, OTHER, _by_number(blocked_by=a)) == ["elsewhere"]

    # A link change is an update of the blocked task's row, seen by the next lookup.
    await store.tasks.update(WS, made[0].id, {"dependencies": []})
    await store.tasks.update(WS, made[5].id, {"dependencies": [a]})
    assert await _titles(store, WS, _by_number(blocked_by=a)) == ["waits on both", "free"]
    both = _by_number(blocked_by=a, parent_id=None, statuses=frozenset({TaskStatus.todo}))
    assert await _titles(store, WS, both) == ["waits on both", "free"]


async def test_links_are_the_structure_of_the_live_tasks(store: Store) -> None:
    parent = await store.tasks.create(
        task("parent", project_id="p1", assignee_id="u1", estimate_minutes=120, due_date=date(2030, 5, 1))
    )
    child, blocked, gone = await store.tasks.create_many(
        [
            task("child", parent_id=parent.id, status=TaskStatus.in_progress, estimate_minutes=30),
            task("blocked", dependencies=[parent.id, "t-elsewhere"], status=TaskStatus.blocked),
            task("gone", parent_id=parent.id),
        ]
    )
    await store.tasks.update(WS, gone.id, {"deleted_at": gone.created_at})
    await store.tasks.create(task("elsewhere", workspace_id=OTHER, parent_id=parent.id))

    links = sorted(await store.tasks.links(WS), key=lambda link: link.number)
    assert links == [
        TaskLink(
            id=parent.id,
            number=parent.number,
            status=TaskStatus.todo,
            project_id="p1",
            assignee_id="u1",
            estimate_minutes=120,
            due_date=date(2030, 5, 1),
        ),
        TaskLink(
            id=child.id,
            number=child.number,
            status=TaskStatus.in_progress,
            parent_id=parent.id,
            estimate_minutes=30,
        ),
        TaskLink(
            id=blocked.id,
            number=blocked.number,
            status=TaskStatus.blocked,
            dependencies=(parent.id, "t-elsewhere"),
        ),
    ]
    assert all(isinstance(link.status, TaskStatus) for link in links)
    assert [link.parent_id for link in await store.tasks.links(OTHER)] == [parent.id]
    assert await store.tasks.links("nobody") == []


async def test_actual_minutes_round_trip(store: Store) -> None:
    made = await store.tasks.create(task("timed", estimate_minutes=60, actual_minutes=95))
    assert made.actual_minutes == 95
    stored = await store.tasks.get(WS, made.id)
    assert stored is not None and (stored.estimate_minutes, stored.actual_minutes) == (60, 95)
    updated = await store.tasks.update(WS, made.id, {"actual_minutes": 180, "status": TaskStatus.completed})
    assert updated.actual_minutes == 180
    assert [t.actual_minutes for t in await store.tasks.get_many(WS, [made.id])] == [180]
    [listed] = (await store.tasks.list(WS, _by_number())).items
    assert listed.actual_minutes == 180
    cleared = await store.tasks.update(WS, made.id, {"actual_minutes": None})
    fresh = await store.tasks.get(WS, made.id)
    assert cleared.actual_minutes is None and fresh is not None and fresh.actual_minutes is None
    plain = await store.tasks.create(Task(workspace_id=WS, title="untimed"))
    again = await store.tasks.get(WS, plain.id)
    assert again is not None and again.actual_minutes is None


async def test_a_delta_tasks_table_from_before_gains_actual_minutes_on_open(
    backend: Backend, store_url: str
) -> None:
    if backend.name != "delta":
        return  # SQL databases get the column from migration 0005 (tests/sql/test_structure_migration.py)
    old = task("from before", estimate_minutes=30)
    rows = to_arrow(TASKS, [old]).drop_columns(["actual_minutes"])
    write_deltalake(f"{store_url}/{SCHEMA_NAME}/{TASKS.name}", rows)
    store = open_store(store_url)
    await store.open()
    try:
        stored = await store.tasks.get(WS, old.id)
        assert stored is not None and (stored.estimate_minutes, stored.actual_minutes) == (30, None)
        assert (await store.tasks.update(WS, old.id, {"actual_minutes": 45})).actual_minutes == 45
        again = await store.tasks.get(WS, old.id)
        assert again is not None and again.actual_minutes == 45
    finally:
        await store.close()


async def _plan(store: SqlStore, query: TaskQuery) -> str:
    """The plan of the listing's filter, its values bound as the store binds them (a JSONB list has no
    literal form to inline)."""
    where = task_query.where(store.db.dialect, WS, query)
    assert where is not None
    # Named parameters, and casts escaped: ``text`` would not take ``:name::JSONB`` for a parameter.
    named = {"paramstyle": "named"}
    dialect = psycopg2.dialect(**named) if store.db.dialect == "postgresql" else sqlite.dialect(**named)
    compiled = sa.select(tasks.c.id).where(where).compile(dialect=dialect)
    explain = "EXPLAIN" if store.db.dialect == "postgresql" else "EXPLAIN QUERY PLAN"
    escaped = str(compiled).replace("::", r"\:\:")
    statement = sa.text(f"{explain} {escaped}").bindparams(
        *[
            sa.bindparam(name, compiled.params[name], type_=bind.type)
            for bind, name in compiled.bind_names.items()
        ]
    )
    async with store.db.engine.connect() as conn:
        if store.db.dialect == "postgresql":
            await conn.execute(sa.text("ANALYZE tasks"))
        return "\n".join(str(row[-1]) for row in await conn.execute(statement))


async def test_sql_plans_use_the_structure_indexes(store: Store) -> None:
    if not isinstance(store, SqlStore):
        return  # Delta has no indexes: both lookups are predicates of one narrow scan
    # A workspace of many tasks, so that its own btree prefix is no shortcut and the planner has to choose.
    blocker = await store.tasks.create(task("blocker"))
    await store.tasks.create_many(
        [
            task(
                f"t{i}",
                parent_id=f"parent-{i % 500}",
                dependencies=[f"dep-{i}", blocker.id] if i == 7 else [],
            )
            for i in range(2000)
        ]
    )
    children = await _plan(store, TaskQuery(parent_id="parent-3"))
    assert "ix_tasks_workspace_parent" in children, children
    if store.db.dialect == "postgresql":
        blocked = await _plan(store, TaskQuery(blocked_by=blocker.id))
        assert DEPENDENCIES_INDEX in blocked, blocked
    assert await _titles(store, WS, _by_number(blocked_by=blocker.id)) == ["t7"]
