"""Keeping the tools safe: service errors become ModelRetry; deletes and bulk changes wait for a yes.

Deleting, and changing more than ``BULK_LIMIT`` existing tasks in one message, queue the work on the
conversation (``Conversation.pending_action``, run by core/conversation/pending.py on the user's ``yes``)
instead of doing it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from pydantic_ai import ModelRetry, RunContext

from core.agent.deps import AgentDeps
from core.conversation.pending import BATCH, describe_op
from core.errors import ConfigurationError, OrchestratorError, StorageError

BULK_LIMIT = 3  # existing tasks one message may change before the user has to confirm

P = ParamSpec("P")
R = TypeVar("R")


def service_errors(fn: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Record the call and turn service errors into ModelRetry, so the model can fix its arguments."""

    @wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        ctx = args[0]
        assert isinstance(ctx, RunContext)
        turn = ctx.deps.turn
        turn.tool_calls.append(fn.__name__)
        try:
            return await fn(*args, **kwargs)
        except (StorageError, ConfigurationError):
            raise  # not the model's to fix: the handler answers with the error's own message
        except OrchestratorError as exc:
            turn.errors.append(f"{fn.__name__}: {exc}")
            raise ModelRetry(str(exc)) from exc

    return wrapper


async def queue_or_check(deps: AgentDeps, op: dict[str, Any], numbers: Sequence[int]) -> str | None:
    """Queue ``op`` for the user's yes if it deletes or changes too much; returns what to tell the model."""
    turn = deps.turn
    if op["op"] != "delete" and turn.changed + len(numbers) <= BULK_LIMIT:
        turn.changed += len(numbers)
        return None
    deleted = op["op"] == "restore"  # what a restore brings back is deleted now
    tasks = [await deps.services.tasks.get(deps.actor, n, include_deleted=deleted) for n in numbers]
    turn.touch(tasks)
    turn.queued.append(op)
    what = describe_op(op)
    pending = {"action": BATCH, "ops": list(turn.queued), "requested_by": deps.actor.user_id}
    deps.conversation.pending_action = pending
    return (
        f"Not done yet: this needs the user's confirmation ({what}). Tell them to reply `yes` to go ahead "
        "or `no` to cancel."
    )
