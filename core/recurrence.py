"""Repeat rules for recurring tasks: "every monday 9am", "every 2 weeks on fri", "every month on the 1st".

``parse_rule`` reads a rule as people type it into a ``Rule``: a canonical text (what a task stores and shows,
and what ``parse_rule`` reads back unchanged) and an RFC 5545 RRULE string (dateutil.rrule computes the
dates). ``next_after`` gives the next occurrence as a ``Due`` in local wall time, as a task keeps its due date
and time: "9am" stays 9am across a DST switch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrulestr

from core.dates import Due, parse_tz
from core.errors import ValidationError

MAX_RULE_TEXT = 80
NONE_WORDS = frozenset({"none", "never", "no", "off", "stop", "clear", "-"})
HINT = 'Try "every monday 9am", "every 2 weeks on fri", "every month on the 1st" or "every weekday".'

_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_WEEKDAYS: dict[str, int] = {
    "mon": 0, "monday": 0, "mondays": 0,
    "tue": 1, "tues": 1, "tuesday": 1, "tuesdays": 1,
    "wed": 2, "weds": 2, "wednesday": 2, "wednesdays": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "thursdays": 3,
    "fri": 4, "friday": 4, "fridays": 4,
    "sat": 5, "saturday": 5, "saturdays": 5,
    "sun": 6, "sunday": 6, "sundays": 6,
}  # fmt: skip
_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december",
)  # fmt: skip
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_MAX_INTERVAL = {"day": 366, "week": 52, "month": 24, "year": 10}
_MONTHS: dict[str, int] = {
    **{name: i for i, name in enumerate(_MONTH_NAMES, start=1)},
    **{name[:3]: i for i, name in enumerate(_MONTH_NAMES, start=1)},
    "sept": 9,
}
_UNITS = {
    "day": "day", "days": "day", "week": "week", "weeks": "week", "month": "month", "months": "month",
    "quarter": "quarter", "quarters": "quarter", "year": "year", "years": "year", "fortnight": "fortnight",
}  # fmt: skip
_WORKDAYS = frozenset({"weekday", "weekdays", "workday", "workdays"})
_WEEKEND = frozenset({"weekend", "weekends"})
_COUNTS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "other": 2}
_PERIODS = frozenset({"day", "week", "month", "quarter", "year"})
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}
_PART_OF_DAY = {"morning": time(9), "afternoon": time(14), "evening": time(18), "noon": time(12)}
# One-word rules, as people say them ("water the plants daily").
_SHORTHANDS = {
    "daily": "every day",
    "weekly": "every week",
    "biweekly": "every 2 weeks",
    "fortnightly": "every 2 weeks",
    "monthly": "every month",
    "quarterly": "every quarter",
    "yearly": "every year",
    "annually": "every year",
    "weekdays": "every weekday",
}
_FILLERS = frozenset({"on", "the", "at", "and", "of"})
_LEADING = re.compile(r"^(?:repeat(?:s|ing)?|recurr?(?:s|ing)?)\s+")
_NUMBER = re.compile(r"^\d{1,3}$")
_MONTHDAY = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)$")
_CLOCK = re.compile(r"^(\d{1,2})(?::(\d{2}))?(am|pm|a\.m\.|p\.m\.)?$")


@dataclass(frozen=True, slots=True)
class Rule:
    """A repeat rule: the canonical text people see, the RRULE that computes it, and its time of day."""

    text: str
    rrule: str
    time: time | None = None

    def __str__(self) -> str:
        return self.text


@dataclass
class _Parts:
    """What the words of a rule said, before it becomes an RRULE."""

    interval: int = 1
    unit: str | None = None
    days: tuple[int, ...] = ()
    monthdays: tuple[int, ...] = ()
    nth: int | None = None  # with one weekday: "the first monday" of the month
    month: int | None = None
    at: time | None = None


def is_rule_word(word: str) -> bool:
    """True for a word that can belong to a rule after "every" (quick-add finds where a rule ends)."""
    low = word.lower().rstrip(",")
    return (
        low in _WEEKDAYS
        or low in _MONTHS
        or low in _UNITS
        or low in _WORKDAYS
        or low in _WEEKEND
        or low in _COUNTS
        or low in _ORDINALS
        or low in _PART_OF_DAY
        or low in _FILLERS
        or low in ("am", "pm", "midnight")
        or bool(_NUMBER.match(low) or _MONTHDAY.match(low) or _CLOCK.match(low))
    )


def is_none(text: str) -> bool:
    """True for the words that mean "stop repeating"."""
    return text.strip().lower() in NONE_WORDS


def parse_rule(text: str) -> Rule:
    """The rule ``text`` describes; ValidationError with examples when it can't be read."""
    raw = " ".join(text.split())
    if not raw:
        raise ValidationError("How often should it repeat?", hint=HINT)
    if len(raw) > MAX_RULE_TEXT:
        raise ValidationError(f"That repeat rule is over {MAX_RULE_TEXT} characters.", hint=HINT)
    low = _LEADING.sub("", raw.lower().replace(",", " "))
    low = _SHORTHANDS.get(low, low)
    words = low.split()
    if words and words[0] == "each":
        words[0] = "every"
    if not words or words[0] != "every" or len(words) == 1:
        raise ValidationError(f'I can\'t read "{raw}" as a repeat rule.', hint=HINT)
    parts = _read(words[1:], raw)
    return _build(parts, raw)


def _read(words: list[str], raw: str) -> _Parts:
    """Walk the words after "every" once, filling in the parts they name."""
    p = _Parts()
    i = 0
    while i < len(words):
        w = words[i]
        after = words[i + 1] if i + 1 < len(words) else ""
        before = words[i - 1] if i > 0 else ""
        i += 1
        if w in _FILLERS:
            continue
        clock = _clock(w, after, before)
        if clock is not None:
            value, used = clock
            if p.at is not None:
                raise ValidationError(f'"{raw}" gives two times of day; keep one.', hint=HINT)
            p.at = value
            i += used
            continue
        if (_NUMBER.match(w) or w in _COUNTS) and after.rstrip("s") in _PERIODS:
            p.interval = int(w) if w.isdigit() else _COUNTS[w]
            continue
        if (w == "other" or (w == "second" and not before)) and (after in _WEEKDAYS or after in _UNITS):
            p.interval = 2  # "every other tuesday", "every second week"
            continue
        if w in _ORDINALS and after in _WEEKDAYS:
            p.nth, p.days = _ORDINALS[w], (_WEEKDAYS[after],)
            p.unit = p.unit or "month"
            i += 1
            continue
        if w in _ORDINALS and after == "day":
            p.monthdays += (_ORDINALS[w],)  # "the first day", "the last day" (of the month)
            i += 1
            continue
        if (m := _MONTHDAY.match(w)) or (_NUMBER.match(w) and (before in ("the", "on") or p.month)):
            day = int(m.group(1) if m else w)
            if not 1 <= day <= 31:
                raise ValidationError(f"There is no day {day} in a month.", hint=HINT)
            p.monthdays += (day,)
            continue
        if w in _WEEKDAYS:
            p.days += (_WEEKDAYS[w],)
            continue
        if w in _WORKDAYS:
            p.days, p.unit = (0, 1, 2, 3, 4), "week"
            continue
        if w in _WEEKEND:
            p.days, p.unit = (5, 6), "week"
            continue
        if w in _MONTHS:
            p.month = _MONTHS[w]
            continue
        if w in _UNITS:
            unit = _UNITS[w]
            if unit == "fortnight":
                p.interval, unit = p.interval * 2, "week"
            if p.unit not in (None, unit) and not (p.unit == "month" and unit == "day"):
                raise ValidationError(f'"{raw}" names two periods; keep one.', hint=HINT)
            if not (unit == "day" and p.unit == "month"):  # "the last day of the month"
                p.unit = unit
            continue
        raise ValidationError(f'I can\'t read "{w}" in the repeat rule "{raw}".', hint=HINT)
    return p


def _clock(word: str, after: str, before: str) -> tuple[time, int] | None:
    """A time of day at ``word`` ("9am", "8:30", "at 9", "9 am", "noon") and how many more words it took."""
    if word in _PART_OF_DAY:
        return _PART_OF_DAY[word], 0
    if word == "midnight":
        return time(0), 0
    m = _CLOCK.match(word)
    if m is None:
        return None
    hour, minute, half = int(m.group(1)), int(m.group(2) or 0), m.group(3)
    used = 0
    if half is None and after in ("am", "pm"):
        half, used = after, 1
    if half is None and m.group(2) is None and before != "at":
        return None  # a bare number: a count or a day of the month, not a time
    if half is not None:
        if not 1 <= hour <= 12:
            raise ValidationError(f'"{word}" isn\'t a time of day.', hint=HINT)
        hour = hour % 12 + (12 if half.startswith("p") else 0)
    if hour > 23 or minute > 59:
        raise ValidationError(f'"{word}" isn\'t a time of day.', hint=HINT)
    return time(hour, minute), used


def _build(p: _Parts, raw: str) -> Rule:
    """The canonical text and RRULE of the parts; ValidationError for parts that make no rule."""
    unit = p.unit
    if unit is None:
        if p.month is not None:
            unit = "year"
        elif p.monthdays or p.nth is not None:
            unit = "month"
        elif p.days:
            unit = "week"
        else:
            raise ValidationError(f'"{raw}" doesn\'t say how often.', hint=HINT)
    if unit == "quarter":
        unit, interval = "month", p.interval * 3
    else:
        interval = p.interval
    if p.days and unit == "day":
        unit = "week"  # "every day on monday" means mondays
    if p.monthdays and unit not in ("month", "year"):
        raise ValidationError(f'"{raw}": a day of the month needs "every month".', hint=HINT)
    if p.month is not None and unit != "year":
        unit = "year"
    if p.month is not None and not p.monthdays and p.nth is None:
        raise ValidationError(f'"{raw}": which day of {_MONTH_NAMES[p.month - 1]}?', hint=HINT)
    if p.nth is not None and unit not in ("month", "year"):
        raise ValidationError(f'"{raw}": "the first monday" needs "of the month".', hint=HINT)
    if not 1 <= interval <= _MAX_INTERVAL[unit]:
        raise ValidationError(f'"{raw}": repeat at most every {_MAX_INTERVAL[unit]} {unit}s.', hint=HINT)
    if p.month is not None and any(d > _MONTH_DAYS[p.month - 1] for d in p.monthdays):
        raise ValidationError(f'"{raw}": {_MONTH_NAMES[p.month - 1]} has no such day.', hint=HINT)
    if p.month == 2 and 29 in p.monthdays and interval > 1:
        # a leap day every n years may never come round again: dateutil would search for centuries
        raise ValidationError(f'"{raw}": February 29th repeats only "every year".', hint=HINT)
    freq = {"day": "DAILY", "week": "WEEKLY", "month": "MONTHLY", "year": "YEARLY"}[unit]
    fields = [f"FREQ={freq}"]
    if interval > 1:
        fields.append(f"INTERVAL={interval}")
    if p.month is not None:
        fields.append(f"BYMONTH={p.month}")
    days = tuple(sorted(set(p.days)))
    if days:
        prefix = "" if p.nth is None else f"{p.nth:+d}"
        fields.append("BYDAY=" + ",".join(prefix + _DAY_CODES[d] for d in days))
    monthdays = tuple(dict.fromkeys(p.monthdays))
    if monthdays:
        fields.append("BYMONTHDAY=" + ",".join(str(d) for d in monthdays))
    if p.at is not None:
        fields += [f"BYHOUR={p.at.hour}", f"BYMINUTE={p.at.minute}", "BYSECOND=0"]
    text = _canonical(unit, interval, days, monthdays, p.nth, p.month, p.at)
    return Rule(text=text, rrule=";".join(fields), time=p.at)


def _canonical(
    unit: str,
    interval: int,
    days: tuple[int, ...],
    monthdays: tuple[int, ...],
    nth: int | None,
    month: int | None,
    at: time | None,
) -> str:
    """The rule in the words ``parse_rule`` reads back to the same rule ("every 2 weeks on friday 9am")."""
    names = " and ".join(_DAY_NAMES[d] for d in days)
    if unit == "day":
        text = "every day" if interval == 1 else f"every {interval} days"
    elif unit == "week":
        if days == (0, 1, 2, 3, 4) and interval == 1:
            text = "every weekday"
        elif days:
            text = f"every {names}" if interval == 1 else f"every {interval} weeks on {names}"
        else:
            text = "every week" if interval == 1 else f"every {interval} weeks"
    elif unit == "month":
        text = {1: "every month", 3: "every quarter"}.get(interval, f"every {interval} months")
        if nth is not None:
            text += f" on the {_ordinal_word(nth)} {names}"
        elif monthdays:
            text += " on the " + " and ".join(_monthday(d) for d in monthdays)
    else:
        text = "every year" if interval == 1 else f"every {interval} years"
        if month is not None:
            name = _MONTH_NAMES[month - 1]
            if nth is not None:
                text += f" on the {_ordinal_word(nth)} {names} of {name}"
            else:
                text += f" on {name} " + " and ".join(_monthday(d) for d in monthdays)
    return f"{text} {_clock_text(at)}" if at is not None else text


def _ordinal_word(n: int) -> str:
    return {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}[n]


def _monthday(day: int) -> str:
    if day == -1:
        return "last day"
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _clock_text(at: time) -> str:
    """``9am``, ``8:30am``, ``12pm``: the shortest spelling ``parse_rule`` reads back."""
    hour = at.hour % 12 or 12
    half = "am" if at.hour < 12 else "pm"
    return f"{hour}{half}" if at.minute == 0 else f"{hour}:{at.minute:02d}{half}"


def next_after(rule: Rule | str, after: date | datetime, tz: str | ZoneInfo = "UTC") -> Due:
    """The first occurrence of ``rule`` after ``after``, as a local date (and time when the rule has one).

    A ``date`` means "the day this one was due": the next occurrence is on a later day. A ``datetime`` means
    "now": converted to ``tz`` first, and an occurrence later today counts (today itself for a rule with no
    time of day). Everything is computed in local wall time, so a 9am rule stays at 9am across DST.
    """
    if isinstance(rule, str):
        rule = parse_rule(rule)
    zone = tz if isinstance(tz, ZoneInfo) else parse_tz(tz)
    if isinstance(after, datetime):
        local = after.astimezone(zone) if after.tzinfo is not None else after
        anchor = local.date()
        # An untimed rule's occurrence is the whole day, so today counts; a timed one must still be ahead.
        if rule.time is not None:
            earliest = local.replace(tzinfo=None, second=0, microsecond=0)
        else:
            earliest = datetime(anchor.year, anchor.month, anchor.day)
        inclusive = rule.time is None
    else:
        anchor = after
        earliest = datetime(after.year, after.month, after.day) + timedelta(days=1)
        inclusive = True
    found = _occurrence(rule, anchor, earliest, inclusive)
    if found is None:
        raise ValidationError(f'"{rule.text}" never happens again.', hint=HINT)
    return Due(found.date(), rule.time)


def _occurrence(rule: Rule, anchor: date, earliest: datetime, inclusive: bool) -> datetime | None:
    start = datetime(anchor.year, anchor.month, anchor.day)
    fields = {key: value for key, _, value in (f.partition("=") for f in rule.rrule.split(";"))}
    freq = fields["FREQ"]
    if freq in ("MONTHLY", "YEARLY") and not ({"BYDAY", "BYMONTHDAY", "BYMONTH"} & set(fields)):
        # "every month" from the 31st: dateutil skips months without a 31st; people mean the month's end.
        step = int(fields.get("INTERVAL", "1"))
        at = rule.time or time()
        months = step if freq == "MONTHLY" else 12 * step
        for k in range(3):  # the anchor's own period, the next, and one spare
            # Always from the anchor, never step by step: Jan 31 → Feb 28 → Mar 31, not Mar 28.
            moment = datetime.combine((start + relativedelta(months=months * k)).date(), at)
            if moment > earliest or (inclusive and moment == earliest):
                return moment
        return None
    recurrence = rrulestr(rule.rrule, dtstart=start)
    return recurrence.after(earliest, inc=inclusive)
