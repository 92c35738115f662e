"""The "Create task" modal: building it from a message and reading its submitted values."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.slack.blocks import Block, context
from core.dates import Due

CALLBACK_ID = "create_task_modal"
TITLE_BLOCK, TITLE_ACTION = "title", "title_input"
NOTES_BLOCK, NOTES_ACTION = "notes", "notes_input"
DUE_BLOCK, DUE_ACTION = "due", "due_input"
ASSIGNEE_BLOCK, ASSIGNEE_ACTION = "assignee", "assignee_input"
TITLE_MAX = 250  # plain_text_input allows 3000; a task title longer than this belongs in the notes


@dataclass(frozen=True)
class TaskForm:
    """What the person submitted."""

    title: str
    notes: str
    due: Due | None  # the date picker gives a date, so nothing is left to interpret
    assignee_slack_id: str | None
    source_url: str | None
    channel_id: str | None


def title_from(text: str) -> str:
    """A title suggestion: the message's first non-empty line, shortened."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first if len(first) <= TITLE_MAX else first[: TITLE_MAX - 1] + "…"


def _input(block_id: str, label: str, element: Block, *, optional: bool = False) -> Block:
    return {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": label},
        "element": element,
        "optional": optional,
    }


def task_modal(text: str, permalink: str | None, channel_id: str | None) -> dict[str, Any]:
    """The modal, prefilled with the message text; the permalink rides along in private_metadata."""
    title: Block = {"type": "plain_text_input", "action_id": TITLE_ACTION, "max_length": TITLE_MAX}
    if title_from(text):
        title["initial_value"] = title_from(text)
    notes: Block = {"type": "plain_text_input", "action_id": NOTES_ACTION, "multiline": True}
    if text.strip():
        notes["initial_value"] = text.strip()[:3000]
    blocks: list[Block] = [
        _input(TITLE_BLOCK, "Title", title),
        _input(NOTES_BLOCK, "Notes", notes, optional=True),
        _input(DUE_BLOCK, "Due", {"type": "datepicker", "action_id": DUE_ACTION}, optional=True),
        _input(
            ASSIGNEE_BLOCK, "Assignee", {"type": "users_select", "action_id": ASSIGNEE_ACTION}, optional=True
        ),
    ]
    if permalink:
        blocks.append(context(f"From <{permalink}|this message>"))
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": {"type": "plain_text", "text": "Create task"},
        "submit": {"type": "plain_text", "text": "Create"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": json.dumps({"source_url": permalink, "channel_id": channel_id}),
        "blocks": blocks,
    }


def _value(values: dict[str, Any], block_id: str, action_id: str) -> dict[str, Any]:
    found = (values.get(block_id) or {}).get(action_id) or {}
    return found if isinstance(found, dict) else {}


def read_form(view: dict[str, Any]) -> TaskForm:
    """The submitted values of the modal (``view`` from a view_submission payload)."""
    values = (view.get("state") or {}).get("values") or {}
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        meta = {}
    picked = _value(values, DUE_BLOCK, DUE_ACTION).get("selected_date")
    return TaskForm(
        title=str(_value(values, TITLE_BLOCK, TITLE_ACTION).get("value") or ""),
        notes=str(_value(values, NOTES_BLOCK, NOTES_ACTION).get("value") or ""),
        due=Due(date.fromisoformat(picked)) if picked else None,
        assignee_slack_id=_value(values, ASSIGNEE_BLOCK, ASSIGNEE_ACTION).get("selected_user") or None,
        source_url=meta.get("source_url") if isinstance(meta, dict) else None,
        channel_id=meta.get("channel_id") if isinstance(meta, dict) else None,
    )
