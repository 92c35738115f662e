"""What the parser answers: the agent tool calls to make, or a short question back to the user."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Call:
    """One agent tool call: the tool's name and its arguments, as an LLM would send them."""

    tool: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Question:
    """What the parser could not map with confidence: a short question, never a guess.

    ``choices`` are the calls each answer would make ("Did you mean T-4?" has one, "T-4 or T-7?" two), so a
    surface can offer them as buttons and a bare `yes` can take the only one.
    """

    text: str
    choices: tuple[Call, ...] = ()


# Tools the parser may name before the agent has them; the offline model says they are not available yet.
FUTURE_TOOLS: frozenset[str] = frozenset()

Understanding = list[Call] | Question | str | None
"""Tool calls; a Question; a text answer (a malformed command's message); None when not understood."""
