"""The App Home tab: the user's open tasks, overdue first, with the same buttons as the cards, and the
daily digest switch.

Its list is the answer to a read command (``ListTasks(assignee="me")``) run through the core like any other;
the digest's buttons run ``Digest(on=True, when=DIGEST_DEFAULT)`` / ``Digest(on=False)`` (actions.py).
"""

from __future__ import annotations

import logging

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.blocks import Block, button, context, escape, fallback_text, section, task_card
from bot.slack.deps import SlackDeps
from core.conversation.messages import IncomingMessage, TaskView
from core.models import ScheduleKind, utcnow
from core.quickadd_commands import ListTasks
from core.schedule.digests import digest_label

log = logging.getLogger(__name__)

HOME_BLOCKS = 100  # Slack's limit for a Home tab view
HOME_CARDS = 30  # up to 3 blocks each
DIGEST_ON = "home_digest_on"
DIGEST_OFF = "home_digest_off"
DIGEST_DEFAULT = "8:30 weekdays"


def digest_blocks(rule: str | None) -> list[Block]:
    """The digest switch: its state (``rule`` when it is on) and the button that flips it."""
    if rule is None:
        text = ":newspaper: *Daily digest* is off: what is due, overdue and newly yours, each morning."
        flip = button(f"Turn on ({DIGEST_DEFAULT})", DIGEST_ON, DIGEST_DEFAULT, style="primary")
    else:
        text = f":newspaper: *Daily digest* is on: {escape(rule)}."
        flip = button("Turn off", DIGEST_OFF, "off")
    block = section(text, "digest")
    block["accessory"] = flip
    return [{"type": "divider"}, block]


def home_view(
    tasks: list[TaskView],
    total: int,
    *,
    problem: str | None = None,
    digest: list[Block] | None = None,
) -> dict[str, object]:
    """The ``home`` view for ``tasks`` (already in display order), or the ``problem`` that kept them away;
    ``digest`` (``digest_blocks``) goes under them."""
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
    blocks += digest or []
    blocks.append(context("Type `/task help` for every command, or just message me."))
    return {"type": "home", "callback_id": "home", "blocks": blocks[:HOME_BLOCKS]}


def in_display_order(tasks: list[TaskView]) -> list[TaskView]:
    """Overdue first; sorted() is stable, so within each group the core's due-date order stays."""
    return sorted(tasks, key=lambda t: not t.is_overdue)


async def publish_home(client: AsyncWebClient, deps: SlackDeps, ctx: IncomingMessage) -> None:
    """Ask the core for ``ctx``'s open tasks and publish them as that person's Home tab."""
    try:
        digest: list[Block] | None = digest_blocks(await digest_rule(deps, ctx))
    except Exception:  # the tab still shows the tasks without the switch
        log.exception("the Home tab could not read the digest setting")
        digest = None
    reply = await deps.run(client, ctx, ListTasks(assignee="me", limit=HOME_CARDS))
    if reply.is_error:
        log.warning("the Home tab shows an error instead of tasks")
        view = home_view([], 0, problem=fallback_text(reply), digest=digest)
    else:
        tasks = in_display_order(reply.tasks)
        view = home_view(tasks, reply.total if reply.total is not None else len(tasks), digest=digest)
    await client.views_publish(user_id=ctx.user_id, view=view)


async def digest_rule(deps: SlackDeps, ctx: IncomingMessage) -> str | None:
    """The person's active digest in words ("every weekday 8:30am, next tomorrow at 8:30"), or None.

    A read of the store, not a turn: drawing the tab must not write anything (no user row, no audit)."""
    store = deps.services.store
    person = await store.users.find_by_field(ctx.workspace_id, "slack_user_id", ctx.user_id)
    if person is None:
        return None
    rows = await store.schedules.list(
        ctx.workspace_id, user_id=person.id, kinds=[ScheduleKind.digest], active=True, limit=1
    )
    return digest_label(rows[0], utcnow()) if rows else None
