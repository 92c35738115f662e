"""Persistent task buttons: Complete / Assign to me / Snooze (and Delete to confirm), that keep working after
a restart.

Each button's custom_id names the action, the workspace and the task by its ref
(``task:complete:discord:<guild>:T-3``), so any process can act on a click without remembering the message.
Buttons of older messages name the task by its id instead; they still match (see ``button_task``).
discord.py dispatches such ids through a ``DynamicItem`` whose template is registered once at startup
(``Client.add_dynamic_items``): the persistent-view mechanism meant for ids that vary per entity, since
``add_view`` only matches fixed ids.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from string import hexdigits
from typing import Any, Protocol, runtime_checkable

import discord

from core.conversation.messages import TaskView
from core.refs import TASK_REF_PATTERN, format_task, task_number
from core.schedule.notify import ReminderAction

ACTIONS = ("complete", "assign", "snooze")
MAX_ROWS = 5  # Discord allows five action rows per message
# The task is a ref (T-3) in current buttons, a lowercase hex task id in buttons sent before refs were used.
TEMPLATE = (
    r"task:(?P<action>complete|assign|snooze|delete|complete_all|cancel):(?P<workspace>discord:\d+):"
    rf"(?P<task>{TASK_REF_PATTERN}|[0-9a-f]{{1,64}})"
)
_LABELS = {
    "complete": ("Complete{ref}", discord.ButtonStyle.success, "✅"),
    "assign": ("Assign{ref} to me", discord.ButtonStyle.primary, "🙋"),
    "snooze": ("Snooze{ref} 1 day", discord.ButtonStyle.secondary, "💤"),
    "delete": ("Delete{ref}", discord.ButtonStyle.danger, "🗑️"),
    # the answers to "T-3 has 2 open subtasks: complete them too?"
    "complete_all": ("Complete all", discord.ButtonStyle.success, "✅"),
    "cancel": ("Cancel", discord.ButtonStyle.secondary, "✖️"),
}


def custom_id(action: str, workspace_id: str, task: str) -> str:
    """``task:<action>:<workspace>:<T-3>``."""
    return f"task:{action}:{workspace_id}:{task}"


def button_task(task: str) -> int | None:
    """The task number a button names; None for an older button that names a task id."""
    if all(c in hexdigits for c in task):
        return None
    return task_number(task)


@runtime_checkable
class ButtonHandler(Protocol):
    """Carries out a click; the client provides one (see buttons.py)."""

    async def press(
        self, interaction: discord.Interaction[Any], action: str, workspace_id: str, task: str
    ) -> None: ...


class TaskButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=TEMPLATE):
    """One action on one task; rebuilt by discord.py from the custom_id of any click."""

    def __init__(
        self,
        action: str,
        workspace_id: str,
        task: str,
        *,
        ref: str = "",
        row: int | None = None,
        label: str | None = None,
    ):
        text, style, emoji = _LABELS[action]
        super().__init__(
            discord.ui.Button(
                label=label or text.format(ref=f" {ref}" if ref else ""),
                style=style,
                emoji=emoji,
                custom_id=custom_id(action, workspace_id, task),
                row=row,
            )
        )
        self.action = action
        self.workspace_id = workspace_id
        self.task = task

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> TaskButton:
        return cls(match["action"], match["workspace"], match["task"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        handler = getattr(interaction.client, "button_handler", None)
        if isinstance(handler, ButtonHandler):
            await handler.press(interaction, self.action, self.workspace_id, self.task)


def _number(view: TaskView) -> str:
    number = task_number(view.ref)
    return format_task(number) if number is not None else view.ref


def _task_row(view: discord.ui.View, task: TaskView, workspace_id: str, row: int, show_ref: bool) -> None:
    for action in ACTIONS:
        ref = task.ref if show_ref else ""
        view.add_item(TaskButton(action, workspace_id, _number(task), ref=ref, row=row))


def task_actions(tasks: Sequence[TaskView], workspace_id: str) -> discord.ui.View | None:
    """A row of buttons for each open task (at most five rows); None when nothing is open."""
    open_tasks = [t for t in tasks if t.is_open][:MAX_ROWS]
    if not open_tasks:
        return None
    view = discord.ui.View(timeout=None)
    show_ref = len(tasks) > 1  # on a list, say which task each row acts on
    for row, t in enumerate(open_tasks):
        _task_row(view, t, workspace_id, row, show_ref)
    return view


def confirm_delete(tasks: Sequence[TaskView], workspace_id: str) -> discord.ui.View | None:
    """A Delete button per task the reply asks about: pressing it is the confirmation."""
    shown = [t for t in tasks if not t.deleted][:MAX_ROWS]
    if not shown:
        return None
    view = discord.ui.View(timeout=None)
    show_ref = len(shown) > 1
    for row, t in enumerate(shown):
        ref = t.ref if show_ref else ""
        view.add_item(TaskButton("delete", workspace_id, _number(t), ref=ref, row=row))
    return view


def confirm_complete_all(tasks: Sequence[TaskView], workspace_id: str) -> discord.ui.View | None:
    """Complete all / Cancel for the parent a reply asks to complete with its open subtasks."""
    if not tasks:
        return None
    view = discord.ui.View(timeout=None)
    for action in ("complete_all", "cancel"):
        view.add_item(TaskButton(action, workspace_id, _number(tasks[0]), row=0))
    return view


def redrawn_actions(
    rows: Sequence[discord.Component], clicked: str, task: TaskView, workspace_id: str
) -> discord.ui.View | None:
    """A message's buttons after a click: the clicked row drawn fresh for ``task`` (gone once it is closed
    or deleted), every other row as it was."""
    view = discord.ui.View(timeout=None)
    for row, component in enumerate(rows[:MAX_ROWS]):
        buttons = [b for b in getattr(component, "children", []) if isinstance(b, discord.Button)]
        if any(b.custom_id == clicked for b in buttons):
            if task.is_open:
                show_ref = any(task.ref in (b.label or "") for b in buttons)
                _task_row(view, task, workspace_id, row, show_ref)
            continue
        for button in buttons:
            match = TaskButton.__discord_ui_compiled_template__.fullmatch(button.custom_id or "")
            if match is not None:
                view.add_item(
                    TaskButton(
                        match["action"], match["workspace"], match["task"], row=row, label=button.label
                    )
                )
    return view if view.children else None


# -- the reminder card's buttons (the scheduler's notices, bot/discord/notify.py) ---------------------------

REMINDER_TEMPLATE = (
    r"remind:(?P<action>complete|snooze_1h|snooze_tomorrow|snooze_next_week|open):"
    rf"(?P<workspace>discord:\d+):(?P<task>{TASK_REF_PATTERN})"
)
_REMINDER_LABELS: dict[ReminderAction, tuple[str, discord.ButtonStyle, str]] = {
    ReminderAction.complete: ("Complete", discord.ButtonStyle.success, "✅"),
    ReminderAction.snooze_hour: ("Snooze 1 hour", discord.ButtonStyle.secondary, "💤"),
    ReminderAction.snooze_tomorrow: ("Tomorrow", discord.ButtonStyle.secondary, "💤"),
    ReminderAction.snooze_week: ("Next week", discord.ButtonStyle.secondary, "💤"),
    ReminderAction.open: ("Open", discord.ButtonStyle.primary, "🔎"),
}


@runtime_checkable
class ReminderHandler(Protocol):
    """Carries out a click on a reminder card (buttons.py)."""

    async def remind(
        self, interaction: discord.Interaction[Any], action: ReminderAction, workspace_id: str, task: str
    ) -> None: ...


class ReminderButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=REMINDER_TEMPLATE):
    """One reminder action on one task: ``remind:<action>:<workspace>:<T-3>``, valid after a restart."""

    def __init__(self, action: ReminderAction, workspace_id: str, task: str) -> None:
        label, style, emoji = _REMINDER_LABELS[action]
        super().__init__(
            discord.ui.Button(
                label=label,
                style=style,
                emoji=emoji,
                custom_id=f"remind:{action.value}:{workspace_id}:{task}",
                row=0,
            )
        )
        self.action = action
        self.workspace_id = workspace_id
        self.task = task

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> ReminderButton:
        return cls(ReminderAction(match["action"]), match["workspace"], match["task"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        handler = getattr(interaction.client, "button_handler", None)
        if isinstance(handler, ReminderHandler):
            await handler.remind(interaction, self.action, self.workspace_id, self.task)


def reminder_actions(workspace_id: str, task_ref: str) -> discord.ui.View:
    """Complete / Snooze 1 hour / Tomorrow / Next week / Open, in one row."""
    view = discord.ui.View(timeout=None)
    for action in _REMINDER_LABELS:
        view.add_item(ReminderButton(action, workspace_id, task_ref))
    return view
