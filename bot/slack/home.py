"""The App Home tab: the user's open tasks, overdue first, with the same buttons as the cards."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.blocks import Block, context, section, task_card
from core.conversation.messages import TaskView
from core.conversation.views import task_views
from core.services import Actor, Services
from core.store import TaskSort

HOME_BLOCKS = 100  # Slack's limit for a Home tab view
HOME_CARDS = 30  # up to 3 blocks each


def home_view(tasks: list[TaskView], total: int) -> dict[str, object]:
    """The ``home`` view for ``tasks`` (already in display order)."""
    overdue = sum(1 for t in tasks if t.is_overdue)
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Your open tasks", "emoji": True}},
    ]
    if not tasks:
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


async def open_tasks(services: Services, actor: Actor) -> tuple[list[TaskView], int]:
    """The actor's open tasks, overdue first, then by due date (undated last)."""
    page = await services.tasks.list(actor, assignee="me", sort=TaskSort.due, limit=HOME_CARDS)
    views = await task_views(services.store, actor.workspace_id, page.items)
    # sorted() is stable: within each group the store's due-date order stays.
    return sorted(views, key=lambda t: not t.is_overdue), page.total


async def publish_home(client: AsyncWebClient, services: Services, actor: Actor, slack_user_id: str) -> None:
    """Render and publish the Home tab of one user."""
    tasks, total = await open_tasks(services, actor)
    await client.views_publish(user_id=slack_user_id, view=home_view(tasks, total))
