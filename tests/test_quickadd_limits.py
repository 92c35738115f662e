"""Limits on what a message and a task may hold, checked before parsing; quotes a title keeps; the tokenizer
on the shapes that made it quadratic."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.errors import ValidationError
from core.quickadd import AddProject, AddTask, EditTask, QuickAddError, parse
from core.quickadd_tokens import Token, UnclosedQuote, tokenize
from core.services import Actor, Services
from core.services.validation import (
    MAX_DESCRIPTION,
    MAX_MESSAGE,
    MAX_TAG,
    MAX_TAGS,
    MAX_TITLE,
    MessageTooLong,
    clean_tags,
)
from core.understanding.parser import understand
from core.understanding.vocabulary import Vocabulary

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def p(text: str) -> object:
    return parse(text, tz="UTC", now=NOW)


def test_the_longest_legitimate_command_fits_in_a_message() -> None:
    tags = " ".join(f"+{i:02d}{'t' * (MAX_TAG - 2)}" for i in range(MAX_TAGS))
    text = f"add {'w' * MAX_TITLE} due 2026-12-05 15:00 p1 #{'p' * 100} @{'u' * 40} {tags}"
    assert len(text) < MAX_MESSAGE
    command = p(text)
    assert isinstance(command, AddTask)
    assert len(command.tags) == MAX_TAGS and len(command.title) == MAX_TITLE


@pytest.mark.parametrize("body", ["'a " * 13_332, "x" * 40_000, '"' * 40_000])
def test_a_message_over_the_limit_is_refused_before_parsing(body: str) -> None:
    text = "add " + body
    with pytest.raises(MessageTooLong) as err:
        p(text)
    assert not isinstance(err.value, QuickAddError)  # no surface hands it on to a model
    assert err.value.message == f"That message is {len(text):,} characters; I read at most {MAX_MESSAGE:,}."


def test_free_text_over_the_limit_is_refused_too() -> None:
    with pytest.raises(MessageTooLong):
        p("hello " * 2_000)
    answer = understand("remind me to " + "x " * 20_000, Vocabulary(me="u-1"), tz="UTC", now=NOW)
    assert isinstance(answer, str) and "I read at most" in answer


def test_tags_have_a_length_limit() -> None:
    with pytest.raises(QuickAddError) as err:
        p(f"add Plan +{'x' * (MAX_TAG + 1)}")
    assert f"is {MAX_TAG + 1} characters; tags are at most {MAX_TAG}" in err.value.message
    assert p(f"add Plan +{'x' * MAX_TAG}") == AddTask("Plan", tags=("x" * MAX_TAG,))


def test_tags_have_a_count_limit_and_repeats_do_not_count() -> None:
    enough = " ".join(f"+t{i}" for i in range(MAX_TAGS))
    command = p(f"add Plan {enough} +t0 +t1 +t0")
    assert isinstance(command, AddTask) and len(command.tags) == MAX_TAGS
    with pytest.raises(QuickAddError, match=f"more than {MAX_TAGS} tags"):
        p(f"add Plan {enough} +one-more")
    with pytest.raises(QuickAddError, match=f"more than {MAX_TAGS} tags"):
        p(f"edit T-1 {enough.replace('+', '-')} -one-more")
    with pytest.raises(QuickAddError, match=f"more than {MAX_TAGS} tags"):
        p(f"project add Launch {enough} +one-more")


def test_clean_tags_limits_what_every_path_stores() -> None:
    assert clean_tags(["+A", "a", " b ", "", "+"]) == ["a", "b"]
    with pytest.raises(ValidationError, match=f"at most {MAX_TAGS}"):
        clean_tags([f"t{i}" for i in range(1_000)])
    with pytest.raises(ValidationError, match=f"tags are at most {MAX_TAG}"):
        clean_tags(["x" * 999])


async def test_services_refuse_oversized_rows(services: Services, alice: Actor) -> None:
    tasks = services.tasks
    with pytest.raises(ValidationError, match=f"at most {MAX_TAGS}"):
        await tasks.create(alice, "Big", tags=["x" * 40 + str(i) for i in range(1_000)])
    with pytest.raises(ValidationError, match="tags are at most"):
        await tasks.create(alice, "Big", tags=["x" * 999])
    with pytest.raises(ValidationError, match=f"the limit is {MAX_DESCRIPTION:,}"):
        await tasks.create(alice, "Big", description="d" * (MAX_DESCRIPTION + 1))
    with pytest.raises(ValidationError, match=f"the limit is {MAX_TITLE}"):
        await tasks.create(alice, "t" * (MAX_TITLE + 1))
    assert (await tasks.list(alice)).total == 0
    task = await tasks.create(alice, "Fits", description="d" * MAX_DESCRIPTION)
    with pytest.raises(ValidationError, match="the limit is"):
        await tasks.update(alice, task.number, description="d" * (MAX_DESCRIPTION + 1))
    with pytest.raises(ValidationError, match=f"at most {MAX_TAGS}"):
        await tasks.update(alice, task.number, add_tags=[f"t{i}" for i in range(MAX_TAGS + 1)])
    assert (await tasks.get(alice, task.number)).tags == []
    with pytest.raises(ValidationError, match="the limit is"):
        await services.projects.create(alice, "Launch", description="d" * (MAX_DESCRIPTION + 1))


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("""add O'Reilly's "Q4" plan""", """O'Reilly's "Q4" plan"""),
        ("""add O'Reilly's “Q4”""", """O'Reilly's “Q4”"""),
        ('add Fix "due date" bug p2', 'Fix "due date" bug'),
        ("add it's 'done' now", "it's 'done' now"),
        ('add say"hi"', 'say"hi"'),
        ('add "Review #launch due dates" due fri', "Review #launch due dates"),  # the grammar's quotes
        ("add 'Bob's plan' soon", "Bob's plan soon"),
    ],
)
def test_quotes_inside_a_title_are_kept_as_typed(text: str, title: str) -> None:
    command = p(text)
    assert isinstance(command, AddTask) and command.title == title


def test_quotes_in_names_and_new_titles() -> None:
    assert p('project add Launch "Q4"') == AddProject('Launch "Q4"')
    assert p('project add "Big Launch"') == AddProject("Big Launch")
    assert p("edit T-3 \"O'Reilly's plan\"") == EditTask(3, title="O'Reilly's plan")


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("'a " * 4, [Token("'a")] * 4),
        ("'a 'b c'", [Token("a 'b c", True)]),  # the first quote that ends a word closes
        ("'x y' 'z w'", [Token("x y", True), Token("z w", True)]),
        ('"a" "b"x "c d"', [Token("a", True), Token('b"x "c d', True)]),
        ('"a"b"c d"', [Token('a"b"c d', True)]),
        ("a'\n'b", [Token("a'"), Token("'b")]),
        ("'a b'\n", [Token("a b", True)]),
        ("“x ‘y’ z”", [Token("x ‘y’ z", True)]),
    ],
)
def test_tokenizer_closes_quotes_as_before(text: str, tokens: list[Token]) -> None:
    assert tokenize(text) == tokens


def test_tokens_remember_how_they_were_typed() -> None:
    assert [t.typed for t in tokenize('a "b c" #"d" \'e')] == ["a", '"b c"', '#"d"', "'e"]


def test_an_unclosed_double_quote_after_many_apostrophes_is_reported() -> None:
    with pytest.raises(UnclosedQuote):
        tokenize("'a " * 500 + '"never closed')
    with pytest.raises(UnclosedQuote):
        tokenize('"a"b "c')
