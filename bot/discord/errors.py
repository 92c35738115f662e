"""Failures the Discord adapter itself can meet before the core runs, and how any failure is shown.

The core's ``failure_reply`` is the one place an exception becomes words (with an incident id for the
unexpected ones); this module only names the adapter's own error and renders the reply as a message text.
"""

from __future__ import annotations

from bot.discord.embeds import render
from core.conversation.failures import failure_reply
from core.errors import OrchestratorError


class NoWorkspace(OrchestratorError):
    """A DM or command from someone whose workspace cannot be told (no shared server, or several)."""


def failure_text(exc: BaseException, what: str) -> str:
    """The message content for ``exc``: never a stack trace."""
    return render(failure_reply(exc, what)).content
