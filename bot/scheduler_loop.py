"""The scheduler's loop in `serve` and the console: tick, then sleep until the next run or the next tick."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.background import BackgroundLoop
from core.schedule.scheduler import Scheduler, TickReport

log = logging.getLogger(__name__)


class SchedulerLoop(BackgroundLoop):
    """Runs ``scheduler.tick`` every ``tick`` seconds, sooner when a schedule is due before then, so a
    reminder "in 10 minutes" comes on the minute rather than up to a tick late."""

    name = "scheduler"

    def __init__(self, scheduler: Scheduler, *, tick: float = 30.0, min_sleep: float = 0.2) -> None:
        super().__init__()
        self.scheduler = scheduler
        self.tick = tick
        self.min_sleep = min_sleep
        self._wake = asyncio.Event()

    def poke(self) -> None:
        """Look again now (a reminder was just set for a moment sooner than the next tick)."""
        self._wake.set()

    async def _pause(self, report: TickReport | None) -> None:
        delay = self.tick
        if report is not None and report.next_run is not None:
            until = (report.next_run - self.scheduler.clock.now()).total_seconds()
            delay = min(delay, max(until, self.min_sleep))
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), delay)

    async def _loop(self) -> None:
        while True:
            report: TickReport | None = None
            try:
                report = await self.scheduler.tick()
                if report.claimed:
                    log.info(
                        "scheduler: %d due, %d sent, %d skipped, %d moved, %d retrying, %d failed",
                        report.claimed,
                        report.sent,
                        report.skipped,
                        report.moved,
                        report.retrying,
                        report.failed,
                    )
            except Exception:  # the store may be briefly unreachable: try again next tick
                log.exception("scheduler tick failed")
            await self._pause(report)
