"""Free-form text goes to the agent (the handler's responder) after the ack, however long it takes."""

from __future__ import annotations

import asyncio

from core.conversation.messages import Reply
from core.models import Conversation
from core.services import Actor
from core.store import Store
from tests.slack.fake_api import FakeSlack
from tests.slack.harness import SlackHarness, dm_event, mention_event


class SlowAgent:
    """Answers only when the test lets it, so the ack provably comes first."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.seen: list[tuple[str, str, str]] = []

    async def respond(self, actor: Actor, conversation: Conversation, text: str, **_: object) -> Reply:
        self.seen.append((actor.user.name, conversation.id, text))
        await self.release.wait()
        return Reply(f"Agent here: {text}")


async def test_free_form_text_reaches_the_agent_after_the_ack(fake: FakeSlack, store: Store) -> None:
    agent = SlowAgent()
    slack = SlackHarness(fake, store, responder=agent)
    await slack.start()
    try:
        mention = await slack.event(mention_event("what is overdue for <@U2>?", ts="1700000700.000100"))
        dm = await slack.event(dm_event("can you plan my week?"))
        assert mention.status == dm.status == 200  # acked while the agent is still thinking
        assert fake.of("chat.postMessage") == []
        agent.release.set()
        replies = await fake.wait_for("chat.postMessage", 2)
    finally:
        await slack.stop()
    assert sorted(agent.seen) == [
        ("alice", "slack:C1:1700000700.000100", "what is overdue for <@U2>?"),  # mentions stay for the core
        ("alice", "slack:dm:U1", "can you plan my week?"),
    ]
    by_channel = {r.params["channel"]: r.params for r in replies}
    assert by_channel["C1"]["thread_ts"] == "1700000700.000100"
    assert by_channel["D1"]["text"] == "Agent here: can you plan my week?"
