"""Socket Mode: with SLACK_APP_TOKEN the app connects out (apps.connections.open via SLACK_API_URL) and the
same listeners answer envelopes pushed over the WebSocket."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from bot.slack.surface import SlackSurface
from core.conversation.handler import ConversationHandler
from core.services import Services
from core.store import Store
from tests.slack.fake_api import APP_TOKEN, TEAM_ID, FakeSlack
from tests.slack.harness import SlackHarness, mention_event, settings_for
from tests.slack.helpers import all_tasks


@pytest.fixture
async def socket_surface(fake: FakeSlack, store: Store) -> AsyncIterator[SlackSurface]:
    services = Services(store)
    surface = SlackSurface(ConversationHandler(services), services, settings_for(fake, socket_mode=True))
    app = web.Application()
    surface.mount(app)
    assert not app.router.routes()  # no public endpoint in Socket Mode
    await surface.start()
    try:
        yield surface
    finally:
        await surface.stop()


async def test_socket_mode_acks_over_the_socket_and_answers(
    socket_surface: SlackSurface, fake: FakeSlack, store: Store
) -> None:
    [connect] = fake.of("apps.connections.open")
    assert connect.token == APP_TOKEN

    command = {
        "team_id": TEAM_ID,
        "team_domain": "acme",
        "channel_id": "C1",
        "user_id": "U1",
        "command": "/task",
        "text": "add Ship it --share",
        "response_url": fake.response_url("sock-1"),
        "trigger_id": "trigger-sock-1",
    }
    await fake.socket_send(
        {
            "envelope_id": "env-1",
            "type": "slash_commands",
            "accepts_response_payload": True,
            "payload": command,
        }
    )
    [ack] = await fake.wait_for("socket_ack")
    assert ack.params["envelope_id"] == "env-1"
    [answer] = await fake.wait_for("response_url")
    assert answer.params["response_type"] == "in_channel" and "Created T-1" in answer.params["text"]

    body = json.loads(SlackHarness(fake, store).event_body(mention_event("add Socket event"), "EvSOCK"))
    for attempt, envelope_id in ((0, "env-2"), (1, "env-3")):  # the second is Slack retrying the first
        await fake.socket_send(
            {
                "envelope_id": envelope_id,
                "type": "events_api",
                "accepts_response_payload": False,
                "retry_attempt": attempt,
                "retry_reason": "timeout" if attempt else "",
                "payload": body,
            }
        )
    acks = await fake.wait_for("socket_ack", 3)
    assert {a.params["envelope_id"] for a in acks} == {"env-1", "env-2", "env-3"}
    await fake.wait_for("chat.postMessage")
    assert await socket_surface.deps.inflight.drain()
    assert [t.title for t in await all_tasks(store)] == ["Ship it", "Socket event"]
    assert len(fake.of("chat.postMessage")) == 1
