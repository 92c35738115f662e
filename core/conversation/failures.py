"""Every failure of a turn becomes a Reply here, once for all surfaces: never a stack trace in a chat."""

from __future__ import annotations

import logging
import uuid

from core.conversation.messages import Reply, ReplyKind
from core.errors import OrchestratorError

log = logging.getLogger(__name__)


def failure_reply(exc: BaseException, what: str) -> Reply:
    """The core's message for ``exc``; anything unexpected is logged under an incident id the user can quote.

    Only the exception type and traceback are logged, never the payload: it may carry tokens or messages.
    """
    if isinstance(exc, OrchestratorError):
        return Reply.from_error(exc)
    incident = uuid.uuid4().hex[:8]
    log.error("%s failed (incident %s)", what, incident, exc_info=exc)
    return Reply(
        f"Something went wrong on my side (incident {incident}). Please try again in a moment.",
        kind=ReplyKind.error,
    )
