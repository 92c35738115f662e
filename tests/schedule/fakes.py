"""A notifier that records what the scheduler says, and can fail or die on demand."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from core.models import Platform
from core.schedule.notify import DeliveryError, Notice


class Crash(BaseException):
    """The process dies here (BaseException: nothing in the scheduler may swallow it)."""


@dataclass
class RecordingNotifier:
    """Keeps every notice that "reached the platform", keyed by delivery id, like a chat's history."""

    platforms: frozenset[Platform] = frozenset({Platform.console, Platform.slack, Platform.discord})
    sent: list[Notice] = field(default_factory=list)
    failures: list[DeliveryError] = field(default_factory=list)  # raised by the next sends, in order
    crash_after_send: bool = False  # the message lands, then the process dies before its receipt
    crash_before_send: bool = False
    delay: float = 0.0
    landed_asks: int = 0

    def handles(self, platform: Platform) -> bool:
        return platform in self.platforms

    async def send(self, notice: Notice) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.crash_before_send:
            raise Crash("died before sending")
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(notice)
        if self.crash_after_send:
            raise Crash("died after sending")
        return f"fake:{len(self.sent)}"

    async def landed(self, notice: Notice) -> str | None:
        self.landed_asks += 1
        for i, earlier in enumerate(self.sent):
            if earlier.delivery_id == notice.delivery_id:
                return f"fake:{i + 1}"
        return None

    def texts(self) -> list[str]:
        return [n.reply.text for n in self.sent]
