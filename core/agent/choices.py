"""A question with one answer ("Did you mean T-8 'Book the venue'?") that a bare `yes` can carry out.

The parser's single choice becomes the same queued op the agent's bulk changes use
(core/conversation/pending.py), so `yes` runs it through the services, audited and undoable.
"""

from __future__ import annotations

from typing import Any

from core import refs
from core.conversation.pending import UPDATE_FIELDS
from core.understanding.calls import Call

_SIMPLE = {
    "complete_task": "complete",
    "reopen_task": "reopen",
    "delete_task": "delete",
    "restore_task": "restore",
}
_NONE = ("none", "nobody", "")


def confirmable(call: Call) -> dict[str, Any] | None:
    """The queued op that does what ``call`` would, or None for calls that only read or are not built."""
    numbers = refs.task_numbers(str(call.args.get("ref", "")))
    if not numbers:
        return None
    if call.tool in _SIMPLE:
        return {"op": _SIMPLE[call.tool], "numbers": numbers}
    if call.tool == "assign_task":
        who = str(call.args.get("assignee", "none"))
        return {"op": "assign", "numbers": numbers, "assignee": None if who.lower() in _NONE else who}
    if call.tool == "update_task":
        if set(call.args) - {"ref", *UPDATE_FIELDS}:
            return None  # an estimate: not built yet
        changes = {
            k: (None if k in ("project", "due") and str(v).lower() in _NONE else v)
            for k, v in call.args.items()
            if k != "ref"
        }
        return {"op": "update", "numbers": numbers, "changes": changes} if changes else None
    return None
