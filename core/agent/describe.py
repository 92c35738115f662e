"""Tasks and projects as one line of text for the model: names resolved, dates spelled out."""

from __future__ import annotations

from core.agent.deps import AgentDeps
from core.models import Project, Task


def _date(task: Task) -> str:
    if task.due_date is None:
        return ""
    when = f" {task.due_time:%H:%M}" if task.due_time else ""
    return f"due {task.due_date:%a %Y-%m-%d}{when}" + (" (overdue)" if task.is_overdue else "")


async def task_line(deps: AgentDeps, task: Task) -> str:
    """One task as a line for the model; names of project and assignee resolved."""
    users, projects = await deps.names()
    parts = [f"{task.ref} {task.title}", task.status.value]
    if task.project_id and task.project_id in projects:
        parts.append(f"project {projects[task.project_id]}")
    parts += [_date(task), f"repeats {task.repeat}" if task.repeat else "", f"priority {task.priority.value}"]
    if task.assignee_id and task.assignee_id in users:
        parts.append(f"assigned to @{users[task.assignee_id]}")
    return " · ".join(p for p in parts if p)


def project_line(p: Project) -> str:
    counts = f"{p.completed_task_count}/{p.task_count} done" + (
        f", {p.overdue_count} overdue" if p.overdue_count else ""
    )
    due = f" · due {p.due_date:%Y-%m-%d}" if p.due_date else ""
    return f"{p.ref} {p.name} · {p.status.value} · {counts}{due}"
