"""Task structure: subtasks, dependencies ("T-5 blocks T-3"), estimates and the time a task took.

``Task.parent_id`` and ``Task.dependencies`` are the source of truth (docs/structure.md): every link change
is an audited update of one task row, so undo, history and sync treat it like any other field. Checks (depth,
cycles) and reads (ready, blocked, roll-ups) walk the workspace's ``TaskLink`` rows, read once per call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.errors import ValidationError
from core.models import OPEN_STATUSES, AuditAction, Schedule, ScheduleKind, Task
from core.services.actor import Actor
from core.services.audit import AuditTrail
from core.services.resolve import Resolver
from core.services.structure_graph import (
    MAX_DEPTH,
    Rollup,
    blocking,
    children,
    depth,
    descendants,
    height,
    is_ancestor,
    open_blockers,
    rollup,
    waits_on,
)
from core.services.tasks import Completion, DueInput, TaskService
from core.services.timing import annotate_task
from core.store import Store, TaskLink, TaskQuery

_ALL = 100_000  # no page limit on the indexed subtask and blocked-by reads


@dataclass(frozen=True)
class Blocked:
    """A task and what still blocks it."""

    task: Task
    blockers: list[Task]


class StructureService:
    """Subtasks, blockers and estimates; the only place that writes ``parent_id`` and ``dependencies``."""

    def __init__(self, store: Store, resolver: Resolver, audit: AuditTrail, tasks: TaskService) -> None:
        self._store = store
        self._resolve = resolver
        self._audit = audit
        self._tasks = tasks

    # -- reading the structure ---------------------------------------------------------------------------

    async def links(self, actor: Actor) -> dict[str, TaskLink]:
        """The workspace's structure by task id (deleted tasks are not in it)."""
        return {row.id: row for row in await self._store.tasks.links(actor.workspace_id)}

    async def _tasks_of(self, actor: Actor, found: Sequence[TaskLink]) -> list[Task]:
        """Whole rows for ``found``, annotated for the reader, in the same order."""
        if not found:
            return []
        rows = {t.id: t for t in await self._store.tasks.get_many(actor.workspace_id, [x.id for x in found])}
        return [annotate_task(rows[x.id], actor.now()) for x in found if x.id in rows]

    async def children(self, actor: Actor, ref: str | int) -> list[Task]:
        """The direct subtasks of a task, by number."""
        task = await self._resolve.task(actor, ref)
        return await self._tasks_of(actor, children(await self.links(actor), task.id))

    async def blockers(self, actor: Actor, ref: str | int) -> list[Task]:
        """The tasks that block this one (open or not), in the order they were added."""
        task = await self._resolve.task(actor, ref)
        links = await self.links(actor)
        return await self._tasks_of(actor, [links[d] for d in task.dependencies if d in links])

    async def blocking(self, actor: Actor, ref: str | int) -> list[Task]:
        """The tasks this one blocks."""
        task = await self._resolve.task(actor, ref)
        return await self._tasks_of(actor, blocking(await self.links(actor), task.id))

    async def blocked(
        self, actor: Actor, *, project_id: str | None = None, limit: int | None = None
    ) -> list[Blocked]:
        """Open tasks with at least one open blocker, each with those blockers (the first ``limit``)."""
        return (await self.blocked_page(actor, project_id=project_id, limit=limit))[0]

    async def blocked_page(
        self, actor: Actor, *, project_id: str | None = None, limit: int | None = None
    ) -> tuple[list[Blocked], int]:
        """The first ``limit`` blocked tasks by number and how many there are; only the page is read whole."""
        links = await self.links(actor)
        found = [
            (x, b)
            for x in sorted(links.values(), key=lambda x: x.number)
            if x.status.is_open and (project_id is None or x.project_id == project_id)
            if (b := open_blockers(links, x))
        ]
        page = found if limit is None else found[:limit]
        tasks = await self._tasks_of(actor, [x for x, _ in page] + [b for _, bs in page for b in bs])
        by_id = {t.id: t for t in tasks}
        return [
            Blocked(by_id[x.id], [by_id[b.id] for b in bs if b.id in by_id])
            for x, bs in page
            if x.id in by_id
        ], len(found)

    async def ready(
        self, actor: Actor, *, project_id: str | None = None, limit: int | None = None
    ) -> list[Task]:
        """Open tasks that nothing open blocks, soonest due first (the first ``limit``)."""
        return (await self.ready_page(actor, project_id=project_id, limit=limit))[0]

    async def ready_page(
        self, actor: Actor, *, project_id: str | None = None, limit: int | None = None
    ) -> tuple[list[Task], int]:
        """The first ``limit`` ready tasks, soonest due first, and how many there are. The order comes from
        the links (due date, number), so only the page's rows are read whole."""
        links = await self.links(actor)
        found = sorted(
            (
                x
                for x in links.values()
                if x.status.is_open and (project_id is None or x.project_id == project_id)
                if not open_blockers(links, x)
            ),
            key=lambda x: (x.due_date is None, x.due_date or actor.today(), x.number),
        )
        page = found if limit is None else found[:limit]
        return await self._tasks_of(actor, page), len(found)

    async def rollup_of_task(self, actor: Actor, task: Task) -> Rollup:
        """The counts, overdue and progress of a task's subtasks (all levels), in the reader's day."""
        return rollup(descendants(await self.links(actor), task.id), actor.today())

    async def rollup_of_project(self, actor: Actor, project_id: str) -> Rollup:
        """The same over a project's tasks."""
        links = await self.links(actor)
        return rollup((x for x in links.values() if x.project_id == project_id), actor.today())

    # -- hooks of TaskService -----------------------------------------------------------------------------

    async def subtasks_of(self, actor: Actor, tasks: Sequence[Task], *, deleted: bool = False) -> list[Task]:
        """Every subtask below ``tasks`` (not themselves); ``deleted``: the ones deleted along with them.

        One indexed query per parent (``TaskQuery.parent_id``), not a read of the workspace."""
        out: list[Task] = []
        seen = {t.id for t in tasks}
        queue = [t for t in tasks if (t.deleted_at is not None) == deleted]
        while queue:
            parent = queue.pop(0)
            query = TaskQuery(parent_id=parent.id, only_deleted=deleted, limit=_ALL)
            page = await self._store.tasks.list(actor.workspace_id, query)
            found = [
                t
                for t in page.items
                if t.parent_id == parent.id
                and t.id not in seen
                # Only the subtasks deleted by the same command: one deleted on its own stays deleted.
                and (not deleted or t.deleted_at == parent.deleted_at)
            ]
            seen.update(t.id for t in found)
            out += found
            queue += found
        return [annotate_task(t, actor.now()) for t in out]

    async def unblocked(self, actor: Actor, closed: Sequence[Task]) -> list[Task]:
        """Tasks whose last open blocker is among ``closed``; each one's assignee gets a reminder now.

        Reads only the tasks the closed ones block (``TaskQuery.blocked_by``) and their other blockers."""
        ids = {t.id for t in closed}
        waiting: dict[str, Task] = {}
        for task in closed:
            query = TaskQuery(blocked_by=task.id, statuses=OPEN_STATUSES, limit=_ALL)
            page = await self._store.tasks.list(actor.workspace_id, query)
            waiting.update((t.id, t) for t in page.items if task.id in t.dependencies)
        others = {d for t in waiting.values() for d in t.dependencies if d not in ids}
        rows = await self._store.tasks.get_many(actor.workspace_id, sorted(others)) if others else []
        still_open = {t.id for t in rows if t.is_open}
        ready = sorted(
            (t for t in waiting.values() if not still_open & set(t.dependencies)), key=lambda t: t.number
        )
        for task in ready:
            if task.assignee_id and task.assignee_id != actor.user_id:
                await self._tell(actor, task, task.assignee_id)
        return [annotate_task(t, actor.now()) for t in ready]

    async def _tell(self, actor: Actor, task: Task, user_id: str) -> None:
        """A one-shot reminder of ``task`` for ``user_id``, due now: the scheduler sends it as a DM."""
        person = await self._store.users.get(actor.workspace_id, user_id)
        moment = actor.instant()
        await self._store.schedules.put(
            Schedule(
                id=f"ready:{task.id}:{moment:%Y%m%dT%H%M%S%f}",
                workspace_id=actor.workspace_id,
                kind=ScheduleKind.reminder,
                user_id=user_id,
                task_id=task.id,
                timezone=person.timezone if person else "UTC",
                explicit=True,
                next_run_at=moment,
                occurrence_at=moment,
                created_by=actor.user_id,
            )
        )

    # -- subtasks ----------------------------------------------------------------------------------------

    async def add_subtask(
        self,
        actor: Actor,
        parent_ref: str | int,
        title: str,
        *,
        project: str | None = None,
        due: DueInput = None,
        priority: str | None = None,
        assignee: str | None = None,
        tags: Sequence[str] = (),
        estimate_minutes: int | None = None,
        repeat: str | None = None,
    ) -> Task:
        """A new task under ``parent_ref``, in the parent's project unless another is given."""
        parent = await self._resolve.task(actor, parent_ref)
        links = await self.links(actor)
        if depth(links, parent.id) >= MAX_DEPTH:
            raise ValidationError(
                f"{parent.ref} is already {MAX_DEPTH} levels deep; subtasks go at most {MAX_DEPTH} levels.",
                hint="Add it under a task higher up.",
            )
        if project is None:
            project = await self._project_ref(actor, parent)
        return await self._tasks.create(
            actor,
            title,
            project=project,
            due=due,
            priority=priority,
            assignee=assignee,
            tags=tags,
            estimate_minutes=estimate_minutes,
            repeat=repeat,
            parent_id=parent.id,
        )

    async def set_parent(self, actor: Actor, ref: str | int, parent_ref: str | int | None) -> Task:
        """Move a task (and its subtasks) under another task, or to the top with None."""
        task = await self._resolve.task(actor, ref)
        if parent_ref is None:
            if task.parent_id is None:
                raise ValidationError(f"{task.ref} isn't a subtask.")
            return await self._write(actor, task, {"parent_id": None})
        parent = await self._resolve.task(actor, parent_ref)
        _same_workspace(task, parent)
        if parent.id == task.id:
            raise ValidationError("A task can't be its own subtask.")
        links = await self.links(actor)
        if is_ancestor(links, task.id, parent.id):
            raise ValidationError(
                f"{parent.ref} is under {task.ref}: putting {task.ref} under it would make a loop."
            )
        if depth(links, parent.id) + height(links, task.id) > MAX_DEPTH:
            raise ValidationError(
                f"That would put subtasks more than {MAX_DEPTH} levels deep.",
                hint="Move it under a task higher up.",
            )
        changes: dict[str, Any] = {"parent_id": parent.id}
        if parent.project_id != task.project_id and parent.project_id is not None:
            # A subtask lives in its parent's project; TaskService moves the subtasks below it along.
            with self._audit.batch():
                await self._tasks.update(actor, task.number, project=await self._project_ref(actor, parent))
                return await self._write(actor, await self._resolve.task(actor, task.number), changes)
        return await self._write(actor, task, changes)

    # -- dependencies ------------------------------------------------------------------------------------

    async def block(self, actor: Actor, blocker_ref: str | int, blocked_ref: str | int) -> Task:
        """Record that ``blocker_ref`` must be done before ``blocked_ref``."""
        blocker = await self._resolve.task(actor, blocker_ref)
        blocked = await self._resolve.task(actor, blocked_ref)
        _same_workspace(blocker, blocked)
        if blocker.id == blocked.id:
            raise ValidationError(f"{blocked.ref} can't block itself.")
        if blocker.id in blocked.dependencies:
            raise ValidationError(f"{blocker.ref} already blocks {blocked.ref}.")
        links = await self.links(actor)
        if waits_on(links, blocker.id, blocked.id):
            raise ValidationError(
                f"{blocker.ref} already waits on {blocked.ref}, so {blocker.ref} can't block it: "
                "that would be a loop where neither can start.",
                hint=f"`unblock {blocker.ref} from {blocked.ref}` first if the order changed.",
            )
        return await self._write(actor, blocked, {"dependencies": [*blocked.dependencies, blocker.id]})

    async def unblock(self, actor: Actor, ref: str | int, blocker_ref: str | int | None = None) -> Task:
        """Remove one blocker of a task, or all of them with None."""
        task = await self._resolve.task(actor, ref)
        if not task.dependencies:
            raise ValidationError(f"Nothing blocks {task.ref}.")
        if blocker_ref is None:
            return await self._write(actor, task, {"dependencies": []})
        blocker = await self._resolve.task(actor, blocker_ref, include_deleted=True)
        if blocker.id not in task.dependencies:
            raise ValidationError(f"{blocker.ref} doesn't block {task.ref}.")
        kept = [d for d in task.dependencies if d != blocker.id]
        return await self._write(actor, task, {"dependencies": kept})

    # -- estimates and time ------------------------------------------------------------------------------

    async def set_estimate(self, actor: Actor, ref: str | int, minutes: int | None) -> Task:
        """Set the estimate in minutes, or clear it with None."""
        return await self._tasks.update(actor, ref, estimate_minutes=minutes)

    async def took(self, actor: Actor, ref: str | int, minutes: int) -> Task:
        """Record the time a task really took."""
        if minutes <= 0:
            raise ValidationError("The time it took must be more than zero.")
        task = await self._resolve.task(actor, ref)
        return await self._write(actor, task, {"actual_minutes": minutes})

    async def complete_with_subtasks(self, actor: Actor, refs: Sequence[str | int]) -> Completion:
        """Complete tasks and every open subtask below them, in one undoable batch."""
        tasks = [await self._resolve.task(actor, r) for r in refs]
        below = [t for t in await self.subtasks_of(actor, tasks) if t.status in OPEN_STATUSES]
        # Subtasks first, so that a blocker among them is closed when its dependants are looked at.
        return await self._tasks.complete_all(actor, [t.number for t in [*below, *tasks]])

    async def open_subtasks(self, actor: Actor, task: Task) -> list[Task]:
        """The open subtasks below ``task`` (all levels)."""
        return [t for t in await self.subtasks_of(actor, [task]) if t.is_open]

    async def _project_ref(self, actor: Actor, task: Task) -> str | None:
        """The ref of ``task``'s project, if it has one that still exists."""
        if task.project_id is None:
            return None
        found = await self._store.projects.get(actor.workspace_id, task.project_id)
        return found.ref if found is not None and found.deleted_at is None else None

    async def _write(self, actor: Actor, task: Task, changes: dict[str, Any]) -> Task:
        record = self._audit.recorder(actor, AuditAction.update)
        stored = await self._store.tasks.update(actor.workspace_id, task.id, changes, audit=record)
        return annotate_task(stored, actor.now())


def _same_workspace(a: Task, b: Task) -> None:
    if a.workspace_id != b.workspace_id:
        raise ValidationError("Tasks of different workspaces can't be linked.")
