"""What a Slack user sees when something fails outside the core's turn (a Slack API call, a profile lookup):
the core's own failure reply (core/conversation/failures.py), rendered as one short line, never a trace."""

from __future__ import annotations

from bot.slack.blocks import fallback_text
from core.conversation.failures import failure_reply


def failure_text(exc: BaseException, what: str) -> str:
    """``failure_reply(exc, what)`` as Slack text (``:warning:`` and the message, or an incident id)."""
    return fallback_text(failure_reply(exc, what))
