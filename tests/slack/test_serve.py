"""`orchestrator serve` runs the Slack surface from the environment: /healthz and a signed command."""

from __future__ import annotations

import asyncio
import socket
import time
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import pytest

from bot.serve import serve
from core.settings import Settings
from tests.slack.fake_api import BOT_TOKEN, TEAM_ID, FakeSlack
from tests.slack.harness import SIGNING_SECRET, sign


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_serve_mounts_slack_events_and_healthz(
    fake: FakeSlack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("SLACK_API_URL", fake.api_url)
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    monkeypatch.delenv("DISCORD_BOT_TOKEN", raising=False)
    settings = Settings(storage={"url": str(tmp_path / "data")})
    port = free_port()
    stop = asyncio.Event()
    server = asyncio.create_task(serve(settings, "127.0.0.1", port, stop=stop))
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(200):  # wait for the server to listen (bounded; not a timing assertion)
                try:
                    async with http.get(f"{base}/healthz") as health:
                        assert (await health.json())["surfaces"] == ["slack"]
                        break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.05)
            else:
                raise AssertionError("serve never answered /healthz")

            body = urlencode(
                {
                    "team_id": TEAM_ID,
                    "channel_id": "C1",
                    "user_id": "U1",
                    "command": "/task",
                    "text": "help",
                    "response_url": fake.response_url("serve-1"),
                    "trigger_id": "trigger-serve-1",
                }
            )
            ts = int(time.time())
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Slack-Request-Timestamp": str(ts),
                "X-Slack-Signature": sign(body, ts),
            }
            async with http.post(f"{base}/slack/events", data=body, headers=headers) as resp:
                assert resp.status == 200
        [answer] = await fake.wait_for("response_url")
        assert "add Write report" in answer.params["text"]
    finally:
        stop.set()
        assert await server == 0
