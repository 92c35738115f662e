"""Repeat rules: reading them as typed, their canonical text, and the next occurrence in the person's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr

from core.dates import Due
from core.errors import ValidationError
from core.recurrence import is_rule_word, next_after, parse_rule


@pytest.mark.parametrize(
    ("typed", "text", "rrule"),
    [
        ("every monday 9am", "every monday 9am", "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0;BYSECOND=0"),
        ("every 2 weeks on fri", "every 2 weeks on friday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"),
        ("every month on the 1st", "every month on the 1st", "FREQ=MONTHLY;BYMONTHDAY=1"),
        ("every weekday", "every weekday", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
        ("daily", "every day", "FREQ=DAILY"),
        ("weekly", "every week", "FREQ=WEEKLY"),
        ("every day at 8:30", "every day 8:30am", "FREQ=DAILY;BYHOUR=8;BYMINUTE=30;BYSECOND=0"),
        ("every other tuesday", "every 2 weeks on tuesday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"),
        ("every quarter", "every quarter", "FREQ=MONTHLY;INTERVAL=3"),
        ("every year", "every year", "FREQ=YEARLY"),
        ("Each Friday 4PM", "every friday 4pm", "FREQ=WEEKLY;BYDAY=FR;BYHOUR=16;BYMINUTE=0;BYSECOND=0"),
        ("monthly", "every month", "FREQ=MONTHLY"),
        ("every monday and thursday", "every monday and thursday", "FREQ=WEEKLY;BYDAY=MO,TH"),
        ("every month on the last day", "every month on the last day", "FREQ=MONTHLY;BYMONTHDAY=-1"),
        ("every first monday of the month", "every month on the first monday", "FREQ=MONTHLY;BYDAY=+1MO"),
        ("every year on march 1", "every year on march 1st", "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=1"),
        ("every 3 days", "every 3 days", "FREQ=DAILY;INTERVAL=3"),
        ("every monday morning", "every monday 9am", "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0;BYSECOND=0"),
        ("every day at 9 pm", "every day 9pm", "FREQ=DAILY;BYHOUR=21;BYMINUTE=0;BYSECOND=0"),
    ],
)
def test_rules_as_typed_become_a_canonical_text_and_an_rrule(typed: str, text: str, rrule: str) -> None:
    rule = parse_rule(typed)
    assert (rule.text, rule.rrule) == (text, rrule)
    assert parse_rule(rule.text) == rule  # what a task stores reads back to the same rule
    rrulestr(rule.rrule, dtstart=datetime(2026, 1, 1))  # and dateutil takes the RRULE as it is


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("every blursday", "blursday"),
        ("every", "as a repeat rule"),
        ("sometimes", "as a repeat rule"),
        ("every 9am", "how often"),
        ("every 32nd", "no day 32"),
        ("every day 25pm", "isn't a time of day"),
        ("every monday 9am 5pm", "two times of day"),
    ],
)
def test_rules_it_cannot_read_are_refused_with_examples(typed: str, words: str) -> None:
    with pytest.raises(ValidationError) as refused:
        parse_rule(typed)
    assert words in refused.value.message
    assert refused.value.hint is not None and "every monday 9am" in refused.value.hint


def test_a_completed_due_date_gives_the_next_one_strictly_later() -> None:
    thursday = date(2026, 12, 3)
    assert next_after("every monday 9am", thursday) == Due(date(2026, 12, 7), time(9))
    assert next_after("every weekday", date(2026, 12, 4)) == Due(date(2026, 12, 7))  # Fri → Mon
    assert next_after("every day", thursday) == Due(date(2026, 12, 4))
    assert next_after("every month on the 1st", thursday) == Due(date(2027, 1, 1))
    assert next_after("every quarter", thursday) == Due(date(2027, 3, 3))
    assert next_after("every year", thursday) == Due(date(2027, 12, 3))
    # every other Friday, counted from the Friday it was due
    assert next_after("every 2 weeks on fri", date(2026, 12, 4)) == Due(date(2026, 12, 18))


def test_every_month_from_the_31st_lands_on_each_months_last_day() -> None:
    assert next_after("every month", date(2027, 1, 31)) == Due(date(2027, 2, 28))
    assert next_after("every month", date(2027, 3, 31)) == Due(date(2027, 4, 30))
    assert next_after("every year", date(2028, 2, 29)) == Due(date(2029, 2, 28))


def test_from_now_today_counts_while_its_time_is_ahead() -> None:
    monday_8am = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    assert next_after("every monday 9am", monday_8am, "UTC") == Due(date(2026, 12, 7), time(9))
    monday_10am = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    assert next_after("every monday 9am", monday_10am, "UTC") == Due(date(2026, 12, 14), time(9))
    assert next_after("every monday", monday_10am, "UTC") == Due(date(2026, 12, 7))  # all day: today


@pytest.mark.parametrize(
    ("zone", "after_utc", "expected"),
    [
        # New York springs forward on Sun Mar 8 2026: 9:30 local that day is 13:30 UTC (EDT), not 14:30.
        ("America/New_York", datetime(2026, 3, 8, 13, 30, tzinfo=UTC), Due(date(2026, 3, 9), time(9))),
        ("America/New_York", datetime(2026, 3, 8, 12, 30, tzinfo=UTC), Due(date(2026, 3, 8), time(9))),
        # ... and falls back on Sun Nov 1 2026: 9:30 local is 14:30 UTC (EST).
        ("America/New_York", datetime(2026, 11, 1, 14, 30, tzinfo=UTC), Due(date(2026, 11, 2), time(9))),
        ("America/New_York", datetime(2026, 11, 1, 13, 30, tzinfo=UTC), Due(date(2026, 11, 1), time(9))),
        # Berlin springs forward on Sun Mar 29 2026: 9:30 local is 7:30 UTC (CEST).
        ("Europe/Berlin", datetime(2026, 3, 29, 7, 30, tzinfo=UTC), Due(date(2026, 3, 30), time(9))),
        ("Europe/Berlin", datetime(2026, 3, 29, 6, 30, tzinfo=UTC), Due(date(2026, 3, 29), time(9))),
    ],
)
def test_a_daily_rule_keeps_its_wall_time_across_dst(zone: str, after_utc: datetime, expected: Due) -> None:
    assert next_after("every day 9am", after_utc, zone) == expected


def test_the_next_occurrence_is_read_in_the_persons_zone_utc_plus_13() -> None:
    # 20:00 UTC on Sunday Dec 6 is 09:00 on Monday Dec 7 in Tonga (UTC+13): this Monday's 9am is not ahead.
    sunday_evening_utc = datetime(2026, 12, 6, 20, 0, tzinfo=UTC)
    assert next_after("every monday 9am", sunday_evening_utc, "Pacific/Tongatapu") == Due(
        date(2026, 12, 14), time(9)
    )
    assert next_after("every monday 9am", sunday_evening_utc, "UTC") == Due(date(2026, 12, 7), time(9))
    assert next_after("every day", sunday_evening_utc, ZoneInfo("Pacific/Tongatapu")) == Due(
        date(2026, 12, 7)
    )


def test_quick_add_knows_which_words_can_belong_to_a_rule() -> None:
    assert all(is_rule_word(w) for w in "monday 9am 2 weeks on the 1st other quarter 8:30 weekday".split())
    assert not any(is_rule_word(w) for w in ("PR", "report", "blursday", "invoice"))
