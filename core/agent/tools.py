"""The agent's tools. Each one calls the core services (never the store for changes) as the acting user.

Tool names are fixed; every parameter but the first is optional; none takes a workspace (it comes from the
deps' actor only). A task is named by its ref ("T-3") or its title ("the slides"): the resolver finds it, or
says which tasks were meant. Service errors reach the model as ``ModelRetry``; deletes and bulk changes wait
for the user's ``yes`` (both in core/agent/guard.py). The read-only tools live in core/agent/tools_read.py.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from pydantic_ai import RunContext

from core import refs
from core.agent.deps import AgentDeps
from core.agent.describe import project_line, task_line
from core.agent.guard import queue_or_check, service_errors
from core.agent.tools_read import activity, count_tasks, list_tasks, search_tasks, task_details
from core.agent.tools_schedule import list_reminders, remind
from core.agent.tools_structure import add_subtask, remove_dependency, set_dependency, set_estimate
from core.conversation.active import active_project
from core.conversation.structure_commands import ready_note
from core.conversation.views import next_note
from core.dates import parse_due
from core.errors import ValidationError
from core.models import Task
from core.quickadd_structure import duration_minutes
from core.services import UNSET
from core.services.recurring import read_rule

LIST_LIMIT = 25
_NONE_WORDS = {"none", "nobody", "no one", "clear", "null", ""}


async def _number(deps: AgentDeps, ref: str, *, include_deleted: bool = False) -> int:
    """The number of the one task ``ref`` names: "T-3", "3", or a title ("the slides")."""
    if not ref.strip():
        raise ValidationError("Which task?", hint="Name it like `T-3` or by its title.")
    number = refs.task_number(ref)
    if number is not None:
        # No await for a ref: the model's parallel calls then reach the bulk guard in the order they came.
        return number
    task = await deps.services.resolve.task(deps.actor, ref.strip(), include_deleted=include_deleted)
    return task.number


async def _numbers(deps: AgentDeps, text: str, *, include_deleted: bool = False) -> list[int]:
    """`T-3`, `T-3, T-4 and T-5`, or one task's title → task numbers (each task once)."""
    numbers = refs.task_numbers(text)
    if numbers:
        return list(dict.fromkeys(numbers))
    if numbers == []:
        raise ValidationError("Which task?", hint="Name it like `T-3` or by its title.")
    if refs.find_task_numbers(text):  # "T-3 and the other one": refs mixed with words
        bad = next(p for p in refs.ref_parts(text) if refs.task_number(p) is None)
        raise ValidationError(
            f"`{bad}` is not a task reference.", hint="Give several tasks as `T-3, T-4`, or one title."
        )
    return [await _number(deps, text, include_deleted=include_deleted)]


def _clear(value: str | None) -> str | None:
    """None for words meaning "nothing" (to clear a field), else the value."""
    return None if value is None or value.strip().lower() in _NONE_WORDS else value


async def _active_project(deps: AgentDeps) -> str | None:
    """The ref of the project the conversation uses (`use #Launch`), if it still exists."""
    project = await active_project(deps.services.store, deps.conversation)
    return project.ref if project is not None else None


@service_errors
async def create_task(
    ctx: RunContext[AgentDeps],
    title: str,
    description: str | None = None,
    project: str | None = None,
    due: str | None = None,
    priority: str | None = None,
    assignee: str | None = None,
    tags: list[str] | None = None,
    repeat: str | None = None,
    estimate: str | None = None,
) -> str:
    """Create a task.

    Args:
        title: Short title.
        description: Longer details.
        project: Project name (any case, or the start of it) or P-n; omit to use the conversation's active
            project.
        due: Due date in plain words as the user said it, e.g. "fri 3pm", "tomorrow", "2026-12-05".
        priority: critical, high, medium, low or backlog (p1..p4 work too).
        assignee: A person's name, "@name" or "me".
        tags: Tags without "+".
        repeat: A repeat rule as the user said it, e.g. "every monday 9am", "every 2 weeks on fri",
            "every month on the 1st", "every weekday", "daily". Without a due date the task is due at the
            first occurrence; completing it creates the next one.
        estimate: How long it should take, e.g. "30m", "2h", "1.5h".
    """
    deps = ctx.deps
    minutes = duration_minutes(estimate.lstrip("~")) if estimate else None
    if estimate and minutes is None:
        raise ValidationError(f"`{estimate}` isn't a duration.", hint='Give it like "30m", "2h" or "1.5h".')
    task = await deps.services.tasks.create(
        deps.actor,
        title,
        description=description or "",
        project=project or await _active_project(deps),
        due=due,
        priority=priority,
        assignee=assignee,
        tags=tags or (),
        repeat=_clear(repeat),
        estimate_minutes=minutes,
    )
    deps.turn.touch([task])
    return f"Created {task.ref}.\n{await task_line(deps, task)}"


@service_errors
async def update_task(
    ctx: RunContext[AgentDeps],
    ref: str,
    title: str | None = None,
    description: str | None = None,
    project: str | None = None,
    due: str | None = None,
    priority: str | None = None,
    status: str | None = None,
    add_tags: list[str] | None = None,
    remove_tags: list[str] | None = None,
    repeat: str | None = None,
) -> str:
    """Change fields of one task; only what is given changes.

    Args:
        ref: The task: "T-3" or its title.
        title: New title.
        description: New description.
        project: Project name (any case, or the start of it) or P-n; "none" removes it from its project.
        due: New due date in plain words; "none" clears it.
        priority: critical, high, medium, low or backlog.
        status: todo, in_progress, blocked, in_review, completed or cancelled.
        add_tags: Tags to add.
        remove_tags: Tags to remove.
        repeat: A repeat rule, e.g. "every monday 9am", "every month", "every quarter"; "none" stops it.
    """
    deps = ctx.deps
    number = await _number(deps, ref)
    changes: dict[str, Any] = {}
    for key, value in (
        ("title", title),
        ("description", description),
        ("priority", priority),
        ("status", status),
    ):
        if value is not None:
            changes[key] = value
    if project is not None:
        changes["project"] = _clear(project)
    if due is not None:
        changes["due"] = _clear(due)
        if changes["due"]:
            parse_due(changes["due"], deps.actor.user.timezone)  # a bad date fails now, not at confirmation
    if add_tags:
        changes["add_tags"] = list(add_tags)
    if remove_tags:
        changes["remove_tags"] = list(remove_tags)
    if repeat is not None:
        rule = read_rule(repeat)  # a rule it can't read fails now, not at confirmation
        changes["repeat"] = rule.text if rule is not None else "none"
    if not changes:
        raise ValidationError("Nothing to change.", hint="Give at least one field to update.")
    queued = await queue_or_check(deps, {"op": "update", "numbers": [number], "changes": changes}, [number])
    if queued:
        return queued
    fields = ("title", "description", "project", "due", "priority", "status", "repeat")
    kwargs = {k: changes.get(k, UNSET) for k in fields}
    task = await deps.services.tasks.update(
        deps.actor,
        number,
        add_tags=changes.get("add_tags", ()),
        remove_tags=changes.get("remove_tags", ()),
        **kwargs,
    )
    deps.turn.touch([task])
    return f"Updated {task.ref}.\n{await task_line(deps, task)}"


@service_errors
async def complete_task(ctx: RunContext[AgentDeps], ref: str) -> str:
    """Mark one or more tasks as done.

    Args:
        ref: The task: "T-3" or its title; several refs separated by commas, e.g. "T-3, T-4".
    """
    deps = ctx.deps
    numbers = await _numbers(deps, ref)
    queued = await queue_or_check(deps, {"op": "complete", "numbers": numbers}, numbers)
    if queued:
        return queued
    finished = await deps.services.tasks.complete_all(deps.actor, numbers)
    deps.turn.touch([*finished.tasks, *finished.following])
    done = "Completed " + ", ".join(t.ref for t in finished.tasks) + "."
    names = {u.id: u.label for u in await deps.services.store.users.list(deps.actor.workspace_id)}
    ready = ready_note(finished.ready, names) if finished.ready else ""
    return " ".join(filter(None, [done, next_note(finished.following), ready]))


@service_errors
async def delete_task(ctx: RunContext[AgentDeps], ref: str) -> str:
    """Delete one or more tasks. Nothing is deleted until the user confirms on their next message.

    Args:
        ref: The task: "T-3" or its title; several refs separated by commas.
    """
    numbers = await _numbers(ctx.deps, ref)
    queued = await queue_or_check(ctx.deps, {"op": "delete", "numbers": numbers}, numbers)
    assert queued is not None  # deletes always wait for a yes
    return queued


@service_errors
async def assign_task(ctx: RunContext[AgentDeps], ref: str, assignee: str | None = None) -> str:
    """Assign a task to someone, or unassign it.

    Args:
        ref: The task: "T-3" or its title.
        assignee: A person's name, "@name" or "me"; "none" unassigns.
    """
    deps = ctx.deps
    number = await _number(deps, ref)
    who = _clear(assignee)
    if who is not None:
        await deps.services.resolve.user(deps.actor, who)  # an unknown name fails now, not at confirmation
    queued = await queue_or_check(deps, {"op": "assign", "numbers": [number], "assignee": who}, [number])
    if queued:
        return queued
    task = await deps.services.tasks.assign(deps.actor, number, who)
    deps.turn.touch([task])
    if who is None:
        return f"{task.ref} is now unassigned."
    name = who if who == "me" else "@" + who.lstrip("@")
    return f"{task.ref} is now assigned to {name}.\n{await task_line(deps, task)}"


async def _changed(deps: AgentDeps, verb: str, tasks: list[Task]) -> str:
    """ "Reopened T-3, T-4." and a line per task."""
    lines = [await task_line(deps, t) for t in tasks]
    return "\n".join([f"{verb} " + ", ".join(t.ref for t in tasks) + ".", *lines])


@service_errors
async def reopen_task(ctx: RunContext[AgentDeps], ref: str) -> str:
    """Reopen completed or cancelled tasks (they become to-do again).

    Args:
        ref: The task: "T-3" or its title; several refs separated by commas.
    """
    deps = ctx.deps
    numbers = await _numbers(deps, ref)
    queued = await queue_or_check(deps, {"op": "reopen", "numbers": numbers}, numbers)
    if queued:
        return queued
    tasks = await deps.services.tasks.reopen_all(deps.actor, numbers)
    deps.turn.touch(tasks)
    return await _changed(deps, "Reopened", tasks)


@service_errors
async def restore_task(ctx: RunContext[AgentDeps], ref: str) -> str:
    """Bring back deleted tasks.

    Args:
        ref: The deleted task: "T-3" or its title; several refs separated by commas.
    """
    deps = ctx.deps
    numbers = await _numbers(deps, ref, include_deleted=True)
    queued = await queue_or_check(deps, {"op": "restore", "numbers": numbers}, numbers)
    if queued:
        return queued
    tasks = await deps.services.tasks.restore_all(deps.actor, numbers)
    deps.turn.touch(tasks)
    return await _changed(deps, "Restored", tasks)


@service_errors
async def create_project(
    ctx: RunContext[AgentDeps],
    name: str,
    description: str | None = None,
    due: str | None = None,
    priority: str | None = None,
) -> str:
    """Create a project.

    Args:
        name: Project name, unique in the workspace.
        description: What it is about.
        due: Due date in plain words.
        priority: critical, high, medium, low or backlog.
    """
    deps = ctx.deps
    project = await deps.services.projects.create(
        deps.actor, name, description=description or "", due=due, priority=priority
    )
    deps.turn.touch_project(project)
    deps.forget_names()
    return f"Created project {project.name} ({project.ref})."


@service_errors
async def list_projects(ctx: RunContext[AgentDeps]) -> str:
    """List the workspace's projects with their task counts."""
    projects = await ctx.deps.services.projects.list(ctx.deps.actor)
    for p in projects:
        ctx.deps.turn.touch_project(p)
    if not projects:
        return "There are no projects yet."
    return "\n".join([f"{len(projects)} project(s):", *[project_line(p) for p in projects]])


@service_errors
async def show_project(ctx: RunContext[AgentDeps], name_or_ref: str) -> str:
    """Show a project and its open tasks (a question: where new tasks go stays as it is).

    Args:
        name_or_ref: Project name (any case, or the start of it) or P-n.
    """
    deps = ctx.deps
    project = await deps.services.projects.get(deps.actor, name_or_ref)
    deps.turn.touch_project(project)
    page = await deps.services.tasks.list(deps.actor, project=project.ref, limit=LIST_LIMIT)
    deps.turn.touch(page.items)
    lines = [
        f"Project {project_line(project)}.",
        project.description,
        f"{page.total} open task{'s' if page.total != 1 else ''}:" if page.items else "No open tasks.",
        *[await task_line(deps, t) for t in page.items],
    ]
    return "\n".join(line for line in lines if line)


@service_errors
async def use_project(ctx: RunContext[AgentDeps], name_or_ref: str) -> str:
    """Make new tasks of this conversation go to a project, when the user asks for that explicitly
    ("use #Launch", "switch to Launch", "work on Launch"); "none" stops.

    Args:
        name_or_ref: Project name (any case, or the start of it) or P-n. or "none".
    """
    deps = ctx.deps
    if _clear(name_or_ref) is None:
        deps.conversation.active_project_id = None
        return "New tasks no longer go to a project."
    project = await deps.services.projects.get(deps.actor, name_or_ref)
    deps.conversation.active_project_id = project.id
    deps.turn.touch_project(project)
    return f"Now using project {project_line(project)}: new tasks without a project go there."


@service_errors
async def undo(ctx: RunContext[AgentDeps]) -> str:
    """Revert the user's last change (a whole command or tool call)."""
    deps = ctx.deps
    result = await deps.services.undo.undo(deps.actor)
    deps.turn.touch(
        [deps.services.tasks.annotate(deps.actor, e) for e in result.entities if isinstance(e, Task)]
    )
    event = result.undone
    return f"Undid the last change: {event.action.value} of {event.entity_ref or event.entity_type.value}."


TOOLS: list[Callable[..., Awaitable[str]]] = [
    create_task,
    list_tasks,
    count_tasks,
    search_tasks,
    task_details,
    activity,
    update_task,
    complete_task,
    reopen_task,
    delete_task,
    restore_task,
    assign_task,
    create_project,
    list_projects,
    show_project,
    use_project,
    undo,
    remind,
    list_reminders,
    add_subtask,
    set_dependency,
    remove_dependency,
    set_estimate,
]
TOOL_NAMES: frozenset[str] = frozenset(fn.__name__ for fn in TOOLS)
