"""Slash commands ``/task`` and ``/project``: ack at once, answer through ``respond`` after the ack.

The command's text goes to the core as typed text (``/task add …``): the grammar reads it, as it reads DMs.

Replies are ephemeral (only the person who typed sees them) unless the text contains ``--share``.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import blocks
from bot.slack.deps import SlackDeps
from bot.slack.errors import failure_text
from bot.slack.files import place_chart
from bot.slack.translate import from_command
from core.schedule.chart_data import ChartData

COMMANDS = ("/task", "/project")


def register(app: AsyncApp, deps: SlackDeps) -> None:
    """Add the slash-command listeners to ``app``."""

    async def on_command(
        ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        # Enter before the ack: bolt answers Slack once ack() is called, and stop() must see this work.
        async with deps.inflight:
            await ack()
            trigger = command.get("trigger_id")
            shared = False
            try:
                # The same invocation delivered twice (a Socket Mode reconnect, a replay to a restarted
                # process or another replica): act once. Claimed after the ack, which stays fast; a store
                # that can't claim is answered like any failure.
                if trigger and not await deps.deliveries.once(command.get("team_id"), f"command:{trigger}"):
                    return
                profile = await deps.users.profile(client, command.get("team_id"), command["user_id"])
                msg, shared = from_command(command, profile)
                reply = await deps.run(client, msg)
                shared = shared and not reply.is_error  # a mistake is shown only to the person who made it
                if reply.chart is not None:
                    reply.footer = await _chart(client, command, reply.chart, shared) or reply.footer
                text, body = blocks.render(reply)
            except Exception as exc:
                text, body = failure_text(exc, f"slash command {command.get('command')}"), []
                shared = False  # errors are for the person who typed
            await respond(
                text=text,
                blocks=body or None,
                response_type="in_channel" if shared else "ephemeral",
                replace_original=False,
            )

    for name in COMMANDS:
        app.command(name)(on_command)


async def _chart(client: AsyncWebClient, command: dict[str, Any], data: ChartData, shared: bool) -> str:
    """A shared answer's chart goes to the channel; a private one's to the person's DM with the app (Slack
    files can't be ephemeral), unless the command was typed in a DM. A note on where it went, or ""."""
    channel = str(command.get("channel_id") or "")
    here = channel if channel and (shared or channel.startswith("D")) else None
    return await place_chart(client, data, user_id=command["user_id"], channel=here)
