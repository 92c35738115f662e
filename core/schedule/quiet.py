"""Quiet hours: the part of a person's night when nothing automatic reaches them.

Automatic messages (the workspace's due-day reminder, "1 day before due", the daily digest) that fall inside
a person's quiet hours wait until the hours end; a reminder the person set for an exact time is not touched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.errors import ValidationError
from core.models import User, Workspace
from core.schedule.local_time import local_instant

DEFAULT_QUIET = "20:00-08:00"
SETTING = "quiet_hours"  # the workspace default under Workspace.settings
_OFF = frozenset({"off", "none", "no", "never", "disabled"})
_SPAN = re.compile(
    r"^\s*(\d{1,2})(?::(\d{2}))?\s*(am|pm)?\s*(?:-|–|to|until)\s*(\d{1,2})(?::(\d{2}))?\s*(am|pm)?\s*$", re.I
)
HINT = 'Write it as "22:00-07:00" or "10pm to 7am", or "off".'


def _clock(hour: str, minute: str | None, half: str | None) -> time:
    h, m = int(hour), int(minute or 0)
    if half:
        if not 1 <= h <= 12:
            raise ValueError
        h = h % 12 + (12 if half.lower() == "pm" else 0)
    return time(h, m)


@dataclass(frozen=True)
class QuietHours:
    """From ``start`` to ``end`` local time, across midnight when ``end`` is earlier than ``start``."""

    start: time
    end: time

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    def contains(self, local: datetime) -> bool:
        """True when the local wall time ``local`` is inside the quiet hours."""
        clock = local.timetz().replace(tzinfo=None)
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= clock < self.end
        return clock >= self.start or clock < self.end

    def defer(self, moment: datetime, zone: ZoneInfo) -> datetime:
        """``moment`` (UTC) if it is outside the quiet hours, else the UTC moment they end."""
        local = moment.astimezone(zone)
        if not self.contains(local):
            return moment
        day = local.date()
        if self.start > self.end and local.timetz().replace(tzinfo=None) >= self.start:
            day += timedelta(days=1)  # quiet from the evening: it ends tomorrow morning
        return local_instant(day, self.end, zone)


def parse_quiet(text: str) -> QuietHours | None:
    """``"22:00-07:00"``, ``"10pm to 7am"`` → QuietHours; ``"off"`` → None; anything else ValidationError."""
    words = text.strip().lower()
    if words in _OFF:
        return None
    match = _SPAN.match(words)
    if match is None:
        raise ValidationError(f'I can\'t read "{text}" as quiet hours.', hint=HINT)
    try:
        start = _clock(match[1], match[2], match[3] or match[6])
        end = _clock(match[4], match[5], match[6])
    except ValueError:
        raise ValidationError(f'"{text}" is not a time of day.', hint=HINT) from None
    return QuietHours(start, end)


def quiet_for(user: User, workspace: Workspace | None) -> QuietHours | None:
    """The person's own quiet hours, else the workspace's default, else 20:00-08:00; None when off."""
    chosen = user.quiet_hours
    if chosen is None and workspace is not None:
        chosen = workspace.settings.get(SETTING)
    try:
        return parse_quiet(chosen if isinstance(chosen, str) else DEFAULT_QUIET)
    except ValidationError:
        return parse_quiet(DEFAULT_QUIET)  # a bad stored value must not silence or break the scheduler
