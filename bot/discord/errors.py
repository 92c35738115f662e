"""Exceptions → a short message a Discord user can act on; never a stack trace in the chat."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable

from core.conversation.messages import Reply, ReplyKind
from core.errors import OrchestratorError

log = logging.getLogger(__name__)


class NoWorkspace(OrchestratorError):
    """A DM or command from someone whose workspace cannot be told (no shared server, or several)."""


def error_reply(exc: OrchestratorError) -> Reply:
    """The core's message, with the hint or usage line under it."""
    return Reply.from_error(exc)


def incident_reply(what: str) -> Reply:
    """Log the current exception under a short id and tell the user that id."""
    incident = uuid.uuid4().hex[:8]
    log.exception("unexpected error in %s (incident %s)", what, incident)
    return Reply(
        f"Something went wrong on my side (incident {incident}). Please try again in a moment.",
        kind=ReplyKind.error,
    )


async def guarded(what: str, work: Callable[[], Awaitable[Reply]]) -> Reply:
    """Run ``work``; any failure becomes an error Reply instead of an exception."""
    try:
        return await work()
    except OrchestratorError as exc:
        return error_reply(exc)
    except Exception:
        return incident_reply(what)
