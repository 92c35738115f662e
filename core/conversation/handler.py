"""One message in, one Reply out: identity, confirmations, quick-add first, then free-form text."""

from __future__ import annotations

import logging
import uuid
from typing import Any, Protocol

from core.conversation.commands import CommandRunner
from core.conversation.messages import IncomingMessage, Reply, ReplyKind
from core.errors import OrchestratorError
from core.models import Conversation, Platform
from core.quickadd import Cancel, Confirm, QuickAddError, parse
from core.services import Actor, Services

log = logging.getLogger(__name__)

_NOT_UNDERSTOOD = (
    "I didn't understand that. Quick-add works without any setup, "
    "e.g. `add Write report due fri p1 #Launch`; type `help` for every command."
)


class FreeFormResponder(Protocol):
    """Answers text the quick-add grammar does not parse (the LLM agent)."""

    async def respond(self, actor: Actor, conversation: Conversation, text: str) -> Reply: ...


class PreCommand(Protocol):
    """Commands answered before the quick-add grammar (e.g. `connect motion KEY`, `sync motion`).

    They see the raw text; their messages are never stored in the conversation history.
    """

    async def handle(self, actor: Actor, text: str, *, private: bool) -> Reply | None: ...


class ConversationHandler:
    """The core's entry point for every adapter; never raises, never shows a stack trace."""

    def __init__(
        self,
        services: Services,
        responder: FreeFormResponder | None = None,
        pre_commands: list[PreCommand] | None = None,
    ) -> None:
        self.services = services
        self.responder = responder
        self.pre_commands: list[PreCommand] = list(pre_commands or [])
        self.commands = CommandRunner(services)
        self._workspaces: set[str] = set()

    async def actor_for(self, msg: IncomingMessage) -> Actor:
        """The acting user of a message, creating workspace and user rows on first sight."""
        users = self.services.users
        if msg.workspace_id not in self._workspaces:
            await users.ensure_workspace(msg.workspace_id, msg.platform, msg.workspace_name)
            self._workspaces.add(msg.workspace_id)
        identity: dict[str, Any] = {"email": msg.email.lower() if msg.email else None}
        if msg.display_name:
            identity["display_name"] = msg.display_name
        if msg.platform is Platform.slack:
            identity["slack_user_id"] = msg.user_id
        elif msg.platform is Platform.discord:
            identity["discord_user_id"] = msg.user_id
        user = await users.ensure_user(
            msg.workspace_id, msg.user_name or msg.user_id, timezone=msg.timezone, **identity
        )
        return Actor(user)

    async def handle(self, msg: IncomingMessage) -> Reply:
        """Answer one message. Errors become short replies; unexpected ones are logged with an id."""
        try:
            actor = await self.actor_for(msg)
            with self.services.audit.batch():
                return await self._handle(actor, msg)
        except OrchestratorError as exc:
            return Reply.from_error(exc)
        except Exception:
            incident = uuid.uuid4().hex[:8]
            log.exception("unexpected error handling a message (incident %s)", incident)
            return Reply(
                f"Something went wrong on my side (incident {incident}). Please try again in a moment.",
                kind=ReplyKind.error,
            )

    async def _handle(self, actor: Actor, msg: IncomingMessage) -> Reply:
        for pre in self.pre_commands:
            answer = await pre.handle(actor, msg.text, private=msg.is_dm)
            if answer is not None:
                return answer
        store = self.services.store
        conv = await store.conversations.get(actor.workspace_id, msg.conversation_id)
        if conv is None:
            conv = Conversation(
                id=msg.conversation_id,
                workspace_id=actor.workspace_id,
                user_id=actor.user_id,
                platform=msg.platform,
                channel_id=msg.channel_id or None,
                thread_id=msg.thread_id,
            )
        try:
            command = parse(msg.text, tz=actor.user.timezone)
        except QuickAddError:
            # "show project Launch" or "undo that please" starts like a command but isn't one: with an LLM
            # configured the agent reads it; the offline model could do no better than the usage line.
            if not getattr(self.responder, "understands_free_text", False):
                raise
            command = None
        asker = (conv.pending_action or {}).get("requested_by")
        if conv.pending_action is not None and asker not in (None, actor.user_id):
            # In a shared channel or thread only the person who was asked can answer the question.
            if isinstance(command, Confirm | Cancel):
                return Reply("That question was for someone else; only they can answer it.")
        elif conv.pending_action is not None:
            pending, conv.pending_action = conv.pending_action, None
            await store.conversations.save(conv)
            if isinstance(command, Confirm):
                return await self.commands.confirm(actor, pending)
            if isinstance(command, Cancel):
                return Reply("Okay, nothing was changed.", kind=ReplyKind.info)
        elif isinstance(command, Confirm | Cancel):
            return Reply("There is nothing waiting for a yes or no.", kind=ReplyKind.info)
        if command is None:
            if self.responder is not None:
                return await self.responder.respond(actor, conv, msg.text)
            return Reply(_NOT_UNDERSTOOD, kind=ReplyKind.info)
        active_before = conv.active_project_id
        reply, pending_action = await self.commands.run(actor, command, conv)
        if pending_action is not None:
            conv.pending_action = {**pending_action, "requested_by": actor.user_id}
        if pending_action is not None or conv.active_project_id != active_before:
            await store.conversations.save(conv)
        return reply
