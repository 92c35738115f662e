"""Turning stored entities into views with people's and projects' names resolved."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from core.conversation.messages import ActivityView, LinkView, ProjectView, TaskDetailView, TaskView
from core.models import Project, Task
from core.services.details import TaskDetails
from core.services.history import ActivityLine, quoted
from core.services.structure_graph import Rollup, minutes_label
from core.store import Store


async def task_views(store: Store, workspace_id: str, tasks: Sequence[Task]) -> list[TaskView]:
    """Views of ``tasks`` with one lookup of the workspace's users and projects."""
    if not tasks:
        return []
    users = {u.id: u.label for u in await store.users.list(workspace_id)}
    needs_projects = any(t.project_id for t in tasks)
    projects = (
        {p.id: p.name for p in await store.projects.list(workspace_id, include_deleted=True)}
        if needs_projects
        else {}
    )
    return views_named(tasks, users, projects, await open_blockers(store, workspace_id, tasks))


async def open_blockers(store: Store, workspace_id: str, tasks: Sequence[Task]) -> dict[str, tuple[str, ...]]:
    """The refs of the open tasks each of ``tasks`` waits on, by task id (one read of the blockers)."""
    wanted = sorted({d for t in tasks if t.is_open for d in t.dependencies})
    if not wanted:
        return {}
    found = {b.id: b for b in await store.tasks.get_many(workspace_id, wanted) if b.is_open}
    return {t.id: tuple(found[d].ref for d in t.dependencies if d in found) for t in tasks if t.dependencies}


def views_named(
    tasks: Sequence[Task],
    users: Mapping[str, str],
    projects: Mapping[str, str],
    blockers: Mapping[str, tuple[str, ...]] | None = None,
) -> list[TaskView]:
    """Views of ``tasks`` with people's labels, projects' names and open blockers already in hand (by id)."""
    blockers = blockers or {}
    return [
        TaskView(
            id=t.id,
            ref=t.ref,
            title=t.title,
            status=t.status,
            priority=t.priority,
            project=projects.get(t.project_id) if t.project_id else None,
            assignee=users.get(t.assignee_id) if t.assignee_id else None,
            due_date=t.due_date,
            due_time=t.due_time,
            is_overdue=t.is_overdue,
            days_until_due=t.days_until_due,
            tags=tuple(t.tags),
            description=t.description,
            deleted=t.deleted_at is not None,
            repeat=t.repeat,
            blocked_by=blockers.get(t.id, ()),
        )
        for t in tasks
    ]


def next_note(following: Sequence[Task]) -> str:
    """`Next: T-8 due Mon Dec 7.`: the next occurrences completing repeating tasks created ("" for none)."""
    if not following:
        return ""
    parts = []
    for t in following:
        when = f" due {t.due_date:%a %b} {t.due_date.day}" if t.due_date else ""
        if t.due_date and t.due_time:
            when += f" {t.due_time:%H:%M}"
        parts.append(f"{t.ref}{when}")
    return "Next: " + ", ".join(parts) + "."


def project_view(p: Project) -> ProjectView:
    return ProjectView(
        id=p.id,
        ref=p.ref,
        name=p.name,
        status=p.status,
        priority=p.priority,
        description=p.description,
        due_date=p.due_date,
        task_count=p.task_count,
        completed_task_count=p.completed_task_count,
        overdue_count=p.overdue_count,
    )


def activity_views(lines: Sequence[ActivityLine]) -> list[ActivityView]:
    return [ActivityView(text=a.text, ago=a.ago, ref=a.ref) for a in lines]


def _named(task: Task) -> str:
    return f"{task.ref} {quoted(task.title)}"


def _with_state(task: Task) -> str:
    return f"{_named(task)} ({task.status.value.replace('_', ' ')})"


def rollup_text(r: Rollup, noun: str = "subtasks") -> str:
    """`1 of 3 subtasks done · 1 overdue · 2h estimated open`."""
    parts = [f"{r.done} of {r.total} {noun} done"]
    if r.overdue:
        parts.append(f"{r.overdue} overdue")
    if r.estimate_open:
        parts.append(f"{minutes_label(r.estimate_open)} estimated open")
    return " · ".join(parts)


def progress_text(r: Rollup) -> str:
    """Progress by count and by estimate: `1 of 3 done (33%) · 2h of 4h estimated done (50%) · …`."""
    parts = [f"{r.done} of {r.total} done ({round(100 * r.progress)}%)"]
    by_estimate = r.progress_by_estimate
    if by_estimate is not None:
        done, total = minutes_label(r.estimate_done), minutes_label(r.estimate_total)
        parts.append(f"{done} of {total} estimated done ({round(100 * by_estimate)}%)")
        if r.estimate_open:
            parts.append(f"{minutes_label(r.estimate_open)} estimated open")
    if r.overdue:
        parts.append(f"{r.overdue} overdue")
    return "Progress: " + " · ".join(parts)


def detail_view(details: TaskDetails, now: datetime) -> TaskDetailView:
    """The extra facts of `show T-n`, with times in the zone of ``now`` (the reader's)."""
    task = details.task
    created = task.created_at.astimezone(now.tzinfo)
    year = f" {created.year}" if created.year != now.year else ""
    return TaskDetailView(
        ref=task.ref,
        created_by=details.creator.label if details.creator else None,
        created=f"{created:%a %b} {created.day}{year} {created:%H:%M}",
        source_url=task.source_url,
        links=tuple(LinkView(x.tracker, x.remote_id, x.url) for x in details.links),
        recent=tuple(activity_views(details.recent)),
        parent=_named(details.parent) if details.parent else None,
        blocked_by=tuple(_named(t) for t in details.blocked_by),
        subtasks=tuple(_with_state(t) for t in details.subtasks),
        rollup=rollup_text(details.rollup) if details.rollup else "",
    )
