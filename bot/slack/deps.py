"""What every listener needs, built once per app: the core, the user directory, dedup, in-flight work."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from types import TracebackType

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.dedup import Deliveries
from bot.slack.users import SlackUsers
from core.conversation.handler import ConversationHandler
from core.conversation.messages import IncomingMessage, Reply
from core.services import Services

WORK_SLOTS = 4


class Inflight:
    """Counts work still running after an ack, so ``stop()`` can let it finish before the store closes."""

    def __init__(self) -> None:
        self._count = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def __aenter__(self) -> None:
        self._count += 1
        self._idle.clear()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._count -= 1
        if self._count == 0:
            self._idle.set()

    @property
    def count(self) -> int:
        return self._count

    async def drain(self, seconds: float = 10.0) -> bool:
        """Wait until nothing runs (True) or ``seconds`` pass (False)."""
        try:
            await asyncio.wait_for(self._idle.wait(), seconds)
        except TimeoutError:
            return False
        return True


@dataclass
class SlackDeps:
    handler: ConversationHandler
    services: Services
    users: SlackUsers
    deliveries: Deliveries
    inflight: Inflight = field(default_factory=Inflight)
    # Post-ack work admitted at once. Acks share the event loop with that work, so a burst of 50 commands
    # acks faster when only a few run at a time; throughput barely changes because each Delta table takes one
    # writer at a time anyway (bench/slack_ack.py, docs/benchmarks.md).
    slots: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(WORK_SLOTS))

    async def converse(self, client: AsyncWebClient, msg: IncomingMessage) -> Reply:
        """Run one message through the core: the sender first (the first user of a workspace becomes its
        admin), then the people it mentions (so ``<@U123>`` resolves), then the conversation.

        Callers hold ``slots`` only here, not while talking to Slack."""
        async with self.slots:
            await self.users.actor(msg)
            await self.users.ensure_mentioned(client, msg)
            return await self.handler.handle(msg)
