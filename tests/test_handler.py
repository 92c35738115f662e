"""The conversation handler: identity, confirmations, error replies and the free-form hook."""

from __future__ import annotations

from core.conversation.handler import ConversationHandler
from core.conversation.messages import IncomingMessage, Reply, ReplyKind
from core.models import Conversation, Platform, Role
from core.services import Actor, Services


def msg(
    text: str, *, user: str = "U1", name: str = "alice", ws: str = "slack:T1", channel: str = "C1"
) -> IncomingMessage:
    return IncomingMessage(
        platform=Platform.slack, workspace_id=ws, user_id=user, user_name=name, text=text, channel_id=channel
    )


async def test_users_are_created_once_per_platform_identity(services: Services) -> None:
    handler = ConversationHandler(services)
    await handler.handle(msg("list"))
    await handler.handle(msg("list", name="Alice Renamed"))
    await handler.handle(msg("list", user="U2", name="bob"))
    people = await services.users.list("slack:T1")
    assert sorted(u.slack_user_id or "" for u in people) == ["U1", "U2"]
    roles = {u.slack_user_id: u.role for u in people}
    assert roles == {"U1": Role.admin, "U2": Role.member}


async def test_delete_needs_yes_on_the_next_turn(services: Services) -> None:
    handler = ConversationHandler(services)
    await handler.handle(msg("add One"))
    ask = await handler.handle(msg("delete T-1"))
    assert ask.kind is ReplyKind.confirm and "T-1" in ask.text
    assert (await handler.handle(msg("list"))).tasks  # anything but yes drops the question
    assert (await handler.handle(msg("yes"))).text == "There is nothing waiting for a yes or no."
    await handler.handle(msg("delete T-1"))
    kept = await handler.handle(msg("no"))
    assert "nothing was changed" in kept.text
    await handler.handle(msg("delete T-1"))
    # Another channel is another conversation: its "yes" does not confirm this one.
    other = await handler.handle(msg("yes", channel="C2"))
    assert other.text == "There is nothing waiting for a yes or no."
    done = await handler.handle(msg("yes"))
    assert done.kind is ReplyKind.success and "Deleted T-1" in done.text
    assert (await handler.handle(msg("list"))).tasks == []


async def test_errors_are_short_replies_with_usage(services: Services) -> None:
    handler = ConversationHandler(services)
    bad = await handler.handle(msg("add Thing due blursday"))
    assert bad.kind is ReplyKind.error and "blursday" in bad.text
    assert bad.usage and bad.usage.startswith("add")
    missing = await handler.handle(msg("done T-7"))
    assert missing.kind is ReplyKind.error and "T-7" in missing.text


async def test_unexpected_errors_never_leak_a_trace(services: Services) -> None:
    class Broken:
        async def respond(self, actor: Actor, conversation: Conversation, text: str, **_: object) -> Reply:
            raise RuntimeError("secret internals /etc/passwd")

    handler = ConversationHandler(services, responder=Broken())
    reply = await handler.handle(msg("what's the weather like"))
    assert reply.kind is ReplyKind.error
    assert "incident" in reply.text and "secret" not in reply.text


async def test_free_form_text_without_an_agent_points_to_quick_add(services: Services) -> None:
    reply = await ConversationHandler(services).handle(msg("could you maybe sort my week"))
    assert "add Write report" in reply.text


async def test_only_the_asker_can_confirm_in_a_shared_channel(services: Services) -> None:
    handler = ConversationHandler(services)
    await handler.handle(msg("add One"))
    ask = await handler.handle(msg("delete T-1"))
    assert ask.kind is ReplyKind.confirm
    other = await handler.handle(msg("yes", user="U2", name="mallory"))
    assert "someone else" in other.text
    # mallory's other messages leave alice's question open
    assert (await handler.handle(msg("list", user="U2", name="mallory"))).tasks
    done = await handler.handle(msg("yes"))
    assert "Deleted T-1" in done.text


async def test_malformed_commands_go_to_an_llm_when_one_is_configured(services: Services) -> None:
    seen: list[str] = []

    class Llm:
        understands_free_text = True

        async def respond(
            self, actor: Actor, conversation: Conversation, text: str, *, malformed: Exception | None = None
        ) -> Reply:
            seen.append(text)
            if malformed is not None and not self.understands_free_text:
                raise malformed  # what the offline responder does when its parser can't read it either
            return Reply("handled by the model")

    reply = await ConversationHandler(services, responder=Llm()).handle(msg("show project Launch please"))
    assert reply.text == "handled by the model" and seen == ["show project Launch please"]

    class Offline(Llm):
        understands_free_text = False

    usage = await ConversationHandler(services, responder=Offline()).handle(msg("show project Launch please"))
    assert usage.kind is ReplyKind.error and usage.usage


async def test_undo_reverts_everything_one_message_did(services: Services) -> None:
    handler = ConversationHandler(services)
    for title in ("One", "Two", "Three"):
        await handler.handle(msg(f"add {title}"))
    await handler.handle(msg("done T-1 T-2"))
    reopened = await handler.handle(msg("reopen T-1 T-2"))  # two service calls, one message
    assert reopened.kind is ReplyKind.success
    await handler.handle(msg("undo"))
    open_refs = [t.ref for t in (await handler.handle(msg("list"))).tasks]
    assert open_refs == ["T-3"]  # both reopens were reverted together
