"""Reading when a reminder should come: "tomorrow 9am", "in 10 minutes", "1 day before due"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from core.dates import parse_due
from core.errors import ValidationError
from core.schedule.instants import MORNING
from core.schedule.local_time import local_instant

HINT = 'Try "tomorrow 9am", "in 10 minutes", "fri 15:00" or "1 day before due".'
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "ten": 10}
_UNITS = {"m": 1, "min": 1, "minute": 1, "h": 60, "hr": 60, "hour": 60, "d": 1440, "day": 1440, "w": 10080}
_UNITS |= {"wk": 10080, "week": 10080}
_AMOUNT = (
    r"(\d+|an?|one|two|three|four|five|six|ten)\s*(m|mins?|minutes?|h|hrs?|hours?|d|days?|w|wks?|weeks?)"
)
_BEFORE = re.compile(
    rf"^(?:{_AMOUNT}\s+)?(?:before|ahead\s+of|prior\s+to)\s+(?:it'?s\s+|it\s+is\s+|its\s+|the\s+)?"
    r"(?:due(?:\s+date|\s+time)?|deadline)$"
)
_AT_DUE = re.compile(
    r"^(?:when|once)\s+(?:it'?s|it\s+is)\s+due$|^(?:at|on)\s+(?:the\s+)?due(?:\s+(?:date|time|day))?$"
)
_IN = re.compile(rf"^in\s+{_AMOUNT}$")
# Parts of the day people name instead of a clock.
_DAYPARTS = (
    (re.compile(r"\btonight\b"), "today 7pm"),
    (re.compile(r"\b(?:eod|end of (?:the )?day|cob|close of business)\b"), "5pm"),
    (re.compile(r"\b(?:in the |this )?morning\b"), "9am"),
    (re.compile(r"\b(?:at )?(?:noon|midday|lunchtime|lunch)\b"), "12pm"),
    (re.compile(r"\b(?:in the |this )?afternoon\b"), "2pm"),
    (re.compile(r"\b(?:in the |this )?evening\b"), "6pm"),
    (re.compile(r"\b(?:at |in the )?night\b"), "9pm"),
)


def _minutes(amount: str, unit: str) -> int:
    count = _NUMBERS.get(amount) or int(amount)
    base = unit.rstrip("s") if unit not in ("s",) else unit
    return count * _UNITS.get(base, _UNITS.get(base[:1], 1))


@dataclass(frozen=True)
class When:
    """A fixed moment (UTC), or so many minutes before the task is due."""

    at: datetime | None = None
    before_minutes: int | None = None

    @property
    def relative(self) -> bool:
        return self.before_minutes is not None


def read_when(text: str, zone: ZoneInfo, now: datetime) -> When:
    """Read ``text`` in ``zone`` at ``now``; ValidationError when it names no time, or a time gone by."""
    words = " ".join(text.lower().replace(",", " ").split()).removeprefix("at ").strip()
    if not words:
        raise ValidationError("When should I remind you?", hint=HINT)
    if (before := _BEFORE.match(words)) is not None:
        amount, unit = before.group(1), before.group(2)
        return When(before_minutes=_minutes(amount, unit) if amount else 0)
    if _AT_DUE.match(words):
        return When(before_minutes=0)
    if (later := _IN.match(words)) is not None:
        return When(at=now + timedelta(minutes=_minutes(later.group(1), later.group(2))))
    for pattern, clock in _DAYPARTS:
        words = pattern.sub(clock, words)
    try:
        due = parse_due(words, zone.key, now=now)
    except ValidationError:
        raise ValidationError(f'I can\'t tell when "{text}" is.', hint=HINT) from None
    moment = local_instant(due.date, due.time or MORNING, zone)
    if moment <= now:
        if due.time is None and due.date == now.astimezone(zone).date():
            raise ValidationError(f'It\'s already past {MORNING:%H:%M} today; pick a time, like "today 5pm".')
        raise ValidationError(f'"{text}" has already passed.', hint=HINT)
    return When(at=moment)


def when_label(moment: datetime, zone: ZoneInfo, now: datetime) -> str:
    """ "today at 15:10", "tomorrow at 9:00", "Fri Dec 11 at 9:00", in the reader's zone."""
    local, today = moment.astimezone(zone), now.astimezone(zone).date()
    clock = f"{local.hour}:{local.minute:02d}"
    days = (local.date() - today).days
    if days == 0:
        return f"today at {clock}"
    if days == 1:
        return f"tomorrow at {clock}"
    return f"{local:%a %b} {local.day} at {clock}"


def lead_label(minutes: int) -> str:
    """ "1 day", "2 hours", "30 minutes": how long before due."""
    for size, name in ((10080, "week"), (1440, "day"), (60, "hour")):
        if minutes >= size and minutes % size == 0:
            n = minutes // size
            return f"{n} {name}{'s' if n != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
