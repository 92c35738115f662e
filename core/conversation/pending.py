"""Changes queued for the user's `yes`: the agent's deletes and bulk changes (quick-add deletes use their own
`delete_tasks` action in commands.py). Kept as plain JSON on ``Conversation.pending_action``.

A batch is ``{"action": "batch", "ops": [op, ...]}``; an op is one of
``{"op": "delete"|"complete"|"reopen"|"restore", "numbers": [3, 4]}``,
``{"op": "assign", "numbers": [3], "assignee": "sam"|None}`` or
``{"op": "update", "numbers": [3], "changes": {"due": "fri", ...}}`` (TaskService.update keywords).
"""

from __future__ import annotations

from typing import Any

from core.conversation.messages import Reply, ReplyKind
from core.conversation.views import task_views
from core.models import Surface, Task
from core.services import Actor, Services

BATCH = "batch"
UPDATE_FIELDS = (
    "title",
    "description",
    "project",
    "due",
    "priority",
    "status",
    "add_tags",
    "remove_tags",
    "repeat",
)


def _refs(numbers: list[int]) -> str:
    return ", ".join(f"T-{n}" for n in numbers)


def describe_op(op: dict[str, Any]) -> str:
    """`delete T-3, T-4`, `assign T-3 to @sam`, `update T-3 (due: fri)`."""
    refs = _refs([int(n) for n in op.get("numbers", [])])
    kind = op.get("op")
    if kind == "assign":
        who = op.get("assignee")
        return f"assign {refs} to @{who}" if who else f"unassign {refs}"
    if kind == "update":
        fields = ", ".join(f"{k}: {v if v is not None else 'none'}" for k, v in op.get("changes", {}).items())
        return f"update {refs} ({fields})"
    return f"{kind} {refs}"


async def run_batch(services: Services, actor: Actor, pending: dict[str, Any]) -> Reply:
    """Carry out every queued op in order; each one is audited (and undoable) like the same command."""
    actor = actor.via(Surface.agent)  # only the agent queues batches; the audit says so
    touched: dict[str, Task] = {}
    done: list[str] = []
    for op in pending.get("ops", []):
        numbers = [int(n) for n in op.get("numbers", [])]
        kind = op.get("op")
        tasks: list[Task]
        if kind == "delete":
            tasks = await services.tasks.delete(actor, numbers)
        elif kind == "complete":
            tasks = list(await services.tasks.complete(actor, numbers))
        elif kind == "reopen":
            tasks = list(await services.tasks.reopen_all(actor, numbers))
        elif kind == "restore":
            tasks = list(await services.tasks.restore_all(actor, numbers))
        elif kind == "assign":
            tasks = [await services.tasks.assign(actor, n, op.get("assignee")) for n in numbers]
        elif kind == "update":
            changes = {k: v for k, v in op.get("changes", {}).items() if k in UPDATE_FIELDS}
            tasks = [await services.tasks.update(actor, n, **changes) for n in numbers]
        else:
            continue
        for task in tasks:
            touched[task.id] = task
        done.append(describe_op(op))
    if not done:
        return Reply("That confirmation has expired; please ask again.", kind=ReplyKind.info)
    text = "Done: " + "; ".join(done) + "."
    if any(op.get("op") == "delete" for op in pending.get("ops", [])):
        text += " `restore T-n` brings a deleted task back."
    views = await task_views(services.store, actor.workspace_id, list(touched.values()))
    return Reply(text, kind=ReplyKind.success, tasks=views)
