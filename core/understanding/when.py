"""Dates, times and repeats anywhere in a message: "book the band next friday in Wedding" → "next friday".

A date phrase starts at a word that can start one (a weekday, a month, "tomorrow", "in" before a number…) and
runs over words that can belong to one; the longest run that ``core.dates.parse_due`` reads wins. Each run is
parsed at most a few times, so a message costs a few dateparser calls, not one per word pair.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from core.dates import parse_due
from core.errors import ValidationError
from core.understanding.words import Word, keyword

WEEKDAYS = frozenset(
    "mon monday tue tues tuesday wed weds wednesday thu thur thurs thursday fri friday sat saturday sun "
    "sunday".split()
)
MONTHS = frozenset(
    "jan january feb february mar march apr april may jun june jul july aug august sep sept september oct "
    "october nov november dec december".split()
)
_DAYS = frozenset("today tonight tomorrow tmrw tmr tomorrows yesterday eod eow eom noon midnight".split())
# Words that start a date only after a filler ("on sat") or before a number ("may 5"): they are words too.
_AMBIGUOUS = frozenset({"sun", "sat", "wed", "mar", "may", "second"})
_STARTERS = WEEKDAYS | MONTHS | _DAYS | {"next", "this", "coming", "end", "in", "at", "within"}
_FILLERS = frozenset({"by", "on", "due", "before", "until", "till", "til", "for", "at", "from"})
_NUMBER_WORDS = frozenset("a an one two three four five six seven eight nine ten couple few".split())
_UNITS = frozenset("minute minutes min mins hour hours hr hrs day days week weeks month months".split())
_INSIDE = (
    WEEKDAYS
    | MONTHS
    | _DAYS
    | _NUMBER_WORDS
    | _UNITS
    | {"next", "this", "coming", "end", "of", "the", "week", "month", "at", "in", "am", "pm", "from", "now"}
    | {"day"}
    | {"morning", "afternoon", "evening", "night", "o'clock", "and", "half"}
)
_PART_OF_DAY = {"morning": "9am", "afternoon": "2pm", "evening": "6pm", "night": "8pm"}
_DATE_SHAPE = re.compile(
    r"^(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?|\d{1,2}(?::\d{2})?(?:am|pm|a\.m\.|p\.m\.)"
    r"|\d{1,2}:\d{2}|\d{1,2}(?:st|nd|rd|th))$"
)
_NUMBER = re.compile(r"^\d{1,4}$")
_REPEAT_START = frozenset({"every", "each", "daily", "weekly", "monthly", "yearly", "weekdays", "biweekly"})
_REPEAT_INSIDE = (
    WEEKDAYS
    | MONTHS
    | _UNITS
    | _NUMBER_WORDS
    | {"other", "week", "month", "year", "weekday", "weekdays", "on", "the", "at", "and", "day", "morning"}
    | {"quarter", "quarters", "fortnight", "years", "second", "third", "fourth", "workday", "workdays"}
    | {"afternoon", "evening", "first", "last", "1st", "2nd", "3rd", "15th", "am", "pm", "of"}
)


# Date parses one message may cost: a real message has a date or two; "end of end of end of …" gets no more.
MAX_TRIES = 24


@dataclass(frozen=True, slots=True)
class Found:
    """What was found and where: words ``start`` up to (not including) ``end``."""

    start: int
    end: int
    value: str


def find_due(
    words: list[Word], tz: str, now: datetime, *, skip: set[int] | frozenset[int] = frozenset()
) -> Found | None:
    """The first date phrase among ``words`` (but those in ``skip``), with the fillers before it.

    ``value`` is the phrase ``parse_due`` reads ("next friday", "tomorrow 9am").
    """
    lows = [keyword(w.low) for w in words]
    tries = MAX_TRIES
    i = 0
    while i < len(words) and tries > 0:
        if i in skip or not _starts(lows, i):
            i += 1
            continue
        end = i + 1
        while end < len(words) and end not in skip and end - i < 7 and _inside(lows[end], words[end]):
            end += 1
        for stop in range(end, i, -1):
            phrase = _phrase(lows[i:stop])
            if not phrase:
                continue
            tries -= 1
            if _parses(phrase, tz, now):
                start = i - 1 if i > 0 and lows[i - 1] == "the" and lows[i] == "end" else i
                while start > 0 and start - 1 not in skip and lows[start - 1] in _FILLERS:
                    start -= 1
                return Found(start, stop, phrase)
        i += 1
    return None


def find_repeat(words: list[Word], *, skip: set[int] | frozenset[int] = frozenset()) -> Found | None:
    """A repeat rule ("every monday 9am", "every 2 weeks on fri", "daily") as typed, lower case."""
    lows = [w.low for w in words]
    # "every …" anywhere; "daily"/"weekly" only at the end ("water the plants daily"), as in a title
    # ("Send weekly report") they are words.
    starts = [i for i, low in enumerate(lows) if low in ("every", "each")]
    starts += [i for i, low in enumerate(lows) if low in _REPEAT_START and _ends_here(lows, i)]
    for i in starts:
        low = lows[i]
        if i in skip:
            continue
        end = i + 1
        while (
            end < len(words)
            and end not in skip
            and (lows[end] in _REPEAT_INSIDE or _NUMBER.match(lows[end]) or _DATE_SHAPE.match(lows[end]))
        ):
            end += 1
        while end > i + 1 and lows[end - 1] in {"on", "the", "at", "and", "of"}:
            end -= 1
        if low in ("every", "each") and end == i + 1:
            continue
        start = i - 1 if i > 0 and lows[i - 1] in {"repeat", "repeats", "repeating", "recurring"} else i
        return Found(start, end, " ".join(lows[i:end]))
    return None


def _ends_here(lows: list[str], i: int) -> bool:
    rest = lows[i + 1 :]
    return all(w in _REPEAT_INSIDE or _NUMBER.match(w) or _DATE_SHAPE.match(w) for w in rest)


def _starts(lows: list[str], i: int) -> bool:
    low = lows[i]
    after = lows[i + 1] if i + 1 < len(lows) else ""
    if _DATE_SHAPE.match(low):
        return True
    if _NUMBER.match(low):
        return after in MONTHS
    if low in ("in", "within"):
        return bool(_NUMBER.match(after)) or after in _NUMBER_WORDS
    if low == "at":
        return bool(_DATE_SHAPE.match(after) or _NUMBER.match(after) or after in ("noon", "midnight"))
    if low == "end":
        return after == "of"
    if low in ("next", "this", "coming"):
        return after in WEEKDAYS or after in ("week", "month", "weekend", "morning", "afternoon", "evening")
    if low in _AMBIGUOUS:
        before = lows[i - 1] if i > 0 else ""
        return before in _FILLERS or bool(_NUMBER.match(after) or _DATE_SHAPE.match(after))
    if low in MONTHS:
        return bool(_NUMBER.match(after) or _DATE_SHAPE.match(after))
    return low in _STARTERS


def _inside(low: str, word: Word) -> bool:
    return low in _INSIDE or (bool(_DATE_SHAPE.match(low) or _NUMBER.match(low)) and not word.quoted)


def _phrase(lows: list[str]) -> str:
    words = [w for w in lows if w not in ("o'clock",)]
    if len(words) >= 3 and words[0] == "end" and words[1] == "of" and words[-1] in MONTHS:
        return f"{words[-1]} {_last_day(words[-1])}"  # "end of january": its last day
    if words and words[-1] in ("the", "of", "and", "at", "in", "from"):
        return ""
    out: list[str] = []
    for w in words:
        if w in _PART_OF_DAY:
            if out and out[-1] in ("this",):
                out[-1] = "today"
            out.append(_PART_OF_DAY[w])
        elif w in ("tmrw", "tmr", "tomorrows"):
            out.append("tomorrow")
        else:
            out.append(w)
    return " ".join(out)


def _last_day(month: str) -> int:
    number = next(i for i, names in enumerate(_MONTH_NAMES, start=1) if month in names)
    return 29 if number == 2 else (30 if number in (4, 6, 9, 11) else 31)


_MONTH_NAMES = (
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
    ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
    ("dec", "december"),
)  # fmt: skip


def _parses(phrase: str, tz: str, now: datetime) -> bool:
    try:
        parse_due(phrase, tz, now)
    except ValidationError:
        return False
    return True
