"""Before a command runs, every value in it is resolved at the turn's moment: due phrases become dates."""

from __future__ import annotations

import dataclasses
from typing import TypeVar

from core.dates import parse_due
from core.quickadd_commands import DuePhrase
from core.services import Actor

C = TypeVar("C")


def resolved(command: C, actor: Actor) -> C:
    """``command`` with any ``DuePhrase`` replaced by the date it means for ``actor`` now."""
    if not dataclasses.is_dataclass(command) or isinstance(command, type):
        return command
    due = getattr(command, "due", None)
    if isinstance(due, DuePhrase):
        value = parse_due(due.text, actor.user.timezone, now=actor.now()) if due.text.strip() else None
        return dataclasses.replace(command, due=value)  # type: ignore[type-var]
    return command
