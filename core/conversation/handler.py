"""The unit of work: every user action from every surface enters the core through ``execute``.

One turn = one actor (resolved once), one ``now`` (from the Clock), one audit batch (so `undo` reverts the
whole turn), one place where errors become replies, and the conversation's pending confirmation handled
before anything else. Text is a command too (``Text``): quick-add first, then the offline model or the agent.
"""

from __future__ import annotations

import asyncio
import weakref
from dataclasses import replace
from typing import Any, Protocol

from core.clock import Clock, SystemClock
from core.conversation.active import active_note, active_project
from core.conversation.add_words import may_say_more, reread
from core.conversation.commands import CommandRunner, PendingAction
from core.conversation.failures import failure_reply
from core.conversation.messages import IncomingMessage, Person, Reply, ReplyKind
from core.conversation.resolve_values import resolved
from core.models import Conversation, Platform
from core.quickadd import AddTask, Cancel, Command, Confirm, QuickAddError, Reset, Text, parse, without_slash
from core.quickadd_commands import SuggestProjects, SuggestTasks, UseProject
from core.services import Actor, Services
from core.text_input import clean_fields

_NOT_UNDERSTOOD = (
    "I didn't understand that. Quick-add works without any setup, "
    "e.g. `add Write report due fri p1 #Launch`; type `help` for every command."
)
# Reads that neither touch the conversation nor need the audit batch (autocomplete answers in ~100 ms).
_LOOKUPS = (SuggestTasks, SuggestProjects)


class FreeFormResponder(Protocol):
    """Answers text the quick-add grammar does not parse (the LLM agent or the offline model)."""

    async def respond(
        self, actor: Actor, conversation: Conversation, text: str, *, malformed: QuickAddError | None = None
    ) -> Reply:
        """Answer ``text``. ``malformed`` is set when the text starts like a quick-add command but isn't one
        ("show me the overdue stuff"): a responder that cannot read it either raises that error, so the user
        sees the command's usage."""
        ...


class PreCommand(Protocol):
    """Commands answered before the quick-add grammar (e.g. `connect motion KEY`, `sync motion`).

    They see the raw text; their messages are never stored in the conversation history.
    """

    async def handle(self, actor: Actor, text: str, *, private: bool) -> Reply | None: ...


class ConversationHandler:
    """The core's one entry point for every adapter; never raises, never shows a stack trace."""

    def __init__(
        self,
        services: Services,
        responder: FreeFormResponder | None = None,
        pre_commands: list[PreCommand] | None = None,
        *,
        clock: Clock | None = None,
    ) -> None:
        self.services = services
        self.responder = responder
        self.pre_commands: list[PreCommand] = list(pre_commands or [])
        self.clock: Clock = clock or SystemClock()
        self.commands = CommandRunner(services)
        self._workspaces: set[str] = set()
        # One creation of a person's row at a time (two first messages at once must not make two users).
        self._people: weakref.WeakValueDictionary[tuple[str, str], asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    async def handle(self, msg: IncomingMessage) -> Reply:
        """Answer one typed message."""
        return await self.execute(msg, Text(msg.text))

    async def execute(self, ctx: IncomingMessage, command: Command | Text) -> Reply:
        """Run one user action in ``ctx`` (who, where, through which surface) and return what to show."""
        # The guard for every surface, present and future: no lone surrogate or control character gets past
        # here into a service, a log or the store (the translators clean already; this costs a regex scan).
        ctx, command = clean_fields(ctx), clean_fields(command)
        try:
            actor = (await self.actor_for(ctx)).via(ctx.surface).at_moment(self.clock.now())
            if isinstance(command, _LOOKUPS):
                return await self.commands.lookup(actor, command)
            await self._provision(ctx, actor)
            with self.services.audit.batch():
                return await self._turn(actor, ctx, command)
        except Exception as exc:
            return failure_reply(exc, f"a {ctx.platform.value} {type(command).__name__}")

    async def actor_for(self, msg: IncomingMessage) -> Actor:
        """The acting user of a message, creating workspace and user rows on first sight."""
        users = self.services.users
        if msg.workspace_id not in self._workspaces:
            await users.ensure_workspace(msg.workspace_id, msg.platform, msg.workspace_name)
            self._workspaces.add(msg.workspace_id)
        person = Person(msg.user_id, msg.user_name, msg.display_name, msg.email, msg.timezone)
        return Actor(await self._ensure(msg.workspace_id, msg.platform, person))

    async def _ensure(self, workspace_id: str, platform: Platform, person: Person) -> Any:
        identity: dict[str, Any] = {"email": person.email.lower() if person.email else None}
        if person.display_name:
            identity["display_name"] = person.display_name
        if platform is Platform.slack:
            identity["slack_user_id"] = person.user_id
        elif platform is Platform.discord:
            identity["discord_user_id"] = person.user_id
        key = (workspace_id, person.user_id)
        lock = self._people.get(key)
        if lock is None:
            lock = self._people[key] = asyncio.Lock()
        async with lock:
            return await self.services.users.ensure_user(
                workspace_id, person.name or person.user_id, timezone=person.timezone, **identity
            )

    async def _provision(self, ctx: IncomingMessage, actor: Actor) -> None:
        """Rows for the people the message names, after the sender (the first person seen becomes admin)."""
        for person in ctx.people:
            if person.user_id != ctx.user_id:
                await self._ensure(actor.workspace_id, ctx.platform, person)

    async def _turn(self, actor: Actor, ctx: IncomingMessage, command: Command | Text) -> Reply:
        text = command.text if isinstance(command, Text) else None
        typed: Command | None = None if isinstance(command, Text) else resolved(command, actor)
        if text is not None:
            for pre in self.pre_commands:
                answer = await pre.handle(actor, text, private=ctx.is_dm)
                if answer is not None:
                    return answer
        store = self.services.store
        conv = await store.conversations.get(actor.workspace_id, ctx.conversation_id) or Conversation(
            id=ctx.conversation_id,
            workspace_id=actor.workspace_id,
            user_id=actor.user_id,
            platform=ctx.platform,
            channel_id=ctx.channel_id or None,
            thread_id=ctx.thread_id,
        )
        parsed: Command | None
        malformed: QuickAddError | None = None
        if text is None:
            parsed = typed
        else:
            try:
                parsed = parse(text, tz=actor.user.timezone, now=actor.now())
            except QuickAddError as error:
                # "show me the overdue stuff" starts like a command but is a request: the responder reads it,
                # and answers with this error when it can't.
                if self.responder is None:
                    raise
                parsed, malformed = None, error
            if isinstance(parsed, AddTask) and may_say_more(parsed):
                words = await reread(self.services.store, actor, text, parsed)
                parsed = resolved(words, actor) if words is not None else (None if self.responder else parsed)
        answered = await self._pending(actor, conv, parsed)
        if answered is not None:
            return answered
        if parsed is None:
            if self.responder is None or text is None:
                return Reply(_NOT_UNDERSTOOD, kind=ReplyKind.info)
            reply = await self.responder.respond(actor, conv, without_slash(text), malformed=malformed)
        else:
            reply = await self._run(actor, conv, parsed)
            if isinstance(parsed, Reset | UseProject):
                return reply  # the conversation is gone, or the reply itself says which project is in use
        return await self._with_active_project(conv, reply)

    async def _pending(self, actor: Actor, conv: Conversation, command: Command | None) -> Reply | None:
        """Answer or drop the question this conversation is waiting on; None to go on with ``command``."""
        pending = conv.pending_action
        if pending is None:
            if isinstance(command, Confirm | Cancel):
                return Reply("There is nothing waiting for a yes or no.", kind=ReplyKind.info)
            return None
        if pending.get("requested_by") not in (None, actor.user_id):
            # In a shared channel or thread only the person who was asked can answer the question.
            if isinstance(command, Confirm | Cancel):
                return Reply("That question was for someone else; only they can answer it.")
            return None
        conv.pending_action = None  # anything else than yes/no drops the question
        await self.services.store.conversations.save(conv)
        if isinstance(command, Confirm):
            return await self.commands.confirm(actor, pending)
        if isinstance(command, Cancel):
            return Reply("Okay, nothing was changed.", kind=ReplyKind.info)
        return None

    async def _run(self, actor: Actor, conv: Conversation, command: Command) -> Reply:
        active_before = conv.active_project_id
        reply, pending = await self.commands.run(actor, command, conv)
        if pending is not None:
            conv.pending_action = _asked_by(pending, actor)
        if pending is not None or conv.active_project_id != active_before:
            await self.services.store.conversations.save(conv)
        return reply

    async def _with_active_project(self, conv: Conversation, reply: Reply) -> Reply:
        if reply.kind in (ReplyKind.error, ReplyKind.help) or not conv.active_project_id:
            return reply
        project = await active_project(self.services.store, conv)
        if project is None:
            return reply
        note = active_note(project)
        return replace(reply, footer=f"{reply.footer}\n{note}" if reply.footer else note)


def _asked_by(pending: PendingAction, actor: Actor) -> PendingAction:
    return {**pending, "requested_by": actor.user_id}
