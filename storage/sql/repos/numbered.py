"""Projects and tasks: the numbered entities (``P-n``, ``T-n`` per workspace)."""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from core.models import OPEN_STATUSES, Project, Task, TaskStatus
from core.store import ProjectCounts, Recorder, TaskLink, TaskName, TaskPage, TaskQuery
from storage.search_rank import SearchText, rank_table
from storage.sql import numbering, task_query, task_search
from storage.sql.convert import M, to_model, to_row
from storage.sql.rows import EntityRows, record

_OPEN = sorted(s.value for s in OPEN_STATUSES)


async def create_numbered(
    rows: EntityRows[M], kind: str, models: Sequence[M], audit: Recorder | None = None
) -> list[M]:
    """Insert new rows in one transaction, each with the next free number of its workspace, in order;
    with their audit events, if any, in the same transaction."""
    if not models:
        return []
    groups: dict[str, list[int]] = {}
    for i, model in enumerate(models):
        groups.setdefault(str(getattr(model, "workspace_id")), []).append(i)  # noqa: B009

    async def work(conn: AsyncConnection) -> list[M]:
        out = list(models)
        for workspace_id in sorted(groups):  # one lock order for every writer: no deadlocks
            indexes = groups[workspace_id]
            first = await numbering.allocate(conn, rows.table, kind, workspace_id, len(indexes))
            for offset, i in enumerate(indexes):
                out[i] = out[i].model_copy(update={"number": first + offset})
        await conn.execute(rows.table.insert(), [to_row(rows.entity, m) for m in out])
        await record(conn, audit, [(None, m) for m in out])
        return out

    return await rows.db.write(work, action=f"add the {rows.entity.noun}")


class SqlProjectRepo:
    """Projects of a workspace, numbered P-1, P-2, … per workspace."""

    def __init__(self, rows: EntityRows[Project]) -> None:
        self._r = rows

    async def create(self, project: Project, *, audit: Recorder | None = None) -> Project:
        """Store a new project; returns it with its ``number`` assigned."""
        [stored] = await create_numbered(self._r, "project", [project], audit)
        return stored

    async def get(self, workspace_id: str, project_id: str) -> Project | None:
        return await self._r.get(workspace_id, project_id)

    async def get_by_number(self, workspace_id: str, number: int) -> Project | None:
        c = self._r.c
        return await self._r.first(sa.and_(c.workspace_id == workspace_id, c.number == int(number)))

    async def find_by_name(self, workspace_id: str, name: str) -> Project | None:
        """Case-insensitive exact name among projects that are not deleted."""
        c = self._r.c
        return await self._r.first(
            sa.and_(
                c.workspace_id == workspace_id,
                c.deleted_at.is_(None),
                sa.func.lower(c.name) == name.lower(),
            ),
            order=[c.number],
        )

    async def list(self, workspace_id: str, *, include_deleted: bool = False) -> list[Project]:
        c = self._r.c
        where = c.workspace_id == workspace_id
        if not include_deleted:
            where = sa.and_(where, c.deleted_at.is_(None))
        return await self._r.models(where, order=[c.number])

    async def update(
        self, workspace_id: str, project_id: str, changes: Mapping[str, Any], *, audit: Recorder | None = None
    ) -> Project:
        return await self._r.update(workspace_id, project_id, changes, audit=audit)

    async def update_many(
        self,
        workspace_id: str,
        changes: Sequence[tuple[str, Mapping[str, Any]]],
        *,
        audit: Recorder | None = None,
    ) -> builtins.list[Project]:
        return await self._r.update_many(workspace_id, changes, audit=audit)


class SqlTaskRepo:
    """Tasks of a workspace, numbered T-1, T-2, … per workspace."""

    def __init__(self, rows: EntityRows[Task]) -> None:
        self._r = rows

    async def create(self, task: Task, *, audit: Recorder | None = None) -> Task:
        """Store a new task; returns it with its ``number`` assigned."""
        [stored] = await create_numbered(self._r, "task", [task], audit)
        return stored

    async def create_many(self, tasks: Sequence[Task], *, audit: Recorder | None = None) -> list[Task]:
        """Store several new tasks in one transaction, numbered in the given order."""
        return await create_numbered(self._r, "task", tasks, audit)

    async def get(self, workspace_id: str, task_id: str) -> Task | None:
        return await self._r.get(workspace_id, task_id)

    async def get_many(self, workspace_id: str, ids: Sequence[str]) -> builtins.list[Task]:
        wanted = sorted(set(ids))
        found: builtins.list[Task] = []
        c = self._r.c
        for start in range(0, len(wanted), 500):  # bounded IN lists (SQLite's variable limit)
            chunk = wanted[start : start + 500]
            found += await self._r.models(sa.and_(c.workspace_id == workspace_id, c.id.in_(chunk)))
        return found

    async def get_by_number(self, workspace_id: str, number: int) -> Task | None:
        c = self._r.c
        return await self._r.first(sa.and_(c.workspace_id == workspace_id, c.number == int(number)))

    async def list(self, workspace_id: str, query: TaskQuery) -> TaskPage:
        where = task_query.where(self._r.db.dialect, workspace_id, query)
        if where is None:
            return TaskPage(items=[], total=0, offset=query.offset, limit=query.limit)
        table = self._r.table
        page = (
            sa.select(table)
            .where(where)
            .order_by(*task_query.order_by(query))
            .limit(max(query.limit, 0))
            .offset(max(query.offset, 0))
        )
        count = sa.select(sa.func.count()).select_from(table).where(where)

        async def work(conn: AsyncConnection) -> TaskPage:
            total = int((await conn.execute(count)).scalar_one())
            items = [to_model(self._r.entity, row) for row in await conn.execute(page)] if total else []
            return TaskPage(items=items, total=total, offset=query.offset, limit=query.limit)

        return await self._r.db.read(work, action="list the tasks", snapshot=True)

    async def update(
        self, workspace_id: str, task_id: str, changes: Mapping[str, Any], *, audit: Recorder | None = None
    ) -> Task:
        return await self._r.update(workspace_id, task_id, changes, audit=audit)

    async def update_many(
        self,
        workspace_id: str,
        changes: Sequence[tuple[str, Mapping[str, Any]]],
        *,
        audit: Recorder | None = None,
    ) -> builtins.list[Task]:
        return await self._r.update_many(workspace_id, changes, audit=audit)

    async def counts_by_project(self, workspace_id: str, today: date) -> dict[str, ProjectCounts]:
        """Per project id: tasks not deleted, completed ones, and open ones due before ``today``."""

        async def work(conn: AsyncConnection) -> dict[str, ProjectCounts]:
            result = await conn.execute(task_query.counts(workspace_id, today))
            return {
                project_id: ProjectCounts(int(total), int(done or 0), int(late or 0))
                for project_id, total, done, late in result
            }

        return await self._r.db.read(work, action="count the tasks per project")

    async def names(self, workspace_id: str, *, open_tasks: bool, limit: int) -> builtins.list[TaskName]:
        """Numbers and titles, newest first, reading only those columns."""
        if limit <= 0:
            return []
        c = self._r.c
        live = sa.and_(c.deleted_at.is_(None), c.status.in_(_OPEN))
        query = (
            sa.select(c.number, c.title, c.project_id, c.assignee_id)
            .where(c.workspace_id == workspace_id, live if open_tasks else sa.not_(live))
            .order_by(c.updated_at.desc(), c.number.desc())
            .limit(limit)
        )

        async def work(conn: AsyncConnection) -> builtins.list[TaskName]:
            return [TaskName(int(n), t, p, a) for n, t, p, a in await conn.execute(query)]

        return await self._r.db.read(work, action="read the task titles")

    async def links(self, workspace_id: str) -> builtins.list[TaskLink]:
        """The structure of the workspace's live tasks, reading only ``TaskLink``'s columns, by number."""
        c = self._r.c
        query = (
            sa.select(
                c.id,
                c.number,
                c.status,
                c.parent_id,
                c.dependencies,
                c.project_id,
                c.assignee_id,
                c.estimate_minutes,
                c.due_date,
            )
            .where(c.workspace_id == workspace_id, c.deleted_at.is_(None))
            .order_by(c.number)
        )

        async def work(conn: AsyncConnection) -> builtins.list[TaskLink]:
            return [
                TaskLink(
                    id=row.id,
                    number=int(row.number),
                    status=TaskStatus(row.status),
                    parent_id=row.parent_id,
                    dependencies=tuple(row.dependencies or ()),
                    project_id=row.project_id,
                    assignee_id=row.assignee_id,
                    estimate_minutes=row.estimate_minutes,
                    due_date=row.due_date,
                )
                for row in await conn.execute(query)
            ]

        return await self._r.db.read(work, action="read the task structure")

    async def search(
        self, workspace_id: str, text: str, *, limit: int = 50, include_closed: bool = True
    ) -> builtins.list[Task]:
        """Approximate match on title, description and tags, best first (``storage.search_rank``)."""
        search = SearchText(text)
        if not search or limit <= 0:
            return []
        live = task_search.live(workspace_id, include_closed=include_closed)
        table = self._r.table

        async def work(conn: AsyncConnection) -> builtins.list[Task]:
            terms = await task_search.matching_terms(conn, self._r.db.dialect, workspace_id, search)
            if not terms:
                return []
            rows = (await conn.execute(task_search.candidates_of(self._r.db.dialect, live, terms))).all()
            ids = rank_table(search, task_search.candidate_table(rows), limit=limit)
            if not ids:
                return []
            found: dict[str, Task] = {}
            for start in range(0, len(ids), 5000):  # bound parameters per statement are limited (32k)
                chunk = ids[start : start + 5000]
                full = await conn.execute(sa.select(table).where(*live, table.c.id.in_(chunk)))
                found.update((row.id, to_model(self._r.entity, row)) for row in full)
            return [found[i] for i in ids if i in found]

        return await self._r.db.read(work, action="search the tasks", snapshot=True)
