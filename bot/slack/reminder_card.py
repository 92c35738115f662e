"""A scheduler notice as Block Kit: the reply drawn as usual, and on a reminder card the reminder's own
buttons (Complete, Snooze 1 hour / Tomorrow / Next week, Open) in place of the task card's buttons.

The buttons carry the task ref in ``value``; the action id says what to do (bot/slack/actions.py).
"""

from __future__ import annotations

from typing import Any

from bot.slack import blocks
from bot.slack.blocks import Block
from core.schedule.notify import SNOOZE_LABELS, Notice, ReminderAction

# action id → what the button does; one id per button so a click needs no extra state
REMINDER_ACTIONS: dict[str, ReminderAction] = {
    "reminder_complete": ReminderAction.complete,
    "reminder_snooze_1h": ReminderAction.snooze_hour,
    "reminder_snooze_tomorrow": ReminderAction.snooze_tomorrow,
    "reminder_snooze_next_week": ReminderAction.snooze_week,
    "reminder_open": ReminderAction.open,
}
ACTION_IDS = {action: action_id for action_id, action in REMINDER_ACTIONS.items()}


def reminder_buttons(ref: str) -> Block:
    """The actions block of a reminder card; its block id is the card's, so the card can be replaced whole."""
    elements = [blocks.button("Complete", ACTION_IDS[ReminderAction.complete], ref, style="primary")]
    for action, label in SNOOZE_LABELS.items():
        text = f"Snooze {label.lower()}" if action is ReminderAction.snooze_hour else label
        elements.append(blocks.button(f":zzz: {text}", ACTION_IDS[action], ref))
    elements.append(blocks.button("Open", ACTION_IDS[ReminderAction.open], ref))
    return {"type": "actions", "block_id": f"{blocks.card_id(ref)}:actions", "elements": elements}


def notice_message(notice: Notice) -> tuple[str, list[Block]]:
    """``(text, blocks)`` of a notice: the reply's usual rendering; with the reminder buttons when it has
    them (replacing the card's Complete / Assign / Snooze +1 day row, or added under the card)."""
    text, rendered = blocks.render(notice.reply)
    if not notice.has_buttons or notice.task_ref is None:
        return text, rendered
    actions_id = f"{blocks.card_id(notice.task_ref)}:actions"
    kept = [b for b in rendered if b.get("block_id") != actions_id]
    at = next(
        (i + 1 for i, b in enumerate(kept) if b.get("block_id") == blocks.card_id(notice.task_ref)), len(kept)
    )
    kept.insert(at, reminder_buttons(notice.task_ref))
    return text, kept[: blocks.MESSAGE_BLOCKS]


def without_reminder_buttons(old: list[Block], ref: str, note: str) -> list[Block]:
    """A clicked reminder message: its reminder buttons gone and ``note`` (what happened) in their place."""
    out: list[Block] = []
    placed = False
    for block in old:
        if block.get("type") == "actions" and _is_reminder_row(block):
            out.append(blocks.context(note, f"{blocks.card_id(ref)}:note"))
            placed = True
            continue
        if block.get("block_id") == f"{blocks.card_id(ref)}:note":
            continue  # an earlier note (a snooze clicked twice): the new one replaces it
        out.append(block)
    if not placed:
        out.append(blocks.context(note, f"{blocks.card_id(ref)}:note"))
    return out


def _is_reminder_row(block: dict[str, Any]) -> bool:
    return any(str(e.get("action_id", "")) in REMINDER_ACTIONS for e in block.get("elements") or [])
