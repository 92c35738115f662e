"""Events API: @mentions (answered in a thread), direct messages, and the Home tab being opened.

Bolt acks events before the listener runs; each listener first claims the delivery (dedup.py) so a retried
event never acts twice.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import blocks
from bot.slack.deps import SlackDeps
from bot.slack.errors import failure_text
from bot.slack.files import place_chart
from bot.slack.home import publish_home
from bot.slack.translate import (
    for_home,
    from_direct_message,
    from_mention,
    is_user_message,
    thread_of,
    workspace_id,
)
from core.schedule.chart_data import ChartData

log = logging.getLogger(__name__)

EVENTS = ("app_mention", "message", "app_home_opened")


def register(app: AsyncApp, deps: SlackDeps) -> None:
    """Add the event listeners to ``app``."""

    async def answer(
        client: AsyncWebClient,
        context: AsyncBoltContext,
        body: dict[str, Any],
        event: dict[str, Any],
        *,
        thread: str | None,
        dm: bool,
    ) -> None:
        channel = event.get("channel") or ""
        chart: ChartData | None = None
        try:
            profile = await deps.users.profile(client, context.team_id, event["user"])
            build = from_direct_message if dm else from_mention
            msg = build(body, event, profile, context.bot_user_id)
            reply = await deps.run(client, msg)
            chart = reply.chart
            text, body_blocks = blocks.render(reply)
        except Exception as exc:
            text, body_blocks = failure_text(exc, "answering a message"), []
        try:
            await client.chat_postMessage(
                channel=channel, thread_ts=thread, text=text, blocks=body_blocks or None
            )
        except SlackApiError as exc:
            log.warning("chat.postMessage to %s failed: %s", channel, exc.response.get("error"))
        if chart is not None:  # under the answer, in the same thread
            note = await place_chart(client, chart, user_id=event["user"], channel=channel, thread_ts=thread)
            try:
                if note:
                    await client.chat_postMessage(channel=channel, thread_ts=thread, text=note)
            except SlackApiError as exc:
                log.warning("chat.postMessage to %s failed: %s", channel, exc.response.get("error"))

    async def on_mention(
        client: AsyncWebClient, context: AsyncBoltContext, body: dict[str, Any], event: dict[str, Any]
    ) -> None:
        async with deps.inflight:
            if not is_user_message(event) or not await deps.deliveries.first_time(context, body):
                return
            await answer(client, context, body, event, thread=thread_of(event), dm=False)

    async def on_message(
        client: AsyncWebClient, context: AsyncBoltContext, body: dict[str, Any], event: dict[str, Any]
    ) -> None:
        # One listener for every message event, so edits and joins are acked (200) instead of answered 404
        # (which Slack would retry); only people's new DMs to the bot are answered.
        if event.get("channel_type") != "im" or not is_user_message(event):
            return
        async with deps.inflight:
            if not await deps.deliveries.first_time(context, body):
                return
            await answer(client, context, body, event, thread=event.get("thread_ts"), dm=True)

    async def on_home_opened(
        client: AsyncWebClient, context: AsyncBoltContext, body: dict[str, Any], event: dict[str, Any]
    ) -> None:
        if event.get("tab") != "home":
            return
        # Publishing is idempotent, so no persisted receipt (one store write fewer per visit); the
        # in-memory check in dedup.py still drops retries.
        async with deps.inflight:
            try:
                profile = await deps.users.profile(client, context.team_id, event["user"])
                await publish_home(client, deps, for_home(profile, context.team_id))
            except Exception:
                log.exception("publishing the Home tab failed")  # there is nowhere to show it

    async def on_user_change(context: AsyncBoltContext, event: dict[str, Any]) -> None:
        # A deactivated account (or one brought back): no more reminders or digests for them, tasks kept.
        person = event.get("user") or {}
        if "deleted" not in person or not person.get("id"):
            return
        team = context.team_id or person.get("team_id")
        try:
            await deps.services.users.set_left(
                workspace_id(team), "slack_user_id", str(person["id"]), left=bool(person["deleted"])
            )
        except Exception:
            log.exception("recording that a person left failed")

    app.event("app_mention")(on_mention)
    app.event("user_change")(on_user_change)
    app.event("message")(on_message)
    app.event("app_home_opened")(on_home_opened)
