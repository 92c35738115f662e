"""The agent's structure tools: subtasks, dependencies between tasks, and estimates.

Their names and arguments are the ones the offline parser emits (core/understanding/read_new.py): a task is
"T-3" or its title, ``blocked_by`` may name several tasks ("T-3, T-4"), an estimate is "120m", "2h" or "none".
"""

from __future__ import annotations

from pydantic_ai import RunContext

from core import refs
from core.agent.deps import AgentDeps
from core.agent.describe import task_line
from core.agent.guard import service_errors
from core.errors import ValidationError
from core.models import Task
from core.quickadd_structure import NONE_WORDS, duration_minutes
from core.services.structure_graph import minutes_label

_CLEAR = NONE_WORDS | {"nothing", "clear", "no estimate", ""}


async def _tasks(deps: AgentDeps, text: str) -> list[Task]:
    """The tasks ``text`` names: "T-3, T-4", or one task's title."""
    numbers = refs.task_numbers(text)
    if not numbers:
        return [await deps.services.resolve.task(deps.actor, text.strip())]
    return [await deps.services.resolve.task(deps.actor, n) for n in dict.fromkeys(numbers)]


def _named(tasks: list[Task]) -> str:
    return ", ".join(t.ref for t in tasks)


@service_errors
async def add_subtask(
    ctx: RunContext[AgentDeps],
    parent: str,
    title: str,
    due: str | None = None,
    assignee: str | None = None,
    priority: str | None = None,
) -> str:
    """Add a subtask under a task (at most 3 levels deep); it goes in the parent's project.

    Args:
        parent: The parent task: "T-3" or its title.
        title: The subtask's short title.
        due: Due date in plain words, e.g. "fri", "tomorrow 3pm".
        assignee: A person's name, "@name" or "me".
        priority: critical, high, medium, low or backlog.
    """
    deps = ctx.deps
    task = await deps.services.structure.add_subtask(
        deps.actor, parent.strip(), title, due=due, assignee=assignee, priority=priority
    )
    deps.turn.touch([task])
    parent_task = await deps.services.resolve.task(deps.actor, parent.strip())
    return f"Created {task.ref} under {parent_task.ref}.\n{await task_line(deps, task)}"


@service_errors
async def set_dependency(ctx: RunContext[AgentDeps], ref: str, blocked_by: str) -> str:
    """Record that a task can't start until other tasks are done ("T-5 blocks T-3", "T-3 after T-5").

    Args:
        ref: The task that waits: "T-3" or its title.
        blocked_by: The task or tasks it waits on: "T-5", "T-5, T-6" or a title.
    """
    deps = ctx.deps
    task = await deps.services.resolve.task(deps.actor, ref.strip())
    blockers = await _tasks(deps, blocked_by)
    for blocker in blockers:
        task = await deps.services.structure.block(deps.actor, blocker.number, task.number)
    deps.turn.touch([task])
    return f"{task.ref} now waits on {_named(blockers)}.\n{await task_line(deps, task)}"


@service_errors
async def remove_dependency(ctx: RunContext[AgentDeps], ref: str, blocked_by: str | None = None) -> str:
    """Stop a task waiting on another one ("unblock T-3"); without ``blocked_by``, on all of them.

    Args:
        ref: The task that waits: "T-3" or its title.
        blocked_by: The task or tasks it should no longer wait on; omit to remove every blocker.
    """
    deps = ctx.deps
    task = await deps.services.resolve.task(deps.actor, ref.strip())
    if not blocked_by:
        if not task.dependencies:
            return f"Nothing blocks {task.ref}; nothing to remove."
        task = await deps.services.structure.unblock(deps.actor, task.number)
        deps.turn.touch([task])
        return f"Nothing blocks {task.ref} now."
    blockers = await _tasks(deps, blocked_by)
    linked = [b for b in blockers if b.id in task.dependencies]
    # Already apart is what was asked: say so instead of failing the turn.
    apart = [b for b in blockers if b.id not in task.dependencies]
    for blocker in linked:
        task = await deps.services.structure.unblock(deps.actor, task.number, blocker.number)
    deps.turn.touch([task])
    verb = "blocks" if len(linked) == 1 else "block"
    said = [f"{_named(linked)} no longer {verb} {task.ref}."] if linked else []
    if apart:
        said.append(f"{_named(apart)} didn't block {task.ref}; nothing to remove there.")
    return " ".join(said)


@service_errors
async def set_estimate(ctx: RunContext[AgentDeps], ref: str, estimate: str) -> str:
    """Set how long a task should take, or clear its estimate.

    Args:
        ref: The task: "T-3" or its title.
        estimate: A duration such as "30m", "2h", "1h30m", "1.5h" or "1d" (8 hours); "none" clears it.
    """
    deps = ctx.deps
    target = (await deps.services.resolve.task(deps.actor, ref.strip())).number
    text = estimate.strip().lstrip("~").lower()
    minutes = None if text in _CLEAR else duration_minutes(text)
    if minutes is None and text not in _CLEAR:
        raise ValidationError(f"`{estimate}` isn't a duration.", hint='Give it like "30m", "2h" or "1.5h".')
    task = await deps.services.structure.set_estimate(deps.actor, target, minutes)
    deps.turn.touch([task])
    said = f"an estimate of {minutes_label(minutes)}" if minutes else "no estimate"
    return f"{task.ref} now has {said}.\n{await task_line(deps, task)}"
