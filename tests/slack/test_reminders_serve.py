"""End to end through `orchestrator serve`: a reminder asked in Slack comes back as one DM from the scheduler
loop, with its buttons, and Snooze moves it — real bolt app, real store, loopback fake Slack."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest

from bot.serve import serve
from core.models import ScheduleKind, utcnow
from core.settings import Settings
from storage.factory import open_store
from tests.slack.fake_api import BOT_TOKEN, TEAM_ID, FakeSlack
from tests.slack.harness import SIGNING_SECRET, sign
from tests.slack.helpers import WORKSPACE
from tests.slack.test_reminders import action_ids, reminder_click
from tests.slack.test_serve import free_port


async def _post(http: aiohttp.ClientSession, url: str, body: str) -> None:
    ts = int(time.time())
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": sign(body, ts),
    }
    async with http.post(url, data=body, headers=headers) as resp:
        assert resp.status == 200


def _command(fake: FakeSlack, text: str, n: int) -> str:
    return urlencode(
        {
            "team_id": TEAM_ID,
            "channel_id": "C1",
            "user_id": "U1",
            "command": "/task",
            "text": text,
            "response_url": fake.response_url(f"cmd-{n}"),
            "trigger_id": f"trigger-{n}",
        }
    )


async def test_serve_sends_the_reminder_once_with_buttons_and_snooze_moves_it(
    fake: FakeSlack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("SLACK_API_URL", fake.api_url)
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    monkeypatch.delenv("DISCORD_BOT_TOKEN", raising=False)
    data = str(tmp_path / "data")
    settings = Settings(storage={"url": data}, scheduler={"tick_seconds": 0.2})
    port = free_port()
    stop = asyncio.Event()
    ready: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    server = asyncio.create_task(serve(settings, "127.0.0.1", port, stop=stop, on_ready=ready.set_result))
    base = await asyncio.wait_for(ready, 30)
    store = open_store(data)  # a second handle on the same tables, as an operator's tool would have
    await store.open()
    try:
        async with aiohttp.ClientSession() as http:
            await _post(http, f"{base}/slack/events", _command(fake, "add Book the venue due fri", 1))
            await _post(http, f"{base}/slack/events", _command(fake, "remind me about T-1 in 10 minutes", 2))
            answers = await fake.wait_for("response_url", 2)
            assert any("I'll remind you about T-1" in str(c.params.get("text")) for c in answers), answers
            [row] = await store.schedules.list(WORKSPACE, kinds=[ScheduleKind.reminder])
            soon = utcnow() + timedelta(milliseconds=300)  # the test won't wait ten minutes
            await store.schedules.update(WORKSPACE, row.id, {"next_run_at": soon, "occurrence_at": soon})

            for _ in range(150):  # until the scheduler loop in serve sent it (a condition, not a timing)
                if fake.posted_to("DU1"):
                    break
                await asyncio.sleep(0.1)
            await asyncio.sleep(1.0)  # five more ticks: it must not come again
            [dm] = fake.posted_to("DU1")
            assert "Reminder: T-1 'Book the venue'" in dm["text"]
            wanted = {"reminder_complete", "reminder_snooze_1h", "reminder_open"}
            assert set(action_ids(dm["blocks"])) >= wanted

            click: dict[str, Any] = reminder_click(
                dm, "reminder_snooze_1h", response_url=fake.response_url("z")
            )
            await _post(http, f"{base}/slack/events", urlencode({"payload": json.dumps(click)}))
            await fake.wait_for("response_url", 3)
            rows = await store.schedules.list(WORKSPACE, kinds=[ScheduleKind.reminder])
            moved = [r.next_run_at for r in rows if r.next_run_at is not None]
            assert moved and min(moved) > utcnow() + timedelta(minutes=55)
            [receipt] = await store.deliveries.list(WORKSPACE, schedule_id=row.id)
            assert receipt.status.value == "sent" and receipt.message_ref == f"slack:DU1:{dm['ts']}"
    finally:
        await store.close()
        stop.set()
        assert await server == 0
