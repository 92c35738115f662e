"""Scheduled syncs for `orchestrator serve`: every enabled integration, every ``sync_interval_minutes``."""

from __future__ import annotations

import asyncio
import logging

from bot.background import BackgroundLoop
from core.models import SyncLog
from core.sync import SyncService, describe

log = logging.getLogger(__name__)


class SyncScheduler(BackgroundLoop):
    """A background task that wakes every ``tick`` seconds and runs the integrations that are due."""

    name = "sync-scheduler"

    def __init__(self, sync: SyncService, *, tick: float = 30.0) -> None:
        super().__init__()
        self.sync = sync
        self.tick = tick

    async def run_due(self) -> list[SyncLog]:
        """One pass: sync each due integration in turn; one failing never stops the others."""
        logs: list[SyncLog] = []
        for integration in await self.sync.due():
            try:
                entry = await self.sync.run_integration(integration)
            except Exception:  # an unexpected bug in one run must not kill the scheduler
                log.exception("scheduled sync of %s failed", integration.type.value)
                continue
            log.info("%s: %s", integration.workspace_id, describe(entry, integration.type))
            logs.append(entry)
        return logs

    async def _loop(self) -> None:
        while True:
            try:
                await self.run_due()
            except Exception:  # the store may be briefly unavailable; try again next tick
                log.exception("scheduled sync pass failed")
            await asyncio.sleep(self.tick)
