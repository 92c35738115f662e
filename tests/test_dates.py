"""core.dates: every documented phrase against a fixed ``now``, in zones where the local date differs."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.dates import Due, parse_due, parse_tz, today_in
from core.errors import ValidationError

# Friday 2026-03-13 20:00 UTC: still Friday 13:00 in Los Angeles (PDT), already Saturday 09:00 in Auckland.
NOW = datetime(2026, 3, 13, 20, 0, tzinfo=UTC)
# Friday 2026-03-13 03:00 UTC: Thursday 20:00 in Los Angeles, Friday 16:00 in Auckland.
EARLY = datetime(2026, 3, 13, 3, 0, tzinfo=UTC)


def d(month: int, day: int, year: int = 2026) -> date:
    return date(year, month, day)


UTC_CASES: list[tuple[str, Due]] = [
    ("today", Due(d(3, 13))),
    ("Today", Due(d(3, 13))),
    ("tomorrow", Due(d(3, 14))),
    ("yesterday", Due(d(3, 12))),
    ("tonight", Due(d(3, 13))),
    ("eod", Due(d(3, 13))),
    ("fri", Due(d(3, 20))),
    ("friday", Due(d(3, 20))),
    ("Friday.", Due(d(3, 20))),
    ("by fri", Due(d(3, 20))),
    ("this fri", Due(d(3, 13))),
    ("next fri", Due(d(3, 20))),
    ("coming fri", Due(d(3, 20))),
    ("sat", Due(d(3, 14))),
    ("sun", Due(d(3, 15))),
    ("mon", Due(d(3, 16))),
    ("monday", Due(d(3, 16))),
    ("tues", Due(d(3, 17))),
    ("wed", Due(d(3, 18))),
    ("thu", Due(d(3, 19))),
    ("thursday", Due(d(3, 19))),
    ("next week", Due(d(3, 16))),
    ("this week", Due(d(3, 13))),
    ("end of week", Due(d(3, 13))),
    ("eow", Due(d(3, 13))),
    ("end of month", Due(d(3, 31))),
    ("in 3 days", Due(d(3, 16))),
    ("in 2 weeks", Due(d(3, 27))),
    ("next month", Due(d(4, 13))),
    ("in 12 months", Due(d(3, 13, 2027))),
    ("dec 5", Due(d(12, 5))),
    ("5 dec", Due(d(12, 5))),
    ("december 5th", Due(d(12, 5))),
    ("December 5th, 2027", Due(d(12, 5, 2027))),
    ("12/05", Due(d(12, 5))),
    ("2026-12-05", Due(d(12, 5))),
    ("2025-01-01", Due(d(1, 1, 2025))),  # an explicit year is taken as written, even in the past
    ("mar 13", Due(d(3, 13))),  # today's own month/day is today, not next year
    ("march 12", Due(d(3, 12, 2027))),  # already passed this year
    ("fri 3pm", Due(d(3, 20), time(15, 0))),
    ("FRI 3PM", Due(d(3, 20), time(15, 0))),
    ("fri, 3pm", Due(d(3, 20), time(15, 0))),
    ("this fri at 9:30pm", Due(d(3, 13), time(21, 30))),
    ("wed at noon", Due(d(3, 18), time(12, 0))),
    ("tomorrow at 15:30", Due(d(3, 14), time(15, 30))),
    ("tomorrow 3 p.m.", Due(d(3, 14), time(15, 0))),
    ("today 5pm", Due(d(3, 13), time(17, 0))),
    ("2026-12-05 09:00", Due(d(12, 5), time(9, 0))),
    ("dec 5th at 3:30pm", Due(d(12, 5), time(15, 30))),
    ("at 9pm", Due(d(3, 13), time(21, 0))),  # still ahead today
    ("9am", Due(d(3, 14), time(9, 0))),  # already passed today, so tomorrow
    ("in 2 hours", Due(d(3, 13), time(22, 0))),
    ("fri 3pm PST", Due(d(3, 20), time(23, 0))),  # converted from the written zone to the user's
]


@pytest.mark.parametrize(("text", "expected"), UTC_CASES)
def test_phrases_in_utc(text: str, expected: Due) -> None:
    assert parse_due(text, "UTC", NOW) == expected


ZONE_CASES: list[tuple[str, datetime, str, Due]] = [
    # Auckland is already on Saturday the 14th at NOW.
    ("Pacific/Auckland", NOW, "today", Due(d(3, 14))),
    ("Pacific/Auckland", NOW, "tomorrow", Due(d(3, 15))),
    ("Pacific/Auckland", NOW, "sat", Due(d(3, 21))),
    ("Pacific/Auckland", NOW, "this sat", Due(d(3, 14))),
    ("Pacific/Auckland", NOW, "fri", Due(d(3, 20))),
    ("Pacific/Auckland", NOW, "next week", Due(d(3, 16))),
    ("Pacific/Auckland", NOW, "eow", Due(d(3, 15))),  # Friday has passed: Sunday closes the week
    ("Pacific/Auckland", NOW, "in 3 days", Due(d(3, 17))),
    ("Pacific/Auckland", NOW, "mar 14", Due(d(3, 14))),
    ("Pacific/Auckland", NOW, "10am", Due(d(3, 14), time(10, 0))),
    ("Pacific/Auckland", EARLY, "today", Due(d(3, 13))),
    # Los Angeles is still on Friday the 13th at NOW, and on Thursday the 12th at EARLY.
    ("America/Los_Angeles", NOW, "today", Due(d(3, 13))),
    ("America/Los_Angeles", NOW, "tomorrow", Due(d(3, 14))),
    ("America/Los_Angeles", NOW, "fri", Due(d(3, 20))),
    ("America/Los_Angeles", NOW, "tomorrow 9am utc", Due(d(3, 14), time(2, 0))),
    ("America/Los_Angeles", EARLY, "today", Due(d(3, 12))),
    ("America/Los_Angeles", EARLY, "tomorrow", Due(d(3, 13))),
    ("America/Los_Angeles", EARLY, "fri", Due(d(3, 13))),
    ("America/Los_Angeles", EARLY, "this thu", Due(d(3, 12))),
    ("America/Los_Angeles", EARLY, "mar 12", Due(d(3, 12))),
    ("America/Los_Angeles", EARLY, "in 2 hours", Due(d(3, 12), time(22, 0))),
]


@pytest.mark.parametrize(("tz", "now", "text", "expected"), ZONE_CASES)
def test_phrases_follow_the_users_zone(tz: str, now: datetime, text: str, expected: Due) -> None:
    assert parse_due(text, tz, now) == expected


MONDAY = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)
SATURDAY = datetime(2026, 3, 14, 12, 0, tzinfo=UTC)
SUNDAY = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
WEEKDAY_CASES: list[tuple[datetime, str, date]] = [
    (MONDAY, "mon", d(3, 16)),  # a bare weekday never means today
    (MONDAY, "this mon", d(3, 9)),
    (MONDAY, "next mon", d(3, 16)),
    (MONDAY, "fri", d(3, 13)),
    (MONDAY, "this fri", d(3, 13)),
    (MONDAY, "next fri", d(3, 20)),  # the Friday of next week, not this one
    (MONDAY, "next week", d(3, 16)),
    (MONDAY, "eow", d(3, 13)),
    (SATURDAY, "end of the week", d(3, 15)),
    (SUNDAY, "mon", d(3, 16)),
    (SUNDAY, "next mon", d(3, 16)),
    (SUNDAY, "sun", d(3, 22)),
    (SUNDAY, "this sun", d(3, 15)),
    (SUNDAY, "next week", d(3, 16)),
    (SUNDAY, "eow", d(3, 15)),
]


@pytest.mark.parametrize(("now", "text", "expected"), WEEKDAY_CASES)
def test_weekday_semantics(now: datetime, text: str, expected: date) -> None:
    assert parse_due(text, "UTC", now) == Due(expected)


YEAR_END = datetime(2026, 12, 10, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("dec 5", d(12, 5, 2027)), ("dec 25", d(12, 25)), ("jan 3", d(1, 3, 2027)), ("dec 10", d(12, 10))],
)
def test_dates_without_a_year_are_the_next_occurrence(text: str, expected: date) -> None:
    assert parse_due(text, "UTC", YEAR_END).date == expected


@pytest.mark.parametrize(
    "text", ["blursday", "jan", "2027", "4th", "fri dec 5", "2026-02-30", "last fri", "in 99999999 days", "1"]
)
def test_unparseable_phrases_say_what_to_try(text: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_due(text, "UTC", NOW)
    assert f'"{text}"' in str(info.value)
    assert '"tomorrow", "fri", "dec 5" or "2026-12-05"' in str(info.value)


def test_blursday_message_is_exact() -> None:
    with pytest.raises(ValidationError) as info:
        parse_due("blursday", "UTC", NOW)
    assert str(info.value) == (
        'I couldn\'t understand the date "blursday". Try "tomorrow", "fri", "dec 5" or "2026-12-05".'
    )


@pytest.mark.parametrize("text", ["", "   ", "by"])
def test_empty_phrase_is_rejected(text: str) -> None:
    with pytest.raises(ValidationError):
        parse_due(text, "UTC", NOW)


def test_overlong_phrase_is_rejected_before_dateparser() -> None:
    with pytest.raises(ValidationError, match="at most 80"):
        parse_due("tomorrow " * 20, "UTC", NOW)


def test_unknown_zone_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="Mars/Olympus"):
        parse_due("today", "Mars/Olympus", NOW)


def test_now_defaults_to_the_current_time() -> None:
    assert parse_due("today", "Pacific/Auckland").date == today_in("Pacific/Auckland")


def test_naive_now_is_utc() -> None:
    naive = NOW.replace(tzinfo=None)
    assert parse_due("today", "Pacific/Auckland", naive) == parse_due("today", "Pacific/Auckland", NOW)


def test_today_in() -> None:
    assert today_in("Pacific/Auckland", NOW) == d(3, 14)
    assert today_in("America/Los_Angeles", NOW) == d(3, 13)
    assert today_in("America/Los_Angeles", EARLY) == d(3, 12)
    assert today_in("UTC") == datetime.now(UTC).date()


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("America/Los_Angeles", "America/Los_Angeles"),
        ("  Europe/Paris ", "Europe/Paris"),
        ("europe/paris", "Europe/Paris"),
        ("utc", "UTC"),
        ("PACIFIC/AUCKLAND", "Pacific/Auckland"),
    ],
)
def test_parse_tz_accepts_iana_names_in_any_case(name: str, key: str) -> None:
    assert parse_tz(name) == ZoneInfo(key)


@pytest.mark.parametrize("name", ["Mars/Olympus", "", "America", "../etc/passwd", "PST8PDT/x", "a\x00b"])
def test_parse_tz_rejects_unknown_zones(name: str) -> None:
    with pytest.raises(ValidationError, match="timezone"):
        parse_tz(name)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=40))
def test_arbitrary_text_is_a_due_or_a_validation_error(text: str) -> None:
    try:
        result = parse_due(text, "Pacific/Auckland", NOW)
    except ValidationError:
        return
    assert isinstance(result, Due)


@settings(max_examples=50, deadline=None)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)))
def test_iso_dates_round_trip(day: date) -> None:
    assert parse_due(day.isoformat(), "America/Los_Angeles", NOW) == Due(day)


_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)


@settings(max_examples=100, deadline=None)
@given(_moments, st.integers(0, 6), st.sampled_from(["UTC", "Pacific/Auckland", "America/Los_Angeles"]))
def test_weekday_rules_hold_for_any_now(now: datetime, weekday: int, tz: str) -> None:
    today = today_in(tz, now)
    bare = parse_due(_NAMES[weekday], tz, now).date
    this = parse_due(f"this {_NAMES[weekday]}", tz, now).date
    nxt = parse_due(f"next {_NAMES[weekday]}", tz, now).date
    assert bare.weekday() == this.weekday() == nxt.weekday() == weekday
    assert 1 <= (bare - today).days <= 7
    assert 0 <= (this - today).days <= 6
    next_monday = today + timedelta(days=7 - today.weekday())
    assert next_monday <= nxt < next_monday + timedelta(days=7)
