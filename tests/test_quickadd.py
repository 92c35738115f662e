"""core.quickadd: every command form, the error messages, and properties over arbitrary text."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core.dates import Due, parse_due
from core.errors import ValidationError
from core.models import Priority
from core.quickadd import (
    HELP_TEXT,
    USAGE,
    AddProject,
    AddTask,
    ArchiveProject,
    AssignTask,
    Cancel,
    Command,
    CompleteTask,
    Confirm,
    DeleteProject,
    DeleteTask,
    EditTask,
    Help,
    ListProjects,
    ListTasks,
    QuickAddError,
    ReopenTask,
    Reset,
    RestoreTask,
    ShowProject,
    ShowTask,
    Undo,
    is_command,
    parse,
)
from core.quickadd_tokens import Token, tokenize

NOW = datetime(2026, 3, 13, 20, 0, tzinfo=UTC)  # Friday in UTC and Los Angeles, Saturday in Auckland


def p(text: str, tz: str = "UTC") -> Command | None:
    return parse(text, tz=tz, now=NOW)


def D(phrase: str, tz: str = "UTC", now: datetime | None = NOW) -> Due:
    """The value a due phrase resolves to when the grammar reads it at ``now``."""
    return parse_due(phrase, tz, now)


CASES: list[tuple[str, Command]] = [
    # add
    ("add Buy milk", AddTask("Buy milk")),
    ("ADD   Buy   milk  ", AddTask("Buy milk")),
    ("/task add Buy milk", AddTask("Buy milk")),
    ("/TASK add Buy milk", AddTask("Buy milk")),
    (
        "add Write report due fri 3pm p2 #launch @alice +docs +q4",
        AddTask("Write report", D("fri 3pm"), Priority.high, "launch", "alice", ("docs", "q4")),
    ),
    (
        "add p1 Write +docs report #launch due tomorrow",
        AddTask("Write report", D("tomorrow"), Priority.critical, "launch", None, ("docs",)),
    ),
    ("add Fix bug P3", AddTask("Fix bug", priority=Priority.medium)),
    ("add Fix bug p4", AddTask("Fix bug", priority=Priority.low)),
    ("add Fix bug !critical", AddTask("Fix bug", priority=Priority.critical)),
    ("add Fix bug !HIGH", AddTask("Fix bug", priority=Priority.high)),
    ("add Fix bug !medium", AddTask("Fix bug", priority=Priority.medium)),
    ("add Fix bug !low", AddTask("Fix bug", priority=Priority.low)),
    ("add Fix bug !backlog", AddTask("Fix bug", priority=Priority.backlog)),
    ("add Fix bug p5", AddTask("Fix bug p5")),
    ("add Fix bug due dec 5", AddTask("Fix bug", due=D("dec 5"))),
    ("add Fix bug due 2026-12-05 09:00 @bob", AddTask("Fix bug", due=D("2026-12-05 09:00"), assignee="bob")),
    ("add Fix bug due tomorrow at 15:30", AddTask("Fix bug", due=D("tomorrow at 15:30"))),
    ('add "Fix the due date bug" due fri', AddTask("Fix the due date bug", due=D("fri"))),
    ('add "Review #launch p1 notes" !low', AddTask("Review #launch p1 notes", priority=Priority.low)),
    ("add 'single quoted due p1'", AddTask("single quoted due p1")),
    ("add “Smart quoted due” due dec 5", AddTask("Smart quoted due", due=D("dec 5"))),
    ("add ‘Smart single due’", AddTask("Smart single due")),
    ("add 'Bob's plan' today", AddTask("Bob's plan", due=D("today"))),
    ("add 'Bob's plan' soon", AddTask("Bob's plan soon")),
    ("add don't forget 'til later", AddTask("don't forget 'til later")),
    ("add Review the team’s plan", AddTask("Review the team’s plan")),
    ('add Ship it #"Big Launch"', AddTask("Ship it", project="Big Launch")),
    ("add Ship it #Big-Launch", AddTask("Ship it", project="Big-Launch")),
    ("add Ship it <@U123>", AddTask("Ship it", assignee="<@U123>")),
    # platform syntax is the adapters' to translate: the core reads only the neutral token
    ("add Ship it <@U123|bob>", AddTask("Ship it <@U123|bob>")),
    ("add Ship it <@123>", AddTask("Ship it", assignee="<@123>")),
    ("add Ship it <@!123>", AddTask("Ship it <@!123>")),
    ("add Ship it @me", AddTask("Ship it", assignee="me")),
    ("add Fix C++ build #", AddTask("Fix C++ build #")),
    ("add a + b -c", AddTask("a + b -c")),
    ("add Tag twice +x +x", AddTask("Tag twice", tags=("x",))),
    ("add pay dues", AddTask("pay dues")),
    # list
    ("list", ListTasks()),
    ("ls", ListTasks()),
    ("/task list", ListTasks()),
    ("list mine", ListTasks(assignee="me")),
    ("list @me today", ListTasks(assignee="me", window="today")),
    ("ls #launch @bob overdue all", ListTasks("launch", "bob", "overdue", True)),
    ("list week <@U9>", ListTasks(assignee="<@U9>", window="week")),
    ("LIST ALL", ListTasks(include_closed=True)),
    ("list projects", ListProjects()),
    # refs and bulk
    ("show T-3", ShowTask(3)),
    ("show t3", ShowTask(3)),
    ("show t-3", ShowTask(3)),
    ("show 3", ShowTask(3)),
    ("done T-3", CompleteTask((3,))),
    ("complete T-3 T-4", CompleteTask((3, 4))),
    ("done T-3, T-4,5 t-3", CompleteTask((3, 4, 5))),
    ("reopen T-3", ReopenTask((3,))),
    ("delete T-3 T-4", DeleteTask((3, 4))),
    ("restore 7", RestoreTask((7,))),
    # edit
    ('edit T-3 "New title"', EditTask(3, title="New title")),
    ("edit T-3 due fri", EditTask(3, due=D("fri"))),
    ("edit T-3 due none", EditTask(3, clear_due=True)),
    ("edit T-3 due clear", EditTask(3, clear_due=True)),
    ("edit t3 p1", EditTask(3, priority=Priority.critical)),
    ("edit T-3 #launch @bob", EditTask(3, project="launch", assignee="bob")),
    ("edit T-3 #none @none", EditTask(3, clear_project=True, clear_assignee=True)),
    ("edit T-3 +urgent -later", EditTask(3, add_tags=("urgent",), remove_tags=("later",))),
    ('edit T-3 due mon "Renamed" !low', EditTask(3, title="Renamed", due=D("mon"), priority=Priority.low)),
    # assign
    ("assign T-3 @bob", AssignTask(3, "bob")),
    ("assign T-3 to @bob", AssignTask(3, "bob")),
    ("assign 3 to bob", AssignTask(3, "bob")),
    ("assign T-3 <@U123>", AssignTask(3, "<@U123>")),
    ("assign T-3 me", AssignTask(3, "me")),
    ("assign T-3 @none", AssignTask(3, None)),
    ("unassign T-3", AssignTask(3, None)),
    # conversation
    ("undo", Undo()),
    ("/task undo", Undo()),
    ("yes", Confirm()),
    ("Y", Confirm()),
    ("confirm", Confirm()),
    ("yes!", Confirm()),
    ("no", Cancel()),
    ("n", Cancel()),
    ("cancel", Cancel()),
    ("No.", Cancel()),
    ("help", Help()),
    ("help add", Help("add")),
    ("help /Project", Help("project")),
    ("/task", Help()),
    ("reset", Reset()),
    # projects
    ("project add Launch", AddProject("Launch")),
    (
        "project add Big Launch due dec 5 !high +q4",
        AddProject("Big Launch", D("dec 5"), Priority.high, ("q4",)),
    ),
    ('project add "Due diligence" p2', AddProject("Due diligence", priority=Priority.high)),
    ("/project add Launch", AddProject("Launch")),
    ("project list", ListProjects()),
    ("project ls", ListProjects()),
    ("projects", ListProjects()),
    ("project", ListProjects()),
    ("/project", ListProjects()),
    ("/project list", ListProjects()),
    ("project show Launch", ShowProject("Launch")),
    ("project show #launch", ShowProject("launch")),
    ("project show P-2", ShowProject("P-2")),
    ('project show "Big Launch"', ShowProject("Big Launch")),
    ("project show Big Launch", ShowProject("Big Launch")),
    ("project delete Launch", DeleteProject("Launch")),
    ("project archive P-2", ArchiveProject("P-2")),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_commands(text: str, expected: Command) -> None:
    assert p(text) == expected
    assert is_command(text)


NOT_COMMANDS = [
    "",
    "   ",
    "hello there",
    "what's due this week?",
    "addition to the team",
    "Add",  # a keyword alone is still a command: see test_keyword_alone
    '"add" Buy milk',
    "yes please",
    "no, the other one",
    "cancel T-3",
    "y not",
    "/task buy milk tomorrow",
    "/tasks add x",
]


@pytest.mark.parametrize("text", [t for t in NOT_COMMANDS if t != "Add"])
def test_free_text_is_not_a_command(text: str) -> None:
    assert p(text) is None
    assert not is_command(text)


def test_keyword_alone() -> None:
    assert is_command("Add")
    with pytest.raises(QuickAddError, match="A task needs a title"):
        p("Add")


ERRORS: list[tuple[str, str, str]] = [
    ("add", "A task needs a title", "add"),
    ("add due fri", "A task needs a title", "add"),
    ('add "" p1', "A task needs a title", "add"),
    ('add "unclosed title', "unclosed quote", "add"),
    ("add “smart unclosed", "unclosed quote", "add"),
    ("add x due blursday", 'I couldn\'t understand the date "blursday"', "add"),
    ("add Fix the due date bug", "put the title in quotes", "add"),
    ("add x due", "`due` needs a date", "add"),
    ("add x due fri due mon", "two due dates", "add"),
    ("add x p1 !low", "two priorities (p1 and !low)", "add"),
    ("add x #a #b", "more than one project", "add"),
    ("add x @a <@U1>", "more than one person", "add"),
    ("add x !urgentish", '"!urgentish" isn\'t a priority', "add"),
    ("list foo", 'I don\'t know what "foo" means', "list"),
    ("list today week", "Pick one of overdue, today or week", "list"),
    ("list #a #b", "more than one project", "list"),
    ("list mine @bob", "more than one person", "list"),
    ("show", "Which task?", "show"),
    ("show T-3 T-4", "one task at a time", "show"),
    ("show #3", '"#3" isn\'t a task reference', "show"),
    ("show T-0", '"T-0" isn\'t a task reference', "show"),
    ("done", "Which task?", "done"),
    ("done T-3 banana", '"banana" isn\'t a task reference', "done"),
    ("delete everything", "isn't a task reference", "delete"),
    ("reopen", "Which task?", "reopen"),
    ("restore x", "isn't a task reference", "restore"),
    ("edit", "Which task?", "edit"),
    ("edit foo p1", '"foo" isn\'t a task reference', "edit"),
    ("edit T-3", "Nothing to change on T-3", "edit"),
    ("edit T-3 high", 'I don\'t know what "high" means here', "edit"),
    ('edit T-3 "a" "b"', "new title once", "edit"),
    ("edit T-3 +x -x", "both added and removed +x", "edit"),
    ("edit T-3 #a #none", "more than one project", "edit"),
    ("edit T-3 due none due fri", "two due dates", "edit"),
    ("edit T-3 due someday", "couldn't understand the date", "edit"),
    ("assign", "Which task, and to whom?", "assign"),
    ("assign T-3", "Name one person", "assign"),
    ("assign T-3 to", "Name one person", "assign"),
    ("assign T-3 @a @b", "Name one person", "assign"),
    ("assign bob T-3", '"bob" isn\'t a task reference', "assign"),
    ("unassign", "Which task?", "unassign"),
    ("undo it", "doesn't take anything", "undo"),
    ("reset now", "doesn't take anything", "reset"),
    ("projects all", "doesn't take anything", "project list"),
    ("project list all", "doesn't take anything", "project list"),
    ("project add", "A project needs a name", "project add"),
    ("project add Launch #x", "can't have a #project", "project add"),
    ("project add Launch @bob", "can't have an @assignee", "project add"),
    ("project add Launch due blursday", "couldn't understand the date", "project add"),
    ("project show", "Which project?", "project show"),
    ("project archive", "Which project?", "project archive"),
    ("project frobnicate", "I don't know `project frobnicate`", "project"),
]


@pytest.mark.parametrize(("text", "message", "usage_key"), ERRORS)
def test_errors_say_what_was_wrong_and_carry_usage(text: str, message: str, usage_key: str) -> None:
    with pytest.raises(QuickAddError) as info:
        p(text)
    assert message in str(info.value)
    assert info.value.usage == USAGE[usage_key]
    assert isinstance(info.value, ValidationError)
    assert is_command(text)


def test_usage_is_in_the_default_hint() -> None:
    with pytest.raises(QuickAddError) as info:
        p("list foo")
    assert str(info.value).endswith(f"Usage: `{USAGE['list']}`")


def test_title_limit_is_named() -> None:
    assert p("add " + "x" * 500) == AddTask("x" * 500)
    with pytest.raises(QuickAddError, match="the limit is 500"):
        p("add " + "x" * 501)


def test_due_is_resolved_in_the_users_zone() -> None:
    la = "America/Los_Angeles"
    assert p("add x due today", tz="Pacific/Auckland") == AddTask("x", due=D("today", "Pacific/Auckland"))
    assert p("add x due fri 3pm", tz=la) == AddTask("x", due=D("fri 3pm", la))
    # Friday 20:00 UTC is Saturday in Auckland: "today" is the 14th there, the 13th in UTC.
    assert p("add x due today", tz="Pacific/Auckland") != p("add x due today")
    with pytest.raises(QuickAddError, match="timezone"):
        p("add x due today", tz="Mars/Olympus")


def test_defaults_for_tz_and_now() -> None:
    assert parse("add x due tomorrow") == AddTask("x", due=D("tomorrow", now=None))


def test_usage_and_help_cover_every_command() -> None:
    for name in ["add", "list", "show", "done", "reopen", "delete", "restore", "edit", "assign"]:
        assert USAGE[name].startswith(name)
        assert f"`{name} " in HELP_TEXT
    for word in ["unassign", "undo", "yes", "no", "help", "reset", "project add", "project list"]:
        assert f"`{word}" in HELP_TEXT
    assert all(usage.strip() for usage in USAGE.values())


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ('a "b c" d', [Token("a"), Token("b c", True), Token("d")]),
        ("#'x y' z", [Token("#x y"), Token("z")]),
        ('"foo"bar', [Token("foobar", True)]),
        ("“a b” ‘c d’", [Token("a b", True), Token("c d", True)]),
        ("it's 'til", [Token("it's"), Token("'til")]),
        ('""', [Token("", True)]),
    ],
)
def test_tokenizer(text: str, tokens: list[Token]) -> None:
    assert tokenize(text) == tokens


_GRAMMAR_WORDS = st.sampled_from(
    ["add", "list", "edit", "done", "show", "assign", "project", "due", "p1", "!high", "!x", "#a",
     '#"b c', "@bob", "<@U1>", "+t", "-t", "T-3", "3", "to", "none", "mine", "fri", "3pm", '"', "'",
     "“", "all", "today", "/task", "/project", "yes", ",", "dec", "5", "show"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_GRAMMAR_WORDS, st.text(max_size=6)), max_size=8))
def test_grammar_soup_only_raises_quickadd_error(words: list[str]) -> None:
    text = " ".join(words)
    try:
        result = p(text)
    except QuickAddError as err:
        assert err.usage in USAGE.values()
        assert is_command(text)
        return
    assert (result is None) == (not is_command(text))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_text_only_raises_quickadd_error(text: str) -> None:
    try:
        result = p(text)
    except QuickAddError:
        return
    assert result is None or is_command(text)


_FAMILIES = {'"': '"“”„‟', "'": "'‘’‚‛"}
_title_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=80
).filter(lambda t: t.strip())


@settings(max_examples=150, deadline=None)
@given(_title_text)
def test_quoted_titles_round_trip(title: str) -> None:
    # A title can hold either kind of quote, as long as it isn't the kind wrapped around it.
    quote = next((q for q in _FAMILIES if not any(c in title for c in _FAMILIES[q])), None)
    assume(quote is not None)
    command = p(f"add {quote}{title}{quote} due tomorrow p2")
    assert command == AddTask(" ".join(title.split()), due=D("tomorrow"), priority=Priority.high)


_plain_word = st.from_regex(r"[A-Za-z][A-Za-z0-9'.,?]{0,11}", fullmatch=True).filter(
    lambda w: w.lower() not in {"due", "p1", "p2", "p3", "p4"}
)


@settings(max_examples=100, deadline=None)
@given(st.lists(_plain_word, min_size=1, max_size=10), st.sampled_from(["", " #proj", " @bob +x p3"]))
def test_unquoted_titles_round_trip(words: list[str], options: str) -> None:
    command = p("add " + " ".join(words) + options)
    assert isinstance(command, AddTask)
    text = " ".join(words)
    if command.due is None:
        assert command.title == text
    else:  # a trailing date phrase ("… fri", "… by dec 5") became the due date; nothing else moved
        rest = text[len(command.title) :].split()
        assert text.startswith(command.title + " ")
        phrase = rest[1:] if rest and rest[0].lower() in ("on", "by", "before") else rest
        assert D(" ".join(phrase)) == command.due  # the words taken off the title are the date it holds


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 999_999_999), st.sampled_from(["T-{}", "t{}", "{}", "T{}"]))
def test_refs_round_trip(number: int, form: str) -> None:
    ref = form.format(number)
    assert p(f"show {ref}") == ShowTask(number)
    assert p(f"done {ref} T-1") == CompleteTask(tuple(dict.fromkeys((number, 1))))
