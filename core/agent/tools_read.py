"""The agent's read-only tools: list, count, search, one task's whole story, and the history of changes.

They change nothing, so they never wait for a confirmation (``_READ_ONLY`` in core/agent/deps.py).
"""

from __future__ import annotations

from typing import Any

from pydantic_ai import RunContext

from core.agent.deps import AgentDeps
from core.agent.describe import task_line
from core.agent.guard import service_errors
from core.errors import ValidationError
from core.models import TaskStatus
from core.services.validation import parse_status

LIST_LIMIT = 25
SEARCH_LIMIT = 10
ACTIVITY_LIMIT = 20


def _filters(
    project: str | None,
    assignee: str | None,
    status: str | None,
    due_before: str | None,
    due_after: str | None,
    overdue: bool,
    text: str | None,
    tag: str | None,
) -> dict[str, Any]:
    """The keywords of ``TaskService.list`` for the filters the list and count tools share."""
    word = (status or "open").strip().lower().replace(" ", "_")
    statuses: list[TaskStatus] | None = None
    if word not in ("open", "all"):
        try:
            statuses = [parse_status(word)]
        except ValidationError:
            names = "open, done, all, " + ", ".join(s.value for s in TaskStatus)
            raise ValidationError(f"Unknown status `{status}`.", hint=f"Use one of: {names}.") from None
    return {
        "project": project,
        "assignee": assignee,
        "window": "overdue" if overdue else None,
        "include_closed": word == "all",
        "statuses": statuses,
        "due_before": due_before,
        "due_after": due_after,
        "text": text,
        "tag": tag,
    }


@service_errors
async def list_tasks(
    ctx: RunContext[AgentDeps],
    project: str | None = None,
    assignee: str | None = None,
    status: str | None = None,
    due_before: str | None = None,
    overdue: bool = False,
    text: str | None = None,
    tag: str | None = None,
    due_after: str | None = None,
) -> str:
    """List tasks, open ones unless a status is given. Filters combine. The answer starts with how many match.

    Args:
        project: Project name (any case, a unique start of it, or its slug) or P-n.
        assignee: A person's name, "@name" or "me".
        status: "open" (default), "done", "all", or one of todo, in_progress, blocked, in_review, cancelled.
        due_before: Only tasks due on or before this day, in plain words ("end of week", "fri", "2026-12-05").
        overdue: Only open tasks whose due date has passed.
        text: Words that appear in the title or description.
        tag: A tag.
        due_after: Only tasks due on or after this day, in plain words ("next monday").
    """
    deps = ctx.deps
    filters = _filters(project, assignee, status, due_before, due_after, overdue, text, tag)
    page = await deps.services.tasks.list(deps.actor, limit=LIST_LIMIT, **filters)
    deps.turn.touch(page.items)
    if not page.items:
        narrowed = project or assignee or text or tag
        return "Nothing is overdue." if overdue and not narrowed else "No tasks match."
    head = (
        f"{page.total} task{'s' if page.total != 1 else ''}"
        + (f", showing {len(page.items)}" if page.total > len(page.items) else "")
        + ":"
    )
    return "\n".join([head, *[await task_line(deps, t) for t in page.items]])


@service_errors
async def count_tasks(
    ctx: RunContext[AgentDeps],
    project: str | None = None,
    assignee: str | None = None,
    status: str | None = None,
    due_before: str | None = None,
    due_after: str | None = None,
    overdue: bool = False,
    text: str | None = None,
    tag: str | None = None,
) -> str:
    """Count tasks (open ones unless a status is given) without listing them: "how many …?".

    Args:
        project: Project name or P-n.
        assignee: A person's name, "@name" or "me".
        status: "open" (default), "done", "all", or one of todo, in_progress, blocked, in_review, cancelled.
        due_before: Only tasks due on or before this day, in plain words.
        due_after: Only tasks due on or after this day, in plain words.
        overdue: Only open tasks whose due date has passed.
        text: Words that appear in the title or description.
        tag: A tag.
    """
    deps = ctx.deps
    filters = _filters(project, assignee, status, due_before, due_after, overdue, text, tag)
    page = await deps.services.tasks.list(deps.actor, limit=1, **filters)
    word = (status or "open").strip().lower()
    kind = "overdue" if overdue else ("" if word == "all" else word.replace("_", " "))
    noun = "task" if page.total == 1 else "tasks"
    scope: list[str] = []
    if project:
        scope.append(f"in {project}")
    if assignee:
        scope.append(f"for {'you' if assignee.strip().lower() in ('me', '@me') else assignee}")
    answer = " ".join(p for p in (str(page.total), kind, noun, *scope) if p)
    if not overdue and word == "open" and page.total:
        late = await deps.services.tasks.list(deps.actor, limit=1, **{**filters, "window": "overdue"})
        if late.total:
            answer += f", {late.total} of them overdue"
    return answer + "."


@service_errors
async def search_tasks(ctx: RunContext[AgentDeps], text: str, include_closed: bool = True) -> str:
    """Find tasks by words of their title, description or tags (typos are fine); open tasks come first.
    Use it when the user describes a task instead of giving its T-n ("the task about invoices").

    Args:
        text: The words to look for, without filler ("invoices", "wedding cake").
        include_closed: Also look among completed and cancelled tasks (listed after the open ones).
    """
    deps = ctx.deps
    hits = await deps.services.search.search(
        deps.actor, text, include_closed=include_closed, limit=SEARCH_LIMIT
    )
    deps.turn.touch([h.task for h in hits])
    if not hits:
        return f"No task matches “{text}”."
    lines = [f"{len(hits)} task{'s' if len(hits) != 1 else ''} match “{text}”, best first:"]
    for hit in hits:
        where = "" if hit.where in ("title", "ref") else f" (matched in its {hit.where})"
        lines.append(await task_line(deps, hit.task) + where)
    return "\n".join(lines)


@service_errors
async def task_details(ctx: RunContext[AgentDeps], ref: str) -> str:
    """Everything about one task: description, tags, who created it and when, where it came from, its
    tracker links, what it waits on, and its last changes.

    Args:
        ref: The task, e.g. "T-3", or its title.
    """
    deps = ctx.deps
    details = await deps.services.details.details(deps.actor, ref)
    task = details.task
    deps.turn.touch([task])
    deps.turn.details = details
    created = task.created_at.astimezone(deps.actor.zone)
    lines = [await task_line(deps, task)]
    if task.description:
        lines.append(f"Description: {task.description}")
    if task.tags:
        lines.append("Tags: " + ", ".join(task.tags))
    who = f" by {details.creator.label}" if details.creator else ""
    lines.append(f"Created{who} on {created:%a %Y-%m-%d %H:%M}.")
    if task.source_url:
        lines.append(f"Source message: {task.source_url}")
    lines += [f"{x.tracker}: {x.url or x.remote_id}" for x in details.links]
    if details.parent:
        lines.append(f"Part of {details.parent.ref} {details.parent.title}.")
    if details.blocked_by:
        lines.append("Waiting on " + ", ".join(f"{t.ref} {t.title}" for t in details.blocked_by) + ".")
    if details.recent:
        lines.append("Last changes: " + "; ".join(a.line for a in details.recent))
    return "\n".join(lines)


@service_errors
async def activity(
    ctx: RunContext[AgentDeps],
    task: str | None = None,
    person: str | None = None,
    project: str | None = None,
    since: str | None = None,
) -> str:
    """What changed, newest first, in words ("bob completed T-3 · 2 h ago"): "what changed today", "what did
    bob do this week", "history of T-3". Filters combine; none gives the whole workspace.

    Args:
        task: Only this task: "T-3" or its title.
        person: Only what this person did: a name, "@name" or "me".
        project: Only this project's tasks: its name or P-n.
        since: How far back, in plain words: "today", "yesterday", "this week", "2 days ago", "monday".
            Omit for the last 7 days.
    """
    deps = ctx.deps
    found = await deps.services.activity.history(
        deps.actor, task=task, person=person, project=project, since=since, limit=ACTIVITY_LIMIT
    )
    deps.turn.activity = list(found.lines)
    scope = "" if found.scope == "this workspace" else f" for {found.scope}"
    if not found.lines:
        return f"No changes{scope} {found.period.label}."
    n = len(found.lines)
    head = f"{n} change{'s' if n != 1 else ''}{scope} {found.period.label}, newest first:"
    return "\n".join([head, *[a.line for a in found.lines]])
