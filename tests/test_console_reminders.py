"""`orchestrator chat` prints due reminders between turns: the console's scheduler loop and notifier."""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta
from pathlib import Path

from bot.cli import console_scheduler
from bot.console import ConsoleAdapter
from bot.wiring import runtime
from core.models import ScheduleKind, utcnow
from core.settings import Settings


async def test_a_due_reminder_is_printed_in_the_open_chat_once(tmp_path: Path) -> None:
    settings = Settings(storage={"url": str(tmp_path / "data")}, scheduler={"tick_seconds": 0.2})
    out = io.StringIO()
    async with runtime(settings) as rt:
        adapter = ConsoleAdapter(rt.handler, workspace="local", user="alice", timezone="UTC", stdout=out)
        await rt.handler.handle(adapter.message("add Call the plumber"))
        said = await rt.handler.handle(adapter.message("remind me about T-1 in 10 minutes"))
        assert said.text.startswith("I'll remind you about T-1 'Call the plumber' today at")
        [row] = await rt.store.schedules.list("local", kinds=[ScheduleKind.reminder])
        soon = utcnow() + timedelta(milliseconds=300)  # the test can't wait ten minutes
        await rt.store.schedules.update("local", row.id, {"next_run_at": soon, "occurrence_at": soon})
        loop = console_scheduler(rt, adapter.show)
        loop.start()
        try:
            for _ in range(100):
                if "⏰" in out.getvalue():
                    break
                await asyncio.sleep(0.1)
            await asyncio.sleep(0.5)  # a few more ticks: it must not come twice
        finally:
            await loop.stop()
    printed = out.getvalue()
    assert printed.count("⏰ Reminder: T-1 'Call the plumber'") == 1
    assert "T-1" in printed.split("⏰", 1)[1]  # the task line under it
