"""Listing tasks: every filter, sort order, pagination and the total."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from core.models import OPEN_STATUSES, Priority, Task, TaskStatus
from core.store import Store, TaskQuery, TaskSort
from tests.contract.samples import OTHER, WS, task

BASE = datetime(2020, 1, 1, tzinfo=UTC)  # in the past: an update moves a task to the front
D = date(2030, 6, 1)  # day 1 of the sample month


def _day(n: int) -> date:
    return D + timedelta(days=n - 1)


# title, project, status, priority, due day, assignee, tags, description, created hour, deleted
ROWS = [
    (
        "alpha",
        "p1",
        TaskStatus.todo,
        Priority.high,
        8,
        "u1",
        ["Web", "urgent"],
        "Landing page for the Web",
        5,
        False,
    ),
    ("beta", "p1", TaskStatus.in_progress, Priority.critical, 10, "u2", ["web"], "", 1, False),
    ("gamma", "p1", TaskStatus.completed, Priority.low, 1, "u1", [], "done thing", 3, False),
    ("delta", "p2", TaskStatus.blocked, Priority.medium, None, None, ["Ops"], "needs WEB access", 0, False),
    ("epsilon", "p2", TaskStatus.todo, Priority.backlog, 20, None, [], "", 4, False),
    ("zeta", None, TaskStatus.cancelled, Priority.medium, 5, "u2", ["ops"], "", 2, False),
    ("eta gone", "p1", TaskStatus.todo, Priority.high, 2, "u1", ["web"], "", 6, True),
]


@pytest.fixture
async def seeded(store: Store) -> Store:
    tasks = [
        task(
            title,
            project_id=project,
            status=status,
            priority=priority,
            due_date=_day(due) if due else None,
            assignee_id=assignee,
            tags=tags,
            description=description,
            created_at=BASE + timedelta(hours=hour),
            updated_at=BASE + timedelta(hours=hour),
            deleted_at=BASE if deleted else None,
        )
        for title, project, status, priority, due, assignee, tags, description, hour, deleted in ROWS
    ]
    await store.tasks.create_many(tasks)
    await store.tasks.create(task("alpha", workspace_id=OTHER, project_id="p1", tags=["web"]))
    return store


async def titles(store: Store, **query: object) -> list[str]:
    page = await store.tasks.list(WS, TaskQuery(**query))  # type: ignore[arg-type]
    assert page.total == len(page.items) or page.total > page.limit
    return [t.title for t in page.items]


ALL_BY_DUE = ["gamma", "zeta", "alpha", "beta", "epsilon", "delta"]


async def test_default_lists_every_live_task_by_due_date_undated_last(seeded: Store) -> None:
    page = await seeded.tasks.list(WS, TaskQuery())
    assert [t.title for t in page.items] == ALL_BY_DUE
    assert (page.total, page.offset, page.limit, page.has_more) == (6, 0, 50, False)
    assert all(isinstance(t, Task) and t.workspace_id == WS for t in page.items)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"project_id": "p1"}, ["gamma", "alpha", "beta"]),
        ({"project_id": "p9"}, []),
        ({"statuses": frozenset(OPEN_STATUSES)}, ["alpha", "beta", "epsilon", "delta"]),
        ({"statuses": frozenset({TaskStatus.completed, TaskStatus.cancelled})}, ["gamma", "zeta"]),
        ({"statuses": frozenset()}, []),
        ({"assignee_id": "u1"}, ["gamma", "alpha"]),
        ({"unassigned": True}, ["epsilon", "delta"]),
        ({"due_before": _day(8)}, ["gamma", "zeta", "alpha"]),
        ({"due_after": _day(10)}, ["beta", "epsilon"]),
        ({"due_after": _day(5), "due_before": _day(10)}, ["zeta", "alpha", "beta"]),
        ({"overdue_on": _day(10)}, ["alpha"]),
        ({"overdue_on": _day(21)}, ["alpha", "beta", "epsilon"]),
        ({"tag": "WEB"}, ["alpha", "beta"]),
        ({"tag": "ops"}, ["zeta", "delta"]),
        ({"tag": "we"}, []),
        ({"text": "web"}, ["alpha", "delta"]),
        ({"text": "ETA"}, ["zeta", "beta"]),
        ({"text": "nothing like it"}, []),
        ({"project_id": "p1", "statuses": frozenset(OPEN_STATUSES), "assignee_id": "u1"}, ["alpha"]),
        ({"include_deleted": True}, ["gamma", "eta gone", "zeta", "alpha", "beta", "epsilon", "delta"]),
        ({"only_deleted": True}, ["eta gone"]),
        ({"only_deleted": True, "tag": "web"}, ["eta gone"]),
    ],
)
async def test_filters(seeded: Store, query: dict[str, object], expected: list[str]) -> None:
    page = await seeded.tasks.list(WS, TaskQuery(**query))  # type: ignore[arg-type]
    assert [t.title for t in page.items] == expected
    assert page.total == len(expected)


@pytest.mark.parametrize(
    ("sort", "descending", "expected"),
    [
        (TaskSort.due, False, ALL_BY_DUE),
        (TaskSort.due, True, ["epsilon", "beta", "alpha", "zeta", "gamma", "delta"]),
        (TaskSort.priority, False, ["beta", "alpha", "delta", "zeta", "gamma", "epsilon"]),
        (TaskSort.priority, True, ["epsilon", "gamma", "zeta", "delta", "alpha", "beta"]),
        (TaskSort.created, False, ["delta", "beta", "zeta", "gamma", "epsilon", "alpha"]),
        (TaskSort.created, True, ["alpha", "epsilon", "gamma", "zeta", "beta", "delta"]),
        (TaskSort.number, False, ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"]),
        (TaskSort.number, True, ["zeta", "epsilon", "delta", "gamma", "beta", "alpha"]),
    ],
)
async def test_sorts(seeded: Store, sort: TaskSort, descending: bool, expected: list[str]) -> None:
    assert await titles(seeded, sort=sort, descending=descending) == expected


async def test_sort_by_updated_follows_updates(seeded: Store) -> None:
    gamma = (await seeded.tasks.list(WS, TaskQuery(text="gamma"))).items[0]
    await seeded.tasks.update(WS, gamma.id, {"description": "touched"})
    listed = await titles(seeded, sort=TaskSort.updated, descending=True)
    assert listed[0] == "gamma"
    assert listed[1:] == ["alpha", "epsilon", "zeta", "beta", "delta"]


async def test_due_time_orders_tasks_of_the_same_day(store: Store) -> None:
    from datetime import time

    await store.tasks.create_many(
        [
            task("evening", due_date=_day(3), due_time=time(18, 0)),
            task("no time", due_date=_day(3)),
            task("morning", due_date=_day(3), due_time=time(8, 30)),
        ]
    )
    assert await titles(store) == ["morning", "evening", "no time"]


async def test_pagination_walks_every_row_once_with_a_stable_total(seeded: Store) -> None:
    seen: list[str] = []
    offset = 0
    while True:
        page = await seeded.tasks.list(WS, TaskQuery(limit=4, offset=offset, sort=TaskSort.priority))
        assert page.total == 6
        seen += [t.title for t in page.items]
        if not page.has_more:
            break
        offset += 4
    assert seen == ["beta", "alpha", "delta", "zeta", "gamma", "epsilon"]
    past_the_end = await seeded.tasks.list(WS, TaskQuery(limit=4, offset=10))
    assert (past_the_end.items, past_the_end.total, past_the_end.has_more) == ([], 6, False)


async def test_listing_is_scoped_to_the_workspace(seeded: Store) -> None:
    page = await seeded.tasks.list(OTHER, TaskQuery(tag="web"))
    assert [(t.title, t.workspace_id, t.number) for t in page.items] == [("alpha", OTHER, 1)]
    assert (await seeded.tasks.list("nobody", TaskQuery())).total == 0


async def test_large_pages_keep_order_and_totals(store: Store) -> None:
    await store.tasks.create_many([task(f"t{i}", priority=list(Priority)[i % 5]) for i in range(300)])
    page = await store.tasks.list(WS, TaskQuery(sort=TaskSort.number, descending=True, limit=1000))
    assert [t.number for t in page.items] == list(range(300, 0, -1))
    window = await store.tasks.list(WS, TaskQuery(sort=TaskSort.priority, limit=280, offset=10))
    ranks = [t.priority.rank for t in window.items]
    assert window.total == 300 and len(window.items) == 280 and ranks == sorted(ranks)
    assert len({t.id for t in window.items}) == 280
