"""core.quickadd: `find`/`search` and `history`."""

from __future__ import annotations

import pytest

from core.quickadd import USAGE, History, QuickAddError, SearchTasks, is_command, parse


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("find invoices", SearchTasks("invoices")),
        ("search  the task about   invoices ", SearchTasks("the task about invoices")),
        ("Find #launch @bob 'quoted", SearchTasks("#launch @bob 'quoted")),  # words as typed, quotes too
        ('find "unclosed', SearchTasks('"unclosed')),
        ("search for 'landing page'", SearchTasks("landing page")),  # the words, not "for" and the quotes
        ("/task find wedding cake", SearchTasks("wedding cake")),
        ("history", History()),
        ("history T-3", History(task=3)),
        ("history of 3 today", History(task=3, since="today")),
        ("history @bob week", History(person="bob", since="week")),
        ("history <@U2> yesterday", History(person="<@U2>", since="yesterday")),
        ("history mine this week", History(person="me", since="this week")),
        ("history #Launch last week", History(project="Launch", since="last week")),
        ("history for #launch @sam month", History(person="sam", project="launch", since="month")),
        ("/task history T-4", History(task=4)),
        ("history of the slides this week", History(task="slides", since="this week")),
        ('history "Fix #3 today" today', History(task="Fix #3 today", since="today")),
    ],
)
def test_find_and_history_forms(text: str, expected: object) -> None:
    assert parse(text) == expected
    assert is_command(text)


@pytest.mark.parametrize(
    ("text", "message", "usage"),
    [
        ("find", "What should I look for?", "find"),
        ("search   ", "What should I look for?", "find"),
        ("history !high", 'I don\'t know what "!high" means in a history', "history"),
        ("history the slides T-3", "one task at a time", "history"),
        ("history T-3 T-4", "one task at a time", "history"),
        ("history @a @b", "more than one person", "history"),
        ("history today week", "more than one period", "history"),
    ],
)
def test_find_and_history_errors(text: str, message: str, usage: str) -> None:
    with pytest.raises(QuickAddError) as caught:
        parse(text)
    assert message in caught.value.message
    assert caught.value.usage == USAGE[usage]


def test_help_names_the_new_commands() -> None:
    from core.quickadd import HELP_TEXT

    assert "`find invoices`" in HELP_TEXT and "`history @bob today`" in HELP_TEXT
    assert parse("help find") is not None and parse("help history") is not None
