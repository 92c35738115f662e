"""Tasks of a workspace, numbered T-1, T-2, … per workspace."""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from datetime import date
from functools import partial
from typing import Any

from core.models import Task
from core.store import ProjectCounts, Recorder, TaskLink, TaskName, TaskPage, TaskQuery
from storage.delta import task_links, task_names, task_query, task_search
from storage.delta.predicates import and_, eq, is_in
from storage.delta.table import DeltaEntityTable
from storage.search_rank import SearchText


class DeltaTaskRepo:
    def __init__(self, table: DeltaEntityTable[Task]) -> None:
        self._t = table

    async def create(self, task: Task, *, audit: Recorder | None = None) -> Task:
        """Store a new task; returns it with its ``number`` assigned."""
        [stored] = await self._t.append_numbered([task], audit=audit)
        return stored

    async def create_many(self, tasks: Sequence[Task], *, audit: Recorder | None = None) -> list[Task]:
        """Store several new tasks in one commit, numbered in the given order."""
        return await self._t.append_numbered(tasks, audit=audit)

    async def get(self, workspace_id: str, task_id: str) -> Task | None:
        return await self._t.get(workspace_id, task_id)

    async def get_many(self, workspace_id: str, ids: Sequence[str]) -> builtins.list[Task]:
        if not ids:
            return []
        return await self._t.models(and_(eq("workspace_id", workspace_id), is_in("id", set(ids))))

    async def get_by_number(self, workspace_id: str, number: int) -> Task | None:
        return await self._t.first(and_(eq("workspace_id", workspace_id), f"number = {int(number)}"))

    async def list(self, workspace_id: str, query: TaskQuery) -> TaskPage:
        predicate = task_query.scan_predicate(workspace_id, query)
        if predicate is None:
            return TaskPage(items=[], total=0, offset=query.offset, limit=query.limit)
        items, total = await self._t.read(predicate, partial(task_query.page, query=query))
        return TaskPage(items=items, total=total, offset=query.offset, limit=query.limit)

    async def update(
        self, workspace_id: str, task_id: str, changes: Mapping[str, Any], *, audit: Recorder | None = None
    ) -> Task:
        return await self._t.update(workspace_id, task_id, changes, audit=audit)

    async def update_many(
        self,
        workspace_id: str,
        changes: Sequence[tuple[str, Mapping[str, Any]]],
        *,
        audit: Recorder | None = None,
    ) -> builtins.list[Task]:
        return await self._t.update_many(workspace_id, changes, audit=audit)

    async def counts_by_project(self, workspace_id: str, today: date) -> dict[str, ProjectCounts]:
        """Per project id: tasks not deleted, completed ones, and open ones due before ``today``."""
        predicate = and_(eq("workspace_id", workspace_id), "deleted_at IS NULL", "project_id IS NOT NULL")
        return await self._t.read(
            predicate, partial(task_query.counts, today=today), columns=task_query.COUNT_COLUMNS
        )

    async def names(self, workspace_id: str, *, open_tasks: bool, limit: int) -> builtins.list[TaskName]:
        """Numbers and titles, newest first, from a scan of five columns (``storage.delta.task_names``)."""
        if limit <= 0:
            return []
        predicate = task_names.scan_predicate(workspace_id, open_tasks=open_tasks)
        return await self._t.read(
            predicate, partial(task_names.newest, limit=limit), columns=task_names.COLUMNS
        )

    async def links(self, workspace_id: str) -> builtins.list[TaskLink]:
        """The structure of the workspace's live tasks, from a scan of ``TaskLink``'s columns only."""
        return await self._t.read(
            task_links.scan_predicate(workspace_id), task_links.links, columns=task_links.COLUMNS
        )

    async def search(
        self, workspace_id: str, text: str, *, limit: int = 50, include_closed: bool = True
    ) -> builtins.list[Task]:
        """Approximate match on title, description and tags, best first (``storage.search_rank``)."""
        search = SearchText(text)
        if not search or limit <= 0:
            return []
        predicate = task_search.scan_predicate(workspace_id, include_closed=include_closed)
        chosen = await self._t.read(
            predicate, partial(task_search.best, search=search, limit=limit), columns=task_search.COLUMNS
        )
        if not chosen:
            return []
        # A task deleted between the two reads is left out.
        found = {t.id: t for t in await self._t.models(task_search.winners_predicate(workspace_id, chosen))}
        return [found[i] for i, _ in chosen if i in found]
