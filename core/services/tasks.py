"""Task rules: create, read, list, edit, complete/reopen, assign, soft delete and restore."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any, Literal, Protocol

from core.dates import Due, parse_due
from core.errors import ValidationError
from core.models import OPEN_STATUSES, AuditAction, Priority, Task, TaskStatus
from core.services.actor import Actor
from core.services.audit import AuditTrail
from core.services.recurring import first_due, next_occurrence, read_rule, with_rule_time
from core.services.resolve import Resolver
from core.services.timing import annotate_task
from core.services.validation import clean_description, clean_tags, clean_title, parse_priority, parse_status
from core.store import Store, TaskPage, TaskQuery, TaskSort

Window = Literal["overdue", "today", "week"]


class AfterWrite(Protocol):
    """Told of tasks whose due date, owner or state a write changed; ``created``: they are new (so nothing
    refers to them yet)."""

    def __call__(self, actor: Actor, tasks: Sequence[Task], *, created: bool = False) -> Awaitable[None]: ...


class StructureHooks(Protocol):
    """What task writes ask of the structure service (core/services/structure.py): the subtasks a delete,
    restore or move takes along, and the tasks a completion leaves with no open blocker."""

    async def subtasks_of(
        self, actor: Actor, tasks: Sequence[Task], *, deleted: bool = False
    ) -> list[Task]: ...

    async def unblocked(self, actor: Actor, closed: Sequence[Task]) -> list[Task]: ...


# The fields whose change moves a task's reminders.
_TIMED = frozenset({"due_date", "due_time", "assignee_id", "status", "deleted_at"})
TaskList = list[Task]


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


DueInput = str | date | Due | None  # a phrase (agent, sync) or a value the unit of work already resolved


@dataclass(frozen=True)
class Completion:
    """The tasks a completion was asked for, in order, and the next occurrences of the repeating ones."""

    tasks: TaskList
    following: TaskList = field(default_factory=list)
    ready: TaskList = field(default_factory=list)  # tasks whose last open blocker this completion closed


def _resolve_due(actor: Actor, due: DueInput) -> tuple[date | None, time | None]:
    if due is None:
        return None, None
    if isinstance(due, Due):
        return due.date, due.time
    if isinstance(due, date):
        return due, None
    parsed = parse_due(due, actor.user.timezone, now=actor.now())
    return parsed.date, parsed.time


class TaskService:
    def __init__(self, store: Store, resolver: Resolver, audit: AuditTrail) -> None:
        self._store = store
        self._resolve = resolver
        self._audit = audit
        # Told of tasks whose due date, owner or state a write changed (reminders follow them).
        self.after_write: AfterWrite | None = None
        # Subtasks follow their parent's delete, restore and move; completions tell blocked tasks.
        self.structure: StructureHooks | None = None

    async def _written(self, actor: Actor, tasks: Sequence[Task], *, created: bool = False) -> None:
        if self.after_write is not None and tasks:
            await self.after_write(actor, tasks, created=created)

    def annotate(self, actor: Actor, task: Task) -> Task:
        """Fill the computed fields for the actor's timezone."""
        return annotate_task(task, actor.now())

    async def create(
        self,
        actor: Actor,
        title: str,
        *,
        description: str = "",
        project: str | None = None,
        due: DueInput = None,
        due_time: time | None = None,
        priority: Priority | str | None = None,
        assignee: str | None = None,
        tags: Sequence[str] = (),
        estimate_minutes: int | None = None,
        source_url: str | None = None,
        repeat: str | None = None,
        parent_id: str | None = None,
    ) -> Task:
        """Validate everything first, then write the task and its audit event.

        A task with a ``repeat`` rule and no due date is due at the rule's first occurrence.
        """
        clean = clean_title(title)
        rule = read_rule(repeat)
        due_date, parsed_time = _resolve_due(actor, due)
        if rule is not None and due_date is None:
            first = first_due(actor, rule)
            due_date, parsed_time = first.date, first.time
        parsed_time = with_rule_time(rule, due_date, due_time or parsed_time)
        project_id = (await self._resolve.project(actor, project)).id if project else None
        assignee_id = (await self._resolve.user(actor, assignee)).id if assignee else None
        if estimate_minutes is not None and estimate_minutes < 0:
            raise ValidationError("An estimate can't be negative.")
        task = Task(
            workspace_id=actor.workspace_id,
            title=clean,
            description=clean_description(description),
            project_id=project_id,
            due_date=due_date,
            due_time=parsed_time,
            priority=parse_priority(priority) if priority else Priority.medium,
            assignee_id=assignee_id,
            tags=clean_tags(list(tags)),
            estimate_minutes=estimate_minutes,
            source_url=source_url,
            repeat=rule.text if rule is not None else None,
            parent_id=parent_id,
            created_by=actor.user_id,
            created_at=actor.instant(),  # the turn's moment, as its audit event has
            updated_at=actor.instant(),
        )
        stored = await self._store.tasks.create(task, audit=self._audit.recorder(actor, AuditAction.create))
        if stored.due_date is not None:
            await self._written(actor, [stored], created=True)
        return self.annotate(actor, stored)

    async def get(self, actor: Actor, ref: str | int, *, include_deleted: bool = False) -> Task:
        return self.annotate(actor, await self._resolve.task(actor, ref, include_deleted=include_deleted))

    async def list(
        self,
        actor: Actor,
        *,
        project: str | None = None,
        assignee: str | None = None,
        window: Window | None = None,
        include_closed: bool = False,
        statuses: Sequence[TaskStatus] | None = None,
        due_before: str | date | None = None,
        due_after: str | date | None = None,
        tag: str | None = None,
        text: str | None = None,
        sort: TaskSort = TaskSort.due,
        limit: int = 25,
        offset: int = 0,
    ) -> TaskPage:
        """Open tasks by default; filters combine."""
        today = actor.today()
        project_id = (await self._resolve.project(actor, project)).id if project else None
        assignee_id = (await self._resolve.user(actor, assignee)).id if assignee else None
        wanted: frozenset[TaskStatus] | None
        if statuses:
            wanted = frozenset(statuses)
        else:
            wanted = None if include_closed else OPEN_STATUSES
        before = _resolve_due(actor, due_before)[0]
        after = _resolve_due(actor, due_after)[0]
        overdue_on: date | None = None
        if window == "overdue":
            overdue_on = today
        elif window == "today":
            before = min(before, today) if before else today
        elif window == "week":
            end = today + timedelta(days=7)
            before = min(before, end) if before else end
        if limit < 1 or limit > 200:
            raise ValidationError("Page size must be between 1 and 200.")
        query = TaskQuery(
            project_id=project_id,
            statuses=wanted,
            assignee_id=assignee_id,
            due_before=before,
            due_after=after,
            overdue_on=overdue_on,
            tag=tag.lstrip("+").lower() if tag else None,
            text=text or None,
            sort=sort,
            limit=limit,
            offset=max(offset, 0),
        )
        page = await self._store.tasks.list(actor.workspace_id, query)
        return TaskPage(
            items=[self.annotate(actor, t) for t in page.items],
            total=page.total,
            offset=page.offset,
            limit=page.limit,
        )

    async def update(
        self,
        actor: Actor,
        ref: str | int,
        *,
        title: str = UNSET,
        description: str = UNSET,
        project: str | None = UNSET,
        due: DueInput = UNSET,
        priority: Priority | str = UNSET,
        assignee: str | None = UNSET,
        status: TaskStatus | str = UNSET,
        add_tags: Sequence[str] = (),
        remove_tags: Sequence[str] = (),
        estimate_minutes: int | None = UNSET,
        repeat: str | None = UNSET,
    ) -> Task:
        """Change only what is given; ``None`` clears project, due date, assignee or repeat ("none" too).

        Completing a repeating task here creates its next occurrence, as ``complete`` does.
        """
        task = await self._resolve.task(actor, ref)
        changes: dict[str, Any] = {}
        if title is not UNSET:
            changes["title"] = clean_title(title)
        if description is not UNSET:
            changes["description"] = clean_description(description)
        if project is not UNSET:
            changes["project_id"] = (await self._resolve.project(actor, project)).id if project else None
        if due is not UNSET:
            changes["due_date"], changes["due_time"] = _resolve_due(actor, due)
        if priority is not UNSET:
            changes["priority"] = parse_priority(priority)
        if assignee is not UNSET:
            changes["assignee_id"] = (await self._resolve.user(actor, assignee)).id if assignee else None
        if status is not UNSET:
            changes.update(self._status_change(actor, task, parse_status(status)))
        if add_tags or remove_tags:
            removed = set(clean_tags(list(remove_tags)))
            tags = [t for t in task.tags if t not in removed]
            changes["tags"] = clean_tags(tags + clean_tags(list(add_tags)))
        if estimate_minutes is not UNSET:
            if estimate_minutes is not None and estimate_minutes < 0:
                raise ValidationError("An estimate can't be negative.")
            changes["estimate_minutes"] = estimate_minutes
        if repeat is not UNSET:
            changes.update(self._repeat_change(actor, task, repeat, changes))
        if not changes:
            raise ValidationError("Nothing to change.", hint="Example: `edit T-3 due mon p2`.")
        work = [(task, changes)]
        if "project_id" in changes and self.structure is not None:  # subtasks move with their parent
            below = await self.structure.subtasks_of(actor, [task])
            work += [(t, {"project_id": changes["project_id"]}) for t in below]
        with self._audit.batch():  # the next occurrence is undone with the completion
            updated = (await self._apply(actor, AuditAction.update, work))[0]
            if task.status.is_open and updated.status is TaskStatus.completed:
                await self._follow(actor, [updated])
        return updated

    @staticmethod
    def _repeat_change(
        actor: Actor, task: Task, repeat: str | None, changes: dict[str, Any]
    ) -> dict[str, Any]:
        """The fields a new repeat rule sets: the rule, and a first due date for a task that has none."""
        rule = read_rule(repeat)
        out: dict[str, Any] = {"repeat": rule.text if rule is not None else None}
        if rule is not None and task.due_date is None and "due_date" not in changes:
            first = first_due(actor, rule)
            out["due_date"], out["due_time"] = first.date, first.time
        return out

    async def complete(self, actor: Actor, refs: Sequence[str | int]) -> TaskList:
        """Mark tasks completed (already completed ones are left alone)."""
        return (await self.complete_all(actor, refs)).tasks

    async def complete_all(self, actor: Actor, refs: Sequence[str | int]) -> Completion:
        """Mark tasks completed; each repeating one that closes now gets its next occurrence, in the same
        audit batch, so one `undo` takes back both."""
        tasks = [await self._resolve.task(actor, r) for r in refs]
        closing = {t.id for t in tasks if t.status.is_open}
        with self._audit.batch():
            done = await self._change_where(
                actor,
                AuditAction.complete,
                tasks,
                lambda t: self._status_change(actor, t, TaskStatus.completed) if t.status.is_open else None,
            )
            following = await self._follow(actor, [t for t in done if t.id in closing])
        closed = [t for t in done if t.id in closing]
        ready = await self.structure.unblocked(actor, closed) if self.structure and closed else []
        return Completion(done, following, ready)

    async def _follow(self, actor: Actor, closed: Sequence[Task]) -> TaskList:
        """Create the next occurrence of each repeating task in ``closed``, in one write."""
        following = [n for t in closed if (n := next_occurrence(actor, t)) is not None]
        if not following:
            return []
        record = self._audit.recorder(actor, AuditAction.create)
        stored = await self._store.tasks.create_many(following, audit=record)
        await self._written(actor, [t for t in stored if t.due_date is not None], created=True)
        return [self.annotate(actor, t) for t in stored]

    async def reopen(self, actor: Actor, ref: str | int) -> Task:
        return (await self.reopen_all(actor, [ref]))[0]

    async def reopen_all(self, actor: Actor, refs: Sequence[str | int]) -> TaskList:
        """Reopen closed tasks in one change (open ones are left alone); every ref is checked first."""
        tasks = [await self._resolve.task(actor, r) for r in refs]
        return await self._change_where(
            actor,
            AuditAction.reopen,
            tasks,
            lambda t: None if t.status.is_open else self._status_change(actor, t, TaskStatus.todo),
        )

    async def assign(self, actor: Actor, ref: str | int, assignee: str | None) -> Task:
        """Assign to someone, or unassign with ``None``."""
        task = await self._resolve.task(actor, ref)
        user_id = (await self._resolve.user(actor, assignee)).id if assignee else None
        return (await self._apply(actor, AuditAction.assign, [(task, {"assignee_id": user_id})]))[0]

    async def snooze(self, actor: Actor, ref: str | int, days: int = 1) -> Task:
        """Push the due date ``days`` later (from today when it has none or is overdue)."""
        task = await self._resolve.task(actor, ref)
        base = max(task.due_date, actor.today()) if task.due_date else actor.today()
        changes = {"due_date": base + timedelta(days=days)}
        return (await self._apply(actor, AuditAction.update, [(task, changes)]))[0]

    async def delete(self, actor: Actor, refs: Sequence[str | int]) -> TaskList:
        """Soft delete: the rows stay and ``restore`` brings them back."""
        tasks = [await self._resolve.task(actor, r) for r in refs]
        if self.structure is not None:  # one batch: one undo brings the subtasks back with their parent
            tasks = _unique([*tasks, *await self.structure.subtasks_of(actor, tasks)])
        stamp = {"deleted_at": actor.instant(), "deleted_by": actor.user_id}
        return await self._apply(actor, AuditAction.delete, [(t, dict(stamp)) for t in tasks])

    async def restore(self, actor: Actor, ref: str | int) -> Task:
        return (await self.restore_all(actor, [ref]))[0]

    async def restore_all(self, actor: Actor, refs: Sequence[str | int]) -> TaskList:
        """Bring back soft-deleted tasks in one change; every ref is checked first."""
        tasks = [await self._resolve.task(actor, r, include_deleted=True) for r in refs]
        if self.structure is not None:
            tasks = _unique([*tasks, *await self.structure.subtasks_of(actor, tasks, deleted=True)])
        return await self._change_where(
            actor,
            AuditAction.restore,
            tasks,
            lambda t: {"deleted_at": None, "deleted_by": None} if t.deleted_at is not None else None,
        )

    async def _change_where(
        self,
        actor: Actor,
        action: AuditAction,
        tasks: Sequence[Task],
        changes_for: Callable[[Task], dict[str, Any] | None],
    ) -> TaskList:
        """Apply ``changes_for`` to each task that needs it (None: leave it); returns all, in order."""
        work = [(t, c) for t in tasks if (c := changes_for(t)) is not None]
        changed = {t.id: t for t in await self._apply(actor, action, work)}
        return [changed.get(t.id, self.annotate(actor, t)) for t in tasks]

    async def import_external(self, actor: Actor, tasks: Sequence[Task]) -> TaskList:
        """Store tasks built by a sync from a tracker's items, in one commit, with their audit events."""
        if not tasks:
            return []
        record = self._audit.recorder(actor, AuditAction.create)
        stored = await self._store.tasks.create_many(tasks, audit=record)
        await self._written(actor, [t for t in stored if t.due_date is not None], created=True)
        return stored

    async def apply_external(
        self,
        actor: Actor,
        work: Sequence[tuple[Task, dict[str, Any]]],
        action: AuditAction = AuditAction.update,
    ) -> TaskList:
        """Write changes a sync computed (already mapped and checked), audited under the actor's surface.

        A repeating task the tracker completed gets its next occurrence here too, as if completed in chat.
        """
        closing = {
            t.id for t, changes in work if t.status.is_open and changes.get("status") == TaskStatus.completed
        }
        with self._audit.batch():
            done = await self._apply(actor, action, work)
            await self._follow(actor, [t for t in done if t.id in closing and t.repeat])
        return done

    @staticmethod
    def _status_change(actor: Actor, task: Task, status: TaskStatus) -> dict[str, Any]:
        changes: dict[str, Any] = {"status": status}
        if not status.is_open and task.status.is_open:
            changes["completed_at"] = actor.instant() if status is TaskStatus.completed else None
        elif status.is_open:
            changes["completed_at"] = None
        return changes

    async def _apply(
        self, actor: Actor, action: AuditAction, work: Sequence[tuple[Task, dict[str, Any]]]
    ) -> TaskList:
        if not work:
            return []
        # The change and its events are one write: both land or neither does.
        record = self._audit.recorder(actor, action)
        if len(work) == 1:
            [(task, changes)] = work
            stored = [await self._store.tasks.update(actor.workspace_id, task.id, changes, audit=record)]
        else:  # bulk commands and sync batches: one commit for all the rows
            items = [(task.id, changes) for task, changes in work]
            stored = await self._store.tasks.update_many(actor.workspace_id, items, audit=record)
        by_id = {t.id: t for t in stored}
        await self._written(actor, [by_id[task.id] for task, changes in work if _TIMED & changes.keys()])
        return [self.annotate(actor, by_id[task.id]) for task, _ in work]


def _unique(tasks: Sequence[Task]) -> TaskList:
    """Each task once, in first-seen order."""
    seen: dict[str, Task] = {}
    for t in tasks:
        seen.setdefault(t.id, t)
    return list(seen.values())
