"""Persistent task buttons: Complete / Assign to me / Snooze, that keep working after a restart.

Each button's custom_id names the action, the workspace and the task
(``task:complete:discord:<guild>:<task_id>``), so any process can act on a click without remembering the
message. discord.py dispatches such ids through a ``DynamicItem`` whose template is registered once at startup
(``Client.add_dynamic_items``): the persistent-view mechanism meant for ids that vary per entity, since
``add_view`` only matches fixed ids.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import discord

from core.conversation.messages import TaskView

ACTIONS = ("complete", "assign", "snooze")
MAX_ROWS = 5  # Discord allows five action rows per message
TEMPLATE = (
    r"task:(?P<action>complete|assign|snooze|delete):(?P<workspace>discord:\d+):(?P<task>[0-9a-f]{1,64})"
)


def custom_id(action: str, workspace_id: str, task_id: str) -> str:
    return f"task:{action}:{workspace_id}:{task_id}"


@runtime_checkable
class ButtonHandler(Protocol):
    """Carries out a click; the client provides one (see buttons.py)."""

    async def press(
        self, interaction: discord.Interaction[Any], action: str, workspace_id: str, task_id: str
    ) -> None: ...


class TaskButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=TEMPLATE):
    """One action on one task; rebuilt by discord.py from the custom_id of any click."""

    def __init__(
        self, action: str, workspace_id: str, task_id: str, *, ref: str = "", row: int | None = None
    ):
        labels = {
            "complete": ("Complete{ref}", discord.ButtonStyle.success, "✅"),
            "assign": ("Assign{ref} to me", discord.ButtonStyle.primary, "🙋"),
            "snooze": ("Snooze{ref} 1 day", discord.ButtonStyle.secondary, "💤"),
            "delete": ("Delete{ref}", discord.ButtonStyle.danger, "🗑️"),
        }
        label, style, emoji = labels[action]
        super().__init__(
            discord.ui.Button(
                label=label.format(ref=f" {ref}" if ref else ""),
                style=style,
                emoji=emoji,
                custom_id=custom_id(action, workspace_id, task_id),
                row=row,
            )
        )
        self.action = action
        self.workspace_id = workspace_id
        self.task_id = task_id

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
            await handler.press(interaction, self.action, self.workspace_id, self.task_id)


def task_actions(tasks: Sequence[TaskView], workspace_id: str) -> discord.ui.View | None:
    """A row of buttons for each open task (at most five rows); None when nothing is open."""
    open_tasks = [t for t in tasks if t.is_open][:MAX_ROWS]
    if not open_tasks:
        return None
    view = discord.ui.View(timeout=None)
    show_ref = len(tasks) > 1  # on a list, say which task each row acts on
    for row, t in enumerate(open_tasks):
        for action in ACTIONS:
            view.add_item(TaskButton(action, workspace_id, t.id, ref=t.ref if show_ref else "", row=row))
    return view


def confirm_delete(tasks: Sequence[TaskView], workspace_id: str) -> discord.ui.View | None:
    """A Delete button per task the reply asks about: pressing it is the confirmation."""
    shown = [t for t in tasks if not t.deleted][:MAX_ROWS]
    if not shown:
        return None
    view = discord.ui.View(timeout=None)
    show_ref = len(shown) > 1
    for row, t in enumerate(shown):
        view.add_item(TaskButton("delete", workspace_id, t.id, ref=t.ref if show_ref else "", row=row))
    return view
