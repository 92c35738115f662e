"""What every listener needs, built once per app: the core, the profile directory, dedup, in-flight work."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace
from types import TracebackType

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.dedup import Deliveries
from bot.slack.translate import team_of
from bot.slack.users import SlackUsers
from core.conversation.handler import ConversationHandler
from core.conversation.messages import IncomingMessage, Reply
from core.quickadd_commands import Command, Text
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
    services: Services  # for the wiring only (dedup's receipts); listeners act through ``handler``
    users: SlackUsers
    deliveries: Deliveries
    inflight: Inflight = field(default_factory=Inflight)
    # Post-ack work admitted at once. Acks share the event loop with that work, so a burst of 50 commands
    # acks faster when only a few run at a time; throughput barely changes because each Delta table takes one
    # writer at a time anyway (bench/slack_ack.py, docs/benchmarks.md).
    slots: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(WORK_SLOTS))

    async def run(
        self, client: AsyncWebClient, msg: IncomingMessage, command: Command | None = None
    ) -> Reply:
        """One user action through the core's unit of work: ``command``, or the message's text.

        The people the message names are described from their Slack profiles (``people``) so the core gives
        them rows before the command runs; the core resolves the sender once. Callers hold ``slots`` only
        here, not while talking to Slack."""
        people = await self.users.people(client, team_of(msg.workspace_id), msg.mentions)
        ctx = replace(msg, people=people) if people else msg
        async with self.slots:
            return await self.handler.execute(ctx, command if command is not None else Text(ctx.text))
