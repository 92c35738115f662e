"""What a Slack user sees when something fails: one short line, never a stack trace."""

from __future__ import annotations

import logging
import uuid

from core.errors import OrchestratorError

log = logging.getLogger(__name__)


def failure_text(exc: BaseException, what: str) -> str:
    """The message for ``exc``; unexpected errors are logged with an incident id the user can quote."""
    if isinstance(exc, OrchestratorError):
        return f":warning: {exc}"
    incident = uuid.uuid4().hex[:8]
    # Log the exception type and traceback, not the payload: it may carry tokens or people's messages.
    log.error("%s failed (incident %s)", what, incident, exc_info=exc)
    return f":warning: Something went wrong on my side (incident {incident}). Please try again in a moment."
