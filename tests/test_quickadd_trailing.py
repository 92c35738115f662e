"""Due dates at the end of a title without the `due` keyword."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.dates import parse_due
from core.quickadd import AddTask, parse

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # a Thursday


@pytest.mark.parametrize(
    ("text", "title", "due"),
    [
        ("add Book venue tomorrow", "Book venue", "tomorrow"),
        ("add Order badges fri", "Order badges", "fri"),
        ("add Pay rent by next fri at 3pm", "Pay rent", "next fri at 3pm"),
        ("add Call mom on dec 5", "Call mom", "dec 5"),
        ("add Plan offsite in 3 days #Ops p1", "Plan offsite", "in 3 days"),
        ("add Ship v2 before 2026-12-24", "Ship v2", "2026-12-24"),
        ("add Retro next week", "Retro", "next week"),
        # not dates, or not at the end: the title keeps its words
        ("add Review March plan", "Review March plan", None),
        ("add Friday drinks budget", "Friday drinks budget", None),
        ("add Buy sun cream", "Buy sun cream", None),
        ('add "Meet tomorrow"', "Meet tomorrow", None),
        ("add tomorrow", "tomorrow", None),  # a title must remain
        ("add Fix bug due mon", "Fix bug", "mon"),  # the keyword still works
    ],
)
def test_trailing_due_phrases(text: str, title: str, due: str | None) -> None:
    command = parse(text, tz="UTC", now=NOW)
    assert isinstance(command, AddTask)
    expected = parse_due(due, "UTC", NOW) if due is not None else None
    assert (command.title, command.due) == (title, expected)
