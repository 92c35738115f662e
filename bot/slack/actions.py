"""Task-card buttons: Complete, Assign to me, Snooze +1 day, and Delete (the answer to "Delete T-3?").

A button is a command run through the core like typed text (with ``surface=button`` on its audit events);
the reply's first task is the changed task, redrawn in place. Cards in messages are replaced through the
action's ``response_url`` (works for ephemeral replies too) or chat.update; cards on the Home tab are
refreshed by publishing the tab again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
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
from bot.slack.home import DIGEST_DEFAULT, DIGEST_OFF, DIGEST_ON, publish_home
from bot.slack.reminder_card import REMINDER_ACTIONS, without_reminder_buttons
from bot.slack.translate import for_home, from_click
from core.conversation.messages import Reply, TaskView
from core.quickadd_commands import AssignTask, Command, CompleteTask, DeleteTask, ShowTask, SnoozeTask
from core.quickadd_schedule import Digest, SnoozeReminder
from core.refs import task_number
from core.schedule.notify import ReminderAction

log = logging.getLogger(__name__)

# What each button asks the core to do with the task number it carries.
COMMANDS: dict[str, Callable[[int], Command]] = {
    blocks.COMPLETE: lambda n: CompleteTask((n,)),
    blocks.ASSIGN_ME: lambda n: AssignTask(n, "me"),
    blocks.SNOOZE: lambda n: SnoozeTask(n, days=1),
    blocks.DELETE: lambda n: DeleteTask((n,), confirmed=True),  # the click is the confirmation
    blocks.COMPLETE_ALL: lambda n: CompleteTask((n,), with_subtasks=True),  # the answer to "them too?"
    blocks.CANCEL: ShowTask,  # changes nothing: the card is drawn again as it is, with the usual buttons
}


# The reminder card's buttons (bot/slack/reminder_card.py).
def reminder_command(action: ReminderAction, number: int) -> Command:
    """What a reminder button asks the core to do with the task number it carries."""
    if action is ReminderAction.complete:
        return CompleteTask((number,))
    if action is ReminderAction.open:
        return ShowTask(number)
    return SnoozeReminder(number, action.value)


def reminder_note(action: ReminderAction, who: str, reply: Reply) -> str:
    """What replaces a reminder's buttons: who completed it, or until when it is snoozed (core words)."""
    if action is ReminderAction.complete:
        done = f":white_check_mark: Completed by {who}"
        return f"{done} · {reply.next_up}" if reply.next_up else done
    said = (reply.text or "Snoozed.").splitlines()[0]
    return f":zzz: {blocks.escape_text(said)}"


def note(action_id: str, who: str, view: TaskView) -> str:
    """What the card says just happened, and who did it (``who`` is a Slack mention)."""
    if action_id == blocks.COMPLETE:
        return f":white_check_mark: Completed by {who}"
    if action_id == blocks.ASSIGN_ME:
        return f":bust_in_silhouette: Assigned to {who}"
    if action_id == blocks.DELETE:
        return f":wastebasket: Deleted by {who}; `/task restore {view.ref}` brings it back"
    if action_id == blocks.COMPLETE_ALL:
        return f":white_check_mark: Completed with its subtasks by {who}"
    if action_id == blocks.CANCEL:
        return f"Cancelled by {who}; nothing was changed"
    return f":zzz: Snoozed by {who}"


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
            on_home = (body.get("container") or {}).get("type") == "view"
            try:
                number = task_number(str(action.get("value") or ""))
                if number is None:
                    await _tell(client, respond, body, user_id, ":warning: That button isn't for a task.")
                    return
                profile = await deps.users.profile(client, context.team_id, user_id)
                action_id = action["action_id"]
                reply = await deps.run(
                    client, from_click(body, profile, context.team_id), COMMANDS[action_id](number)
                )
                if reply.is_error or not reply.tasks:
                    # A mistake (or "already deleted") is told to the clicker; the card stays as it was.
                    await _tell(client, respond, body, user_id, blocks.fallback_text(reply))
                    return
                if on_home:
                    await publish_home(client, deps, for_home(profile, context.team_id))
                    return
                view = reply.tasks[0]
                done = note(action_id, blocks.mention(user_id), view)
                said = f"{done} · {reply.next_up}" if reply.next_up else done
                await _redraw(client, respond, body, view, said)
            except Exception as exc:
                text = failure_text(exc, f"button {action.get('action_id')}")
                await _tell(client, respond, body, user_id, text)

    for action_id in blocks.TASK_ACTIONS:
        app.action(action_id)(on_button)

    async def on_reminder_button(
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
            try:
                number = task_number(str(action.get("value") or ""))
                if number is None:
                    await _tell(client, respond, body, user_id, ":warning: That button isn't for a task.")
                    return
                which = REMINDER_ACTIONS[action["action_id"]]
                profile = await deps.users.profile(client, context.team_id, user_id)
                msg = from_click(body, profile, context.team_id)
                reply = await deps.run(client, msg, reminder_command(which, number))
                if reply.is_error or which is ReminderAction.open:
                    # Open shows the task to the clicker only; the reminder keeps its buttons.
                    await _tell(client, respond, body, user_id, blocks.fallback_text(reply), reply=reply)
                    return
                said = reminder_note(which, blocks.mention(user_id), reply)
                await _redraw_reminder(client, respond, body, str(action.get("value")), said)
            except Exception as exc:
                text = failure_text(exc, f"button {action.get('action_id')}")
                await _tell(client, respond, body, user_id, text)

    for action_id in REMINDER_ACTIONS:
        app.action(action_id)(on_reminder_button)

    async def on_digest_switch(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        """The Home tab's digest button: ``Digest`` on at the default time, or off; then the tab again."""
        async with deps.inflight:
            await ack()
            user_id = body["user"]["id"]
            try:
                profile = await deps.users.profile(client, context.team_id, user_id)
                command = (
                    Digest(on=True, when=DIGEST_DEFAULT)
                    if action["action_id"] == DIGEST_ON
                    else Digest(on=False)
                )
                reply = await deps.run(client, from_click(body, profile, context.team_id), command)
                if reply.is_error:
                    await _tell(client, respond, body, user_id, blocks.fallback_text(reply))
                await publish_home(client, deps, for_home(profile, context.team_id))
            except Exception as exc:
                await _tell(client, respond, body, user_id, failure_text(exc, "the digest button"))

    app.action(DIGEST_ON)(on_digest_switch)
    app.action(DIGEST_OFF)(on_digest_switch)


async def _redraw_reminder(
    client: AsyncWebClient, respond: AsyncRespond, body: dict[str, Any], ref: str, note: str
) -> None:
    """The reminder message with its buttons replaced by ``note``."""
    message = body.get("message") or {}
    old = message.get("blocks")
    new_blocks = without_reminder_buttons(old if isinstance(old, list) else [], ref, note)
    text = str(message.get("text") or note)
    if body.get("response_url"):
        await respond(text=text, blocks=new_blocks, replace_original=True)
        return
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    await client.chat_update(
        channel=str(channel), ts=str(container.get("message_ts")), text=text, blocks=new_blocks
    )


async def _redraw(
    client: AsyncWebClient, respond: AsyncRespond, body: dict[str, Any], view: TaskView, note: str
) -> None:
    """Replace the clicked card: through ``response_url`` when Slack gave one, else with chat.update."""
    text, new_blocks = _updated_message(body, view, note)
    if body.get("response_url"):
        await respond(text=text, blocks=new_blocks, replace_original=True)
        return
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    await client.chat_update(
        channel=str(channel), ts=str(container.get("message_ts")), text=text, blocks=new_blocks
    )


async def _tell(
    client: AsyncWebClient,
    respond: AsyncRespond,
    body: dict[str, Any],
    user_id: str,
    text: str,
    *,
    reply: Reply | None = None,
) -> None:
    """Show an error (or, with ``reply``, an answer in full) to the person who clicked, without touching
    the card."""
    shown = blocks.reply_blocks(reply) if reply is not None else None
    try:
        if body.get("response_url"):
            await respond(text=text, blocks=shown, response_type="ephemeral", replace_original=False)
        else:
            # Home tab clicks have no response_url; the app's DM with the user is where they'll see it.
            await client.chat_postMessage(channel=user_id, text=text, blocks=shown)
    except Exception:
        log.exception("could not report a failed button click")
