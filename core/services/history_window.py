"""Periods of the past in plain words ("today", "this week", "2 days ago", "since monday") for history."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

import dateparser

from core.errors import ValidationError
from core.services.actor import Actor

_AGO = re.compile(
    r"^(?:(?:in )?(?:the )?(?:last|past) (?P<n1>\d+|a|an|one|two|three) ?(?P<u1>hours?|h|days?|d|weeks?|w)"
    r"|(?P<n2>\d+|a|an|one|two|three) ?(?P<u2>hours?|h|days?|d|weeks?|w) ago)$"
)
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3}
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}
_SINCE = re.compile(r"^(?:since|from|after)\s+")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_WORDS = {
    **{d: i for i, d in enumerate(_WEEKDAYS)},
    **{d[:3]: i for i, d in enumerate(_WEEKDAYS)},
    "tues": 1, "weds": 2, "thur": 3, "thurs": 3,
}  # fmt: skip
_PAST: dict[str, Any] = {
    "PREFER_DATES_FROM": "past",
    "RETURN_AS_TIMEZONE_AWARE": False,
    "TIMEZONE": "UTC",  # phrases are wall-clock time in the user's zone (RELATIVE_BASE is that zone's now)
}
DEFAULT_DAYS = 7


@dataclass(frozen=True)
class Period:
    """From ``since`` (inclusive) to ``until`` (exclusive, None: now), UTC-aware; ``label`` as said back."""

    since: datetime
    until: datetime | None
    label: str


def _midnight(actor: Actor, days_back: int = 0) -> datetime:
    day = actor.today() - timedelta(days=days_back)
    return datetime.combine(day, time(0), tzinfo=actor.zone)


def period(actor: Actor, words: str | None) -> Period:
    """The period ``words`` names, in the actor's timezone; the last seven days when nothing is said."""
    text = " ".join((words or "").lower().split()).strip(" .?!")
    if not text:
        return Period(actor.instant() - timedelta(days=DEFAULT_DAYS), None, "in the last 7 days")
    text = _SINCE.sub("", text)
    if text in ("today", "this morning", "so far today"):
        return Period(_midnight(actor), None, "today")
    if text == "yesterday":
        return Period(_midnight(actor, 1), _midnight(actor), "yesterday")
    if text in ("week", "a week", "the week", "last 7 days", "past week", "the past week", "the last week"):
        return Period(actor.instant() - timedelta(days=7), None, "in the last 7 days")
    if text in ("this week", "the whole week"):
        return Period(_midnight(actor, actor.today().weekday()), None, "this week")
    if text == "last week":
        start = _midnight(actor, actor.today().weekday() + 7)
        return Period(start, start + timedelta(days=7), "last week")
    if text in ("this month", "month"):
        return Period(_midnight(actor, actor.today().day - 1), None, "this month")
    if match := _AGO.match(text):
        count, unit = (match["n1"], match["u1"]) if match["n1"] else (match["n2"], match["u2"])
        n = int(count) if count.isdigit() else _NUMBERS[count]
        unit = _UNITS.get(unit, unit if unit.endswith("s") else unit + "s")
        delta = timedelta(**{unit: n})
        label = f"in the last {n} {unit if n != 1 else unit[:-1]}"
        if unit == "days" and match["n2"]:  # "2 days ago": that day's midnight, as people mean it
            return Period(_midnight(actor, n), None, f"since {n} day{'s' if n != 1 else ''} ago")
        return Period(actor.instant() - delta, None, label)
    if text in _WEEKDAY_WORDS:
        day = _WEEKDAY_WORDS[text]
        back = (actor.today().weekday() - day) % 7  # the latest one, today included
        return Period(_midnight(actor, back), None, f"since {_WEEKDAYS[day].capitalize()}")
    return _dateparsed(actor, text)


def _dateparsed(actor: Actor, text: str) -> Period:
    base = actor.now().replace(tzinfo=None)
    found = dateparser.parse(text[:80], languages=["en"], settings={**_PAST, "RELATIVE_BASE": base})
    if found is None:
        raise ValidationError(
            f"I can't tell which time `{text}` means.", hint='Try "today", "this week", "2 days ago".'
        )
    since = found.replace(tzinfo=actor.zone)
    if since.time() == time(0) or since == base.replace(tzinfo=actor.zone):
        since = datetime.combine(found.date(), time(0), tzinfo=actor.zone)
    return Period(since, None, f"since {since:%a %b} {since.day}")
