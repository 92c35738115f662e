"""Answers survive a Slack Web API hiccup: a 5xx is retried, not lost while its change is stored."""

from __future__ import annotations

from aiohttp import web

from tests.slack.fake_api import FakeSlack
from tests.slack.harness import SlackHarness, dm_event


async def test_an_answer_refused_once_with_a_503_is_sent_again(slack: SlackHarness, fake: FakeSlack) -> None:
    refused: list[str] = []

    async def once(request: web.Request) -> web.StreamResponse | None:
        if request.match_info.get("method") == "chat.postMessage" and not refused:
            refused.append(request.path)
            return web.Response(status=503, text="upstream unavailable")
        return None

    fake.fault = once
    await slack.event(dm_event("add Survives a hiccup"))
    [reply] = await fake.wait_for("chat.postMessage")
    assert refused == ["/api/chat.postMessage"]
    assert "Created T-1" in reply.params["text"]
