"""The App Home tab: the user's open tasks, overdue first, with the same buttons as the cards.

Its list is the answer to a read command (``ListTasks(assignee="me")``) run through the core like any other.
"""

from __future__ import annotations

import logging

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.blocks import Block, context, fallback_text, section, task_card
from bot.slack.deps import SlackDeps
from core.conversation.messages import IncomingMessage, TaskView
from core.quickadd_commands import ListTasks

log = logging.getLogger(__name__)

HOME_BLOCKS = 100  # Slack's limit for a Home tab view
HOME_CARDS = 30  # up to 3 blocks each


def home_view(tasks: list[TaskView], total: int, *, problem: str | None = None) -> dict[str, object]:
    """The ``home`` view for ``tasks`` (already in display order), or the ``problem`` that kept them away."""
    overdue = sum(1 for t in tasks if t.is_overdue)
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Your open tasks", "emoji": True}},
    ]
    if problem is not None:
        blocks.append(section(problem))
    elif not tasks:
        blocks.append(
            section(
                "Nothing is assigned to you. Create a task with `/task add Write report due fri`, "
                "or press *Assign to me* on any task card."
            )
        )
    else:
        summary = f"{total} open task{'s' if total != 1 else ''} assigned to you"
        if overdue:
            summary += f" · :rotating_light: {overdue} overdue"
        blocks.append(context(summary))
        blocks.append({"type": "divider"})
        for t in tasks[:HOME_CARDS]:
            blocks += task_card(t)
        if total > min(len(tasks), HOME_CARDS):
            shown = min(len(tasks), HOME_CARDS)
            blocks.append(context(f"Showing {shown} of {total}. `/task list mine` shows more."))
    blocks.append(context("Type `/task help` for every command, or just message me."))
    return {"type": "home", "callback_id": "home", "blocks": blocks[:HOME_BLOCKS]}


def in_display_order(tasks: list[TaskView]) -> list[TaskView]:
    """Overdue first; sorted() is stable, so within each group the core's due-date order stays."""
    return sorted(tasks, key=lambda t: not t.is_overdue)


async def publish_home(client: AsyncWebClient, deps: SlackDeps, ctx: IncomingMessage) -> None:
    """Ask the core for ``ctx``'s open tasks and publish them as that person's Home tab."""
    reply = await deps.run(client, ctx, ListTasks(assignee="me", limit=HOME_CARDS))
    if reply.is_error:
        log.warning("the Home tab shows an error instead of tasks")
        view = home_view([], 0, problem=fallback_text(reply))
    else:
        tasks = in_display_order(reply.tasks)
        view = home_view(tasks, reply.total if reply.total is not None else len(tasks))
    await client.views_publish(user_id=ctx.user_id, view=view)
