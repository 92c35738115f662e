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
from core.conversation.views import task_views
from core.services import Actor

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


async def _create(
    deps: SlackDeps, client: AsyncWebClient, actor: Actor, team_id: str | None, form: TaskForm
) -> list[blocks.Block]:
    """Create the task through the service; returns the confirmation blocks."""
    assignee = None
    if form.assignee_slack_id:
        await deps.users.actor_for_user(client, team_id, form.assignee_slack_id)
        assignee = f"<@{form.assignee_slack_id}>"
    async with deps.slots:
        task = await deps.services.tasks.create(
            actor,
            form.title,
            description=form.notes,
            due=form.due,
            assignee=assignee,
            source_url=form.source_url,
        )
        view = (await task_views(deps.services.store, actor.workspace_id, [task]))[0]
    origin = f"<{form.source_url}|a message>" if form.source_url else "a message"
    return [blocks.section(f"Created *{task.ref}* from {origin}."), *blocks.task_card(view)]


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
                actor = await deps.users.actor_for_user(client, context.team_id, user_id)
                body_blocks = await _create(deps, client, actor, context.team_id, form)
                text = "Created a task from a message."
            except Exception as exc:
                text, body_blocks = failure_text(exc, "creating a task from a message"), []
            try:
                await client.chat_postMessage(channel=user_id, text=text, blocks=body_blocks or None)
            except SlackApiError as exc:
                log.warning("could not confirm the new task: %s", exc.response.get("error"))

    app.shortcut(SHORTCUT_ID)(on_shortcut)
    app.view(CALLBACK_ID)(on_submit)
