"""Replies to the structure commands: blockers (`T-5 blocks T-3`, `unblock`), `list blocked` / `list ready`,
and completing: `took 3h`, "T-3 is ready now (@bob)", and the question a parent with open subtasks asks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.conversation.messages import Reply, ReplyKind
from core.conversation.views import next_note, task_views
from core.models import Task
from core.quickadd_commands import BlockTask, CompleteTask, ListTasks, UnblockTask
from core.refs import format_tasks
from core.services import Actor, Services

STRUCTURE_COMMANDS = (BlockTask, UnblockTask)
COMPLETE_TREE = "complete_tree"  # the pending action of "complete them too?"
CONFIRM_COMPLETE_ALL = "complete_all"  # ``Reply.confirm_action``: platforms offer Complete all / Cancel

Outcome = tuple[Reply, dict[str, Any] | None]


async def _reply(
    services: Services, actor: Actor, text: str, tasks: Sequence[Task], kind: ReplyKind
) -> Reply:
    views = await task_views(services.store, actor.workspace_id, tasks)
    return Reply(text, kind=kind, tasks=views)


async def run_structure(services: Services, actor: Actor, command: BlockTask | UnblockTask) -> Reply:
    """`T-5 blocks T-3`, `T-3 after T-5`, `unblock T-3 [from T-5]`."""
    if isinstance(command, BlockTask):
        blocked = await services.structure.block(actor, command.blocker, command.blocked)
        text = f"T-{command.blocker} now blocks {blocked.ref}: {blocked.ref} waits until it is done."
        return await _reply(services, actor, text, [blocked], ReplyKind.success)
    task = await services.structure.unblock(actor, command.number, command.blocker)
    which = f"T-{command.blocker} no longer blocks" if command.blocker else "Nothing blocks"
    return await _reply(services, actor, f"{which} {task.ref} now.", [task], ReplyKind.success)


async def list_state(services: Services, actor: Actor, command: ListTasks) -> Reply:
    """`list blocked` (each with what blocks it) and `list ready` (open, nothing open blocking it)."""
    project_id = (await services.resolve.project(actor, command.project)).id if command.project else None
    if command.state == "blocked":
        found, total = await services.structure.blocked_page(
            actor, project_id=project_id, limit=command.limit
        )
        tasks = [b.task for b in found]
        if not tasks:
            return Reply("Nothing is blocked. Link tasks with `T-5 blocks T-3`.", kind=ReplyKind.info)
        text = f"{total} blocked task{'s' if total != 1 else ''}:"
    else:
        tasks, total = await services.structure.ready_page(actor, project_id=project_id, limit=command.limit)
        if not tasks:
            return Reply("No open task is ready: everything waits on something.", kind=ReplyKind.info)
        text = f"{total} task{'s' if total != 1 else ''} ready to start:"
    reply = await _reply(services, actor, text, tasks, ReplyKind.info)
    reply.total = total
    return reply


def ready_note(ready: Sequence[Task], names: dict[str, str]) -> str:
    """ "T-3 is ready now (@bob)." for each task a completion unblocked ("" for none)."""
    parts = []
    for t in ready:
        who = f" (@{names[t.assignee_id]})" if t.assignee_id and t.assignee_id in names else ""
        parts.append(f"{t.ref} is ready now{who}.")
    return " ".join(parts)


async def complete(services: Services, actor: Actor, c: CompleteTask) -> Outcome:
    """Complete tasks; a parent with open subtasks asks first unless ``with_subtasks`` says to close them."""
    if not c.with_subtasks:
        for number in c.numbers:
            task = await services.tasks.get(actor, number)
            if not task.is_open:
                continue
            below = await services.structure.open_subtasks(actor, task)
            if below:
                n = len(below)
                text = (
                    f"{task.ref} has {n} open subtask{'s' if n != 1 else ''}: complete "
                    f"{'them' if n != 1 else 'it'} too? Reply `yes` to complete all or `no` to cancel."
                )
                reply = await _reply(services, actor, text, [task, *below], ReplyKind.confirm)
                reply.confirm_action = CONFIRM_COMPLETE_ALL
                pending = {"action": COMPLETE_TREE, "numbers": list(c.numbers), "took": c.took_minutes}
                return reply, pending
    return await complete_now(services, actor, list(c.numbers), c.took_minutes, c.with_subtasks), None


async def complete_now(
    services: Services, actor: Actor, numbers: list[int], took: int | None, with_subtasks: bool
) -> Reply:
    """Complete now (with every open subtask when asked), record the time taken, and say who can start."""
    if with_subtasks:
        finished = await services.structure.complete_with_subtasks(actor, numbers)
    else:
        finished = await services.tasks.complete_all(actor, numbers)
    asked = set(numbers)  # the tasks asked for first (a button redraws the first one), then their subtasks
    tasks = sorted(finished.tasks, key=lambda t: t.number not in asked)
    if took is not None:
        timed = {t.number: t for t in [await services.structure.took(actor, n, took) for n in numbers]}
        tasks = [timed.get(t.number, t) for t in tasks]
    users = {u.id: u.label for u in await services.store.users.list(actor.workspace_id)}
    following = next_note(finished.following)
    done = f"Completed {format_tasks(numbers)}"
    if with_subtasks and len(tasks) > len(numbers):
        done += f" and {len(tasks) - len(numbers)} subtask{'s' if len(tasks) - len(numbers) != 1 else ''}"
    text = " ".join(filter(None, [f"{done}. Nice work!", following, ready_note(finished.ready, users)]))
    reply = await _reply(services, actor, text, tasks, ReplyKind.success)
    reply.next_up = following
    return reply


async def confirm_tree(services: Services, actor: Actor, pending: dict[str, Any]) -> Reply:
    """The `yes` to "complete them too?"."""
    took = pending.get("took")
    numbers = [int(n) for n in pending.get("numbers", [])]
    return await complete_now(services, actor, numbers, int(took) if took else None, True)
