"""Message shortcut "Create task from message": a modal prefilled from the message; the task links back."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import blocks
from bot.slack.deps import SlackDeps
from bot.slack.errors import failure_text
from bot.slack.modals import CALLBACK_ID, TITLE_BLOCK, TaskForm, read_form, task_modal
from bot.slack.translate import from_form
from core.conversation.messages import Reply
from core.quickadd_commands import AddTask
from core.refs import mention_token

log = logging.getLogger(__name__)

SHORTCUT_ID = "create_task_from_message"


async def _permalink(client: AsyncWebClient, channel: str | None, ts: str | None) -> str | None:
    if not channel or not ts:
        return None
    try:
        response = await client.chat_getPermalink(channel=channel, message_ts=ts)
    except SlackApiError as exc:
        # The task can still be created; it just won't link back.
        log.info("chat.getPermalink failed: %s", exc.response.get("error"))
        return None
    link = response.get("permalink")
    return str(link) if link else None


def form_command(form: TaskForm) -> AddTask:
    """The submitted modal as the core's command (the picked assignee as a neutral mention)."""
    return AddTask(
        form.title,
        due=form.due,
        assignee=mention_token(form.assignee_slack_id) if form.assignee_slack_id else None,
        description=form.notes,
        source_url=form.source_url,
    )


def confirmation(reply: Reply, form: TaskForm) -> tuple[str, list[blocks.Block]]:
    """The DM that answers a submitted modal: the new task's card, or what went wrong."""
    if reply.is_error or not reply.tasks:
        return blocks.render(reply)
    view = reply.tasks[0]
    origin = f"<{form.source_url}|a message>" if form.source_url else "a message"
    return "Created a task from a message.", [
        blocks.section(f"Created *{view.ref}* from {origin}."),
        *blocks.task_card(view),
    ]


def register(app: AsyncApp, deps: SlackDeps) -> None:
    """Add the shortcut and modal listeners to ``app``."""

    async def on_shortcut(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        async with deps.inflight:
            await ack()
            message = body.get("message") or {}
            channel = (body.get("channel") or {}).get("id")
            link = await _permalink(client, channel, message.get("ts"))
            view = task_modal(str(message.get("text") or ""), link, channel)
            try:
                await client.views_open(trigger_id=body["trigger_id"], view=view)
            except SlackApiError as exc:
                log.warning("views.open failed: %s", exc.response.get("error"))

    async def on_submit(
        ack: AsyncAck,
        body: dict[str, Any],
        view: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
    ) -> None:
        form = read_form(view)
        if not form.title.strip():
            await ack(response_action="errors", errors={TITLE_BLOCK: "A task needs a title."})
            return
        async with deps.inflight:
            await ack()  # closes the modal; the result arrives as a DM from the app
            user_id = body["user"]["id"]
            try:
                # A view is submitted once; a redelivered submission must not create a second task.
                if not await deps.deliveries.claim(context.team_id, f"view:{view['id']}"):
                    return
                profile = await deps.users.profile(client, context.team_id, user_id)
                picked = (form.assignee_slack_id,) if form.assignee_slack_id else ()
                ctx = from_form(profile, context.team_id, form.channel_id, names=picked)
                text, body_blocks = confirmation(await deps.run(client, ctx, form_command(form)), form)
            except Exception as exc:
                text, body_blocks = failure_text(exc, "creating a task from a message"), []
            try:
                await client.chat_postMessage(channel=user_id, text=text, blocks=body_blocks or None)
            except SlackApiError as exc:
                log.warning("could not confirm the new task: %s", exc.response.get("error"))

    app.shortcut(SHORTCUT_ID)(on_shortcut)
    app.view(CALLBACK_ID)(on_submit)
