"""A cheap task-type classifier (no LLM call): keywords and shape of the message pick the routing rule."""

from __future__ import annotations

import re
from enum import StrEnum


class TaskType(StrEnum):
    complex_reasoning = "complex_reasoning"
    quick_tasks = "quick_tasks"
    code_generation = "code_generation"
    cost_optimized = "cost_optimized"


_CODE = re.compile(
    r"```|\b(code|script|regex|regexp|sql|query|python|javascript|typescript|bash|json|yaml|function|snippet"
    r"|stack ?trace|compile|refactor)\b",
    re.IGNORECASE,
)
_REASONING = re.compile(
    r"\b(plan|planning|prioriti[sz]e|priorities|break (it |this )?down|strategy|roadmap|trade-?offs?|why"
    r"|analy[sz]e|analysis|compare|estimate|schedule my|organi[sz]e|what should i|recommend|risks?)\b",
    re.IGNORECASE,
)
_LONG = 280  # characters; long, multi-part requests need a stronger model


def classify(text: str) -> TaskType:
    """The task type of one message: code, reasoning-heavy, or quick (the default)."""
    if _CODE.search(text):
        return TaskType.code_generation
    sentences = len([s for s in re.split(r"[.!?\n]+", text) if s.strip()])
    if _REASONING.search(text) or len(text) > _LONG or sentences > 3:
        return TaskType.complex_reasoning
    return TaskType.quick_tasks
