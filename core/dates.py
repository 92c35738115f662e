"""Natural-language due dates ("fri 3pm", "in 3 days", "dec 5"), resolved in the user's timezone.

Semantics (relative to ``now`` converted to the user's timezone):

* ``today``, ``tomorrow``, ``yesterday``, ``tonight``, ``eod`` — as you would expect.
* A bare weekday (``fri``, ``friday``, ``coming fri``) is the next one strictly after today: ``fri`` said on
  a Friday means a week later.  ``this fri`` counts today (today if it is Friday, else the upcoming one).
  ``next fri`` is the Friday of next week (weeks run Monday to Sunday), so on a Monday ``next fri`` is 11
  days away, not 4.
* ``next week`` is the Monday of next week; ``this week`` / ``end of week`` / ``eow`` is this week's
  Friday, or Sunday once Friday has passed; ``end of month`` / ``eom`` is the month's last day.
* Dates without a year (``dec 5``, ``5 dec``, ``december 5th``, ``12/05`` — month first) are the next
  occurrence counting today; explicit years (``2026-12-05``) are taken as written, past or not.
* A time is kept only when one was written (``3pm``, ``15:30``, ``noon``, ``in 2 hours``); a trailing
  zone (``3pm PST``) is converted to the user's zone.  A time alone (``3pm``) is today, or tomorrow if
  that time has passed.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import dateparser
from dateparser.timezone_parser import pop_tz_offset_from_string

from core.errors import ValidationError

MAX_DATE_TEXT = 80  # dateparser's cost grows with input; nobody types a longer date

_HINT = 'Try "tomorrow", "fri", "dec 5" or "2026-12-05".'

# Built once and reused. ``languages=["en"]`` matters most: without it dateparser runs language detection
# over ~200 locales on every call, which costs tens of milliseconds per phrase instead of well under one.
_LANGUAGES = ["en"]
_BASE_SETTINGS: dict[str, Any] = {
    "PREFER_DATES_FROM": "future",
    "RETURN_AS_TIMEZONE_AWARE": False,
    "DATE_ORDER": "MDY",
    # Phrases are read as wall-clock time in the user's zone (RELATIVE_BASE is that zone's naive "now");
    # naming UTC here stops dateparser from consulting the host's local zone.
    "TIMEZONE": "UTC",
}
# "jan", "2027" or "4th" alone would otherwise become an arbitrary day; a due date needs a day.
_STRICT_SETTINGS: dict[str, Any] = {**_BASE_SETTINGS, "REQUIRE_PARTS": ["day"]}

_WEEKDAYS = {
    "mon": 0, "monday": 0,
    "tue": 1, "tues": 1, "tuesday": 1,
    "wed": 2, "weds": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3,
    "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5,
    "sun": 6, "sunday": 6,
}  # fmt: skip
_WEEKDAY_RE = re.compile(
    r"^(?:(this|next|coming)\s+)?(" + "|".join(sorted(_WEEKDAYS, key=len, reverse=True)) + r")\b,?\s*(.*)$"
)
_PERIOD_RE = re.compile(
    r"^(next week|this week|end of (?:the )?week|eow|end of (?:the )?month|eom|eod|end of (?:the )?day"
    r"|tonight)\b,?\s*(.*)$"
)
_LEADING_FILLER_RE = re.compile(r"^(?:by|on|due)\s+")
# A written time of day; its absence means the phrase names a day only.
_TIME_RE = re.compile(
    r"(?<![\d:])\d{1,2}(?::\d{2}){0,2}\s*(?:am|pm|a\.m\.?|p\.m\.?)(?![a-z])"
    r"|(?<![\d:])\d{1,2}:\d{2}"
    r"|\b(?:noon|midday|midnight)\b"
    r"|\b(?:hours?|hrs?|minutes?|mins?)\b"
)
_TIME_ONLY_RE = re.compile(
    r"^(?:at\s+)?(?:\d{1,2}(?::\d{2}){0,2}\s*(?:am|pm|a\.m\.?|p\.m\.?)|\d{1,2}:\d{2}(?::\d{2})?"
    r"|noon|midday|midnight)$"
)
# Phrases that name a year or count from today are never pulled back from next year.
_NO_ROLLBACK_RE = re.compile(
    r"\d{4}|'\d{2}\b|\b(?:in|ago|from|next|last|after|days?|weeks?|fortnight|months?|years?|yrs?)\b"
)


@dataclass(frozen=True, slots=True)
class Due:
    """A resolved due date, with a time of day only when the user wrote one."""

    date: date
    time: time | None = None

    def phrase(self) -> str:
        """An absolute phrase that ``parse_due`` reads back as this value (``2026-12-04 15:00``)."""
        day = self.date.isoformat()
        return f"{day} {self.time.strftime('%H:%M')}" if self.time is not None else day


def parse_tz(name: str) -> ZoneInfo:
    """The IANA zone called ``name`` (case-insensitive), or ValidationError."""
    key = name.strip()
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # ValueError/OSError: zoneinfo rejects odd keys ("", "../x", "America") with these rather than
        # ZoneInfoNotFoundError.
        pass
    canonical = _zones_by_lower().get(key.lower())
    if canonical is None:
        raise ValidationError(
            f'I don\'t know the timezone "{name}".',
            hint='Use an IANA name such as "Europe/Paris", "America/Los_Angeles" or "UTC".',
        )
    return ZoneInfo(canonical)


@lru_cache(maxsize=1)
def _zones_by_lower() -> dict[str, str]:
    # Listing zones walks tzdata's files, so do it once and only when a lookup missed.
    return {zone.lower(): zone for zone in available_timezones()}


def today_in(tz: str, now: datetime | None = None) -> date:
    """The calendar date in zone ``tz`` at ``now`` (default: the current time)."""
    return _local_now(tz, now).date()


def parse_due(text: str, tz: str, now: datetime | None = None) -> Due:
    """Resolve a due phrase such as "fri 3pm" or "dec 5" in zone ``tz``; ValidationError if unparseable."""
    local_now = _local_now(tz, now)
    phrase = _normalize(text)
    if not phrase:
        raise ValidationError("The due date is empty.", hint=_HINT)
    if len(phrase) > MAX_DATE_TEXT:
        raise ValidationError(
            f"That date is {len(phrase)} characters long; I read at most {MAX_DATE_TEXT}.", hint=_HINT
        )
    due = _parse_phrase(phrase, local_now)
    if due is None:
        raise ValidationError(f'I couldn\'t understand the date "{text.strip()}".', hint=_HINT)
    return due


def warm_up() -> None:
    """Build dateparser's regexes now (~100 ms, once per process) so the first due date a user types does
    not pay for it on the event loop; call it off the loop at start (``asyncio.to_thread``)."""
    parse_due("dec 5 3pm", "UTC")


def _local_now(tz: str, now: datetime | None) -> datetime:
    zone = parse_tz(tz)
    if now is None:
        now = datetime.now(UTC)
    elif now.tzinfo is None:
        now = now.replace(tzinfo=UTC)  # the domain's rule: a naive datetime is UTC
    return now.astimezone(zone)


def _normalize(text: str) -> str:
    phrase = " ".join(text.lower().split()).strip(" .,;!")
    return _LEADING_FILLER_RE.sub("", phrase)


def _parse_phrase(phrase: str, local_now: datetime) -> Due | None:
    today = local_now.date()
    # dateparser's weekday and "next week" readings shift between versions and don't match the rules in
    # the module docstring, so those phrases are resolved to a day here and only the rest goes to it.
    if match := _WEEKDAY_RE.match(phrase):
        day = _weekday(today, _WEEKDAYS[match[2]], match[1])
        return _with_time(day, match[3], local_now)
    if match := _PERIOD_RE.match(phrase):
        return _with_time(_period(today, match[1]), match[2], local_now)
    return _dateparser(phrase, local_now)


def _weekday(today: date, weekday: int, qualifier: str | None) -> date:
    ahead = (weekday - today.weekday()) % 7
    if qualifier == "this":
        return today + timedelta(days=ahead)
    if qualifier == "next":
        next_monday = today + timedelta(days=7 - today.weekday())
        return next_monday + timedelta(days=weekday)
    return today + timedelta(days=ahead or 7)


def _period(today: date, name: str) -> date:
    if name == "next week":
        return today + timedelta(days=7 - today.weekday())
    if name in ("eod", "tonight") or name.endswith("day"):
        return today
    if name == "eom" or name.endswith("month"):
        return today.replace(day=calendar.monthrange(today.year, today.month)[1])
    friday = today + timedelta(days=4 - today.weekday())
    return friday if friday >= today else today + timedelta(days=6 - today.weekday())


def _with_time(day: date, rest: str, local_now: datetime) -> Due | None:
    rest = rest.strip()
    if not rest:
        return Due(day)
    if not _TIME_ONLY_RE.match(_strip_zone(rest)[0]):
        return None  # "fri dec 5": two days named at once
    return _dateparser(f"{day.isoformat()} {rest}", local_now)


def _strip_zone(phrase: str) -> tuple[str, tzinfo | None]:
    stripped, zone = pop_tz_offset_from_string(phrase)
    return stripped.strip(), zone if isinstance(zone, tzinfo) else None


def _dateparser(phrase: str, local_now: datetime) -> Due | None:
    stripped, zone = _strip_zone(phrase)
    base = local_now.replace(tzinfo=None)
    try:
        parsed = _call_dateparser(stripped, base, _STRICT_SETTINGS)
        if parsed is None and _TIME_ONLY_RE.match(stripped):
            parsed = _call_dateparser(stripped, base, _BASE_SETTINGS)
    except Exception:
        # dateparser is a heuristic parser over arbitrary chat text and has raised ValueError,
        # OverflowError and friends on odd inputs; to the user any of those just means "not a date".
        return None
    if parsed is None:
        return None
    has_time = bool(_TIME_RE.search(stripped))
    if has_time and zone is not None:
        # "3pm PST": the wall time was written in that zone; move it to the user's.
        parsed = parsed.replace(tzinfo=zone).astimezone(local_now.tzinfo).replace(tzinfo=None)
    day = parsed.date()
    if not _NO_ROLLBACK_RE.search(phrase) and day == _add_year(local_now.date()):
        # PREFER_DATES_FROM="future" treats today's own month/day ("mar 13" on March 13) as past and
        # jumps a year; a date that is due today is still in the future for a to-do list.
        day = local_now.date()
    return Due(day, parsed.time().replace(second=0, microsecond=0) if has_time else None)


def _call_dateparser(phrase: str, base: datetime, settings: dict[str, Any]) -> datetime | None:
    return dateparser.parse(phrase, languages=_LANGUAGES, settings={**settings, "RELATIVE_BASE": base})


def _add_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # February 29th
        return day.replace(year=day.year + 1, day=28)
