"""Task-card buttons: Complete, Assign to me, Snooze +1 day. The card is updated in place.

Cards in messages are replaced through the action's ``response_url`` (works for ephemeral replies too) or
chat.update; cards on the Home tab are refreshed by publishing the tab again.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.render_text import task_line
from bot.slack import blocks
from bot.slack.deps import SlackDeps
from bot.slack.errors import failure_text
from bot.slack.home import publish_home
from core.conversation.messages import TaskView
from core.conversation.views import task_views
from core.models import Surface, Task
from core.services import Actor

log = logging.getLogger(__name__)


async def _apply(deps: SlackDeps, actor: Actor, action_id: str, ref: str) -> tuple[Task, str]:
    """Run the button's service call; returns the changed task and a note for the card."""
    tasks = deps.services.tasks
    who = f"<@{actor.user.slack_user_id}>" if actor.user.slack_user_id else actor.user.label
    if action_id == blocks.COMPLETE:
        return (await tasks.complete(actor, [ref]))[0], f":white_check_mark: Completed by {who}"
    if action_id == blocks.ASSIGN_ME:
        return await tasks.assign(actor, ref, "me"), f":bust_in_silhouette: Assigned to {who}"
    if action_id == blocks.DELETE:
        [gone] = await tasks.delete(actor, [ref])
        return gone, f":wastebasket: Deleted by {who}; `/task restore {gone.ref}` brings it back"
    task = await tasks.snooze(actor, ref, days=1)
    return task, f":zzz: Snoozed by {who}"


def _updated_message(body: dict[str, Any], view: TaskView, note: str) -> tuple[str, list[blocks.Block]]:
    """The clicked message with only this task's card replaced (other cards of a list stay)."""
    card = blocks.task_card(view, note)
    message = body.get("message") or {}
    old_blocks = message.get("blocks")
    new_blocks = blocks.replace_card(old_blocks, card, view.ref) if isinstance(old_blocks, list) else card
    text = message.get("text") or blocks.escape(task_line(view))
    return str(text), new_blocks


def register(app: AsyncApp, deps: SlackDeps) -> None:
    """Add the button listeners to ``app``."""

    async def on_button(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        async with deps.inflight:
            await ack()
            user_id = body["user"]["id"]
            container = body.get("container") or {}
            on_home = container.get("type") == "view"
            try:
                actor = await deps.users.actor_for_user(
                    client, context.team_id, user_id, team_name=(body.get("team") or {}).get("domain") or ""
                )
                actor = actor.via(Surface.button)
                async with deps.slots:
                    ref = str(action.get("value") or "")
                    task, note = await _apply(deps, actor, action["action_id"], ref)
                    view = (await task_views(deps.services.store, actor.workspace_id, [task]))[0]
                if on_home:
                    await publish_home(client, deps.services, actor, user_id)
                    return
                text, new_blocks = _updated_message(body, view, note)
                if body.get("response_url"):
                    await respond(text=text, blocks=new_blocks, replace_original=True)
                else:
                    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
                    await client.chat_update(
                        channel=str(channel),
                        ts=str(container.get("message_ts")),
                        text=text,
                        blocks=new_blocks,
                    )
            except Exception as exc:
                text = failure_text(exc, f"button {action.get('action_id')}")
                await _tell(client, respond, body, user_id, text)

    for action_id in blocks.TASK_ACTIONS:
        app.action(action_id)(on_button)


async def _tell(
    client: AsyncWebClient, respond: AsyncRespond, body: dict[str, Any], user_id: str, text: str
) -> None:
    """Show an error to the person who clicked, without touching the card."""
    try:
        if body.get("response_url"):
            await respond(text=text, response_type="ephemeral", replace_original=False)
        else:
            # Home tab clicks have no response_url; the app's DM with the user is where they'll see it.
            await client.chat_postMessage(channel=user_id, text=text)
    except Exception:
        log.exception("could not report a failed button click")
