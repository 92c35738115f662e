"""The port through which the scheduler speaks: a ``Notice`` in, a platform message out.

Each chat adapter implements ``Notifier`` (bot/slack/notify.py, bot/discord/notify.py, the console's); the
core never imports a platform. A notice carries its delivery id, and an adapter sends it so that it can later
tell whether that exact delivery reached the platform (``landed``): a scheduler that died between the send
and its receipt is followed by one that asks before sending again, so a restart never says a thing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from core.conversation.messages import Reply
from core.errors import OrchestratorError
from core.models import Platform, ScheduleKind, User
from core.schedule.chart_data import ChartData


class ReminderAction(StrEnum):
    """The buttons of a reminder card; an adapter sends ``<action>`` with the schedule id back to
    ``ReminderService.act``."""

    complete = "complete"
    snooze_hour = "snooze_1h"
    snooze_tomorrow = "snooze_tomorrow"
    snooze_week = "snooze_next_week"
    open = "open"


SNOOZE_LABELS: dict[ReminderAction, str] = {
    ReminderAction.snooze_hour: "1 hour",
    ReminderAction.snooze_tomorrow: "Tomorrow",
    ReminderAction.snooze_week: "Next week",
}


@dataclass(frozen=True)
class Destination:
    """Where a notice goes: a person's DM (``user``), or a channel and maybe a thread in it."""

    platform: Platform
    user: User | None = None
    channel_id: str | None = None
    thread_id: str | None = None

    @property
    def is_dm(self) -> bool:
        return self.channel_id is None


@dataclass(frozen=True)
class Notice:
    """One thing to say. ``reply`` is rendered by the adapter's usual renderer (text and task cards)."""

    delivery_id: str  # the receipt key: also the message's idempotency mark on the platform
    workspace_id: str
    kind: ScheduleKind
    to: Destination
    reply: Reply
    # A reminder card: the schedule its Complete / Snooze / Open buttons act on, and the task's ref.
    schedule_id: str | None = None
    task_ref: str | None = None
    chart: ChartData | None = None  # drawn as a PNG and attached (Slack files upload v2, Discord file)

    @property
    def has_buttons(self) -> bool:
        return self.schedule_id is not None and self.task_ref is not None


class DeliveryError(OrchestratorError):
    """A send that failed after the adapter's own retries. ``permanent``: trying again cannot help (the person
    left, the channel is gone, the bot was removed); otherwise the scheduler tries again later, no sooner than
    ``retry_after`` seconds when the platform said so."""

    def __init__(self, message: str, *, permanent: bool = False, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after


class Notifier(Protocol):
    """One platform's way of saying things by itself."""

    def handles(self, platform: Platform) -> bool:
        """True when this notifier can reach people and channels of ``platform``."""
        ...

    async def send(self, notice: Notice) -> str:
        """Send ``notice``; return a reference to the message ("slack:D1:1700.0001"). Raises DeliveryError."""
        ...

    async def landed(self, notice: Notice) -> str | None:
        """The reference of an earlier send of ``notice.delivery_id`` that reached the platform, or None."""
        ...
