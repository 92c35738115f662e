"""The labelled corpus through the offline parser: accuracy per intent, failing below 90% overall.

Expected and parsed calls are compared by meaning, not by spelling: both sides' task refs, projects, people,
dates and priorities are resolved against the fixture workspace (tests/understanding/workspace.py) before
they are compared, so "Website relaunch", "website-relaunch" and "P-2" are the same project.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from rapidfuzz import fuzz, process

from core import refs
from core.dates import Due, parse_due
from core.errors import ValidationError
from core.schedule.when import read_when
from core.services.validation import parse_priority, parse_status
from core.understanding.calls import Call, Question
from core.understanding.vocabulary import slug
from tests.understanding.workspace import NOW, PEOPLE, PROJECTS, TITLE_BY_NUMBER, VOCAB, Person

CORPUS = Path(__file__).with_name("corpus.yaml")
MIN_ACCURACY = 0.90
MIN_ENTRIES = 300
MIN_PER_INTENT = 8

# Every tool the corpus may name, with its arguments (brief of issue 13): today's, the new ones, and the
# FUTURE ones of issues 14/15 that the parser may name before they exist.
TOOL_ARGS: dict[str, frozenset[str]] = {
    name: frozenset(args.split())
    for name, args in {
        "create_task": "title description project due priority assignee tags repeat",
        "list_tasks": "project assignee status due_before due_after overdue text tag",
        "count_tasks": "project assignee status due_before due_after overdue text tag",
        "update_task": "ref title description project due priority status add_tags remove_tags repeat",
        "complete_task": "ref",
        "reopen_task": "ref",
        "delete_task": "ref",
        "restore_task": "ref",
        "assign_task": "ref assignee",
        "task_details": "ref",
        "search_tasks": "text include_closed",
        "activity": "task person project since",
        "create_project": "name description due priority",
        "list_projects": "",
        "show_project": "name_or_ref",
        "use_project": "name_or_ref",
        "undo": "",
        "remind": "ref when who",
        "add_subtask": "parent title due assignee",
        "set_dependency": "ref blocked_by",
        "remove_dependency": "ref blocked_by",
        "set_estimate": "ref estimate",
    }.items()
}
FUTURE_TOOLS = frozenset({"remind", "add_subtask", "set_dependency", "remove_dependency", "set_estimate"})
INTENTS = frozenset(
    """create list show count complete reopen reschedule reprioritise rename move assign unassign delete
    restore undo search history use_project show_project list_projects create_project subtask dependency
    reminder recurrence""".split()
)

# An argument left out means its default; a parse may add an argument only at its default value.
DEFAULTS: dict[str, dict[str, Any]] = {
    "list_tasks": {"overdue": False, "status": "open"},
    "count_tasks": {"overdue": False, "status": "open"},
    "search_tasks": {"include_closed": True},
    "remind": {"who": "me"},
}

REF_ARGS = frozenset({"ref", "task", "parent", "blocked_by"})
PROJECT_ARGS = frozenset({"project", "name_or_ref"})
PERSON_ARGS = frozenset({"assignee", "person", "who"})
DATE_ARGS = frozenset({"due", "due_before", "due_after", "when"})
TITLE_ARGS = frozenset({"title", "name", "description"})
WORDS_ARGS = frozenset({"text"})


# ------------------------------------------------------------------------------------------- the corpus


@dataclass(frozen=True)
class Entry:
    text: str
    intent: str
    calls: tuple[Call, ...] = ()
    question: tuple[str, ...] | None = None  # the refs a clarifying question must mention

    @property
    def tools(self) -> tuple[str, ...]:
        return tuple(c.tool for c in self.calls)


@cache
def load_entries(path: Path) -> tuple[Entry, ...]:
    """A labelled corpus file's entries, in file order."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = []
    for item in raw:
        calls = tuple(Call(c["tool"], dict(c.get("args") or {})) for c in item.get("calls") or ())
        question = item.get("question")
        entries.append(
            Entry(item["text"], item["intent"], calls, tuple(question) if question is not None else None)
        )
    return tuple(entries)


def load_corpus() -> tuple[Entry, ...]:
    """The corpus entries, in file order."""
    return load_entries(CORPUS)


# ------------------------------------------------------------------------------------------- resolving


def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(plain.casefold().split())


def norm_title(value: Any) -> str:
    """Casefolded, whitespace collapsed, outer quotes and trailing punctuation off."""
    text = " ".join(str(value).casefold().split())
    while True:
        stripped = text.strip().rstrip(".!?,;:").strip()
        if len(stripped) >= 2 and stripped[0] in "\"'“‘`" and stripped[-1] in "\"'”’`":
            stripped = stripped[1:-1]
        if stripped == text:
            return text
        text = stripped


def task_set(value: Any) -> frozenset[int] | None:
    """The task numbers a ref-like value names: refs, a list of them, or a fixture title (closed ones too)."""
    if value is None:
        return None
    if isinstance(value, int):
        return frozenset({value})
    if isinstance(value, list | tuple):
        parts = [task_set(v) for v in value]
        if any(p is None for p in parts):
            return None
        return frozenset(n for p in parts if p for n in p)
    numbers = refs.task_numbers(str(value))
    if numbers:
        return frozenset(numbers)
    number = _title_number(norm_title(value))
    return frozenset({number}) if number is not None else None


@cache
def _title_number(title: str) -> int | None:
    """A title the tools would resolve: a fixture title it matches clearly (the tools accept titles)."""
    choices = {n: norm_title(t) for n, t in TITLE_BY_NUMBER.items()}
    exact = [n for n, t in choices.items() if t == title]
    if len(exact) == 1:
        return exact[0]
    found = process.extract(title, choices, scorer=fuzz.WRatio, limit=2)
    if found and found[0][1] >= 88 and (len(found) == 1 or found[0][1] - found[1][1] >= 8):
        return int(found[0][2])
    return None


def project_number(value: Any) -> int | None:
    """The fixture project a value names: "P-2", a name in any case, its slug, or a unique prefix."""
    text = str(value).strip().lstrip("#").strip()
    if not text:
        return None
    if (n := refs.project_number(text)) is not None:
        return n if 1 <= n <= len(PROJECTS) else None
    low, as_slug = _fold(text), slug(text)
    for n, name in enumerate(PROJECTS, start=1):
        if low == _fold(name) or as_slug == slug(name):
            return n
    prefixed = [
        n
        for n, name in enumerate(PROJECTS, start=1)
        if _fold(name).startswith(low) or (as_slug and slug(name).startswith(as_slug))
    ]
    return prefixed[0] if len(prefixed) == 1 else None


NOBODY = "none"


def person_id(value: Any) -> str | None:
    """The fixture person a value names ("none" for nobody): mention tokens, @names, names, "me"."""
    text = str(value).strip()
    if (token := re.fullmatch(r"<@!?([A-Za-z0-9]+)(?:\|[^>]*)?>", text)) is not None:
        pid = token[1]
        return next((p.id for p in PEOPLE if pid in (p.slack_user_id, p.discord_user_id)), None)
    low = _fold(text.lstrip("@"))
    if low in refs.ME_WORDS or low == "myself":
        return VOCAB.me
    if low in ("", "none", "nobody", "no one", "noone", "unassigned", "null"):
        return NOBODY
    for p in PEOPLE:
        if low in _person_names(p):
            return p.id
    return None


def _person_names(p: Person) -> set[str]:
    names = {_fold(p.name), p.id.casefold()}
    if p.display_name:
        display = _fold(p.display_name)
        names |= {display, *display.split()}
    return names


_DAYPARTS = {"morning": "9am", "afternoon": "2pm", "evening": "6pm", "night": "9pm"}


def lead_of(value: Any) -> int | None:
    """Minutes before due that a reminder's ``when`` names ("1 day before due" → 1440); None for a date."""
    try:
        return read_when(str(value), ZoneInfo("UTC"), NOW).before_minutes
    except ValidationError:
        return None


def due_of(value: Any) -> Due | None:
    """A date phrase resolved at NOW in UTC ("morning" read as 9am); None when it isn't one."""
    text = str(value).strip().casefold()
    for word, clock in _DAYPARTS.items():
        text = re.sub(rf"\b(?:in the |this )?{word}\b", clock, text)
    text = re.sub(r"\s+at\s+", " ", text)
    try:
        return parse_due(text, "UTC", NOW)
    except ValidationError:
        return None


def since_start(value: Any) -> date | None:
    """The first day a `since` phrase denotes: today, yesterday, this/last week, N days ago, a date."""
    text = " ".join(str(value).casefold().split())
    today = NOW.date()
    monday = today - timedelta(days=today.weekday())
    fixed = {
        "today": today,
        "yesterday": today - timedelta(days=1),
        "this week": monday,
        "week": monday,
        "last week": monday - timedelta(days=7),
        "past week": today - timedelta(days=7),
        "last 7 days": today - timedelta(days=7),
        "this month": today.replace(day=1),
    }
    if text in fixed:
        return fixed[text]
    if m := re.fullmatch(r"(?:the )?(?:last|past) (\d+) days?|(\d+) days? ago", text):
        return today - timedelta(days=int(m[1] or m[2]))
    due = due_of(text)
    return due.date if due is not None else None


_STOP = frozenset("the a an about task tasks for with in of to on anything any title called named".split())


def content_words(value: Any) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"[\w'-]+", _fold(str(value))) if w not in _STOP)


_REPEAT_WORDS = {
    "daily": "every day",
    "weekly": "every week",
    "monthly": "every month",
    "quarterly": "every quarter",
    "yearly": "every year",
    "annually": "every year",
}


def repeat_words(value: Any) -> frozenset[str]:
    text = _fold(str(value or ""))
    if text in ("", "none", "never", "no", "off", "stop", "false"):
        return frozenset({"none"})
    for word, phrase in _REPEAT_WORDS.items():
        text = re.sub(rf"\b{word}\b", phrase, text)
    text = re.sub(r"(\d)\s+(am|pm)\b", r"\1\2", text)
    return frozenset(text.split()) - {"at", "on", "the"}


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().casefold() in ("true", "yes", "1", "y")
    return bool(value)


def _status(value: Any) -> str | None:
    text = str(value or "open").strip().casefold().replace(" ", "_")
    if text in ("open", "all"):
        return text
    try:
        return parse_status(text).value
    except ValidationError:
        return None


# ------------------------------------------------------------------------------------------- comparing


def same_arg(tool: str, key: str, expected: Any, got: Any) -> bool:
    """True when ``got`` means what ``expected`` means for argument ``key`` of ``tool``."""
    if expected is None or got is None:
        return expected is None and got is None
    if key in REF_ARGS:
        wanted = task_set(expected)
        return wanted is not None and task_set(got) == wanted
    if key in PROJECT_ARGS:
        n = project_number(expected)
        return n is not None and project_number(got) == n
    if key in PERSON_ARGS:
        pid = person_id(expected)
        return pid is not None and person_id(got) == pid
    if key == "when" and lead_of(expected) is not None:
        return lead_of(expected) == lead_of(got)
    if key in DATE_ARGS:
        want, have = due_of(expected), due_of(got)
        if want is None or have is None:
            return False
        return want.date == have.date and (want.time is None or want.time == have.time)
    if key == "since":
        start = since_start(expected)
        return start is not None and since_start(got) == start
    if key == "priority":
        try:
            return parse_priority(str(expected)) == parse_priority(str(got))
        except ValidationError:
            return False
    if key == "status":
        return _status(expected) is not None and _status(expected) == _status(got)
    if key in ("overdue", "include_closed"):
        return _truthy(expected) == _truthy(got)
    if key in TITLE_ARGS:
        return norm_title(expected) == norm_title(got)
    if key in WORDS_ARGS:
        return content_words(expected) == content_words(got)
    if key == "repeat":
        return repeat_words(expected) == repeat_words(got)
    if isinstance(expected, list | tuple) or isinstance(got, list | tuple):
        as_set = lambda v: frozenset(norm_title(x) for x in (v if isinstance(v, list | tuple) else [v]))  # noqa: E731
        return as_set(expected) == as_set(got)
    return norm_title(expected) == norm_title(got)


def _is_default(tool: str, key: str, value: Any) -> bool:
    if value is None or value == "" or value is False or value == [] or value == ():
        return True
    default = DEFAULTS.get(tool, {}).get(key)
    return default is not None and same_arg(tool, key, default, value)


def same_call(expected: Call, got: Call) -> bool:
    if expected.tool != got.tool:
        return False
    defaults = DEFAULTS.get(expected.tool, {})
    for key in set(expected.args) | set(got.args):
        want = expected.args.get(key, defaults.get(key))
        have = got.args.get(key, defaults.get(key))
        if key not in expected.args:
            if not _is_default(got.tool, key, have):
                return False
        elif not same_arg(expected.tool, key, want, have):
            return False
    return True


def question_refs(question: Question) -> frozenset[int]:
    """Every task a question names, in its text or its choices."""
    found = set(refs.find_task_numbers(question.text))
    for choice in question.choices:
        for key in REF_ARGS & set(choice.args):
            found |= task_set(choice.args[key]) or set()
    return frozenset(found)


def matches(entry: Entry, got: Any) -> bool:
    """True when the parse ``got`` is the right answer to ``entry``."""
    if entry.question is not None:
        if not isinstance(got, Question):
            return False
        wanted = frozenset(n for ref in entry.question if (n := refs.task_number(ref)) is not None)
        return wanted <= question_refs(got)
    if not isinstance(got, list) or len(got) != len(entry.calls) or not all(isinstance(g, Call) for g in got):
        return False
    unused = list(got)  # several calls match in any order ("assign T-3 and T-19" is two assign_task calls)
    for expected in entry.calls:
        found = next((g for g in unused if same_call(expected, g)), None)
        if found is None:
            return False
        unused.remove(found)
    return True


def describe(got: Any) -> str:
    if isinstance(got, list):
        return "; ".join(f"{c.tool}({c.args})" if isinstance(c, Call) else repr(c) for c in got) or "[]"
    if isinstance(got, Question):
        return f"Question({got.text!r}, {len(got.choices)} choices)"
    return repr(got)


def expected_text(entry: Entry) -> str:
    if entry.question is not None:
        return f"question naming {', '.join(entry.question) or 'anything'}"
    return describe(list(entry.calls))


# ------------------------------------------------------------------------------------------- tests


@dataclass
class Tally:
    right: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)

    def add(self, intent: str, ok: bool) -> None:
        self.total[intent] += 1
        self.right[intent] += ok

    def table(self, title: str) -> list[str]:
        lines = [title, f"{'intent':<16}{'right':>7}{'total':>7}{'accuracy':>10}"]
        for intent in sorted(self.total):
            r, t = self.right[intent], self.total[intent]
            lines.append(f"{intent:<16}{r:>7}{t:>7}{r / t:>10.0%}")
        r, t = sum(self.right.values()), sum(self.total.values())
        lines.append(f"{'overall':<16}{r:>7}{t:>7}{(r / t if t else 0):>10.1%}")
        return lines


def report(config: pytest.Config, lines: list[str]) -> None:
    """Shown by this folder's conftest in the terminal summary, and printed for `-s`."""
    config.stash.setdefault(SUMMARY, []).extend(lines)
    print("\n".join(lines))


SUMMARY = pytest.StashKey[list[str]]()


def test_corpus_accuracy(request: pytest.FixtureRequest) -> None:
    from core.understanding.parser import understand  # the lead's parser; absent until it lands

    tally = Tally()
    misses: list[str] = []
    for entry in load_corpus():
        try:
            got: Any = understand(entry.text, VOCAB, tz="UTC", now=NOW)
        except Exception as error:  # a crash is a miss with its reason, not the end of the measurement
            got = f"raised {type(error).__name__}: {error}"
        ok = matches(entry, got)
        tally.add(entry.intent, ok)
        if not ok:
            misses.append(
                f"  {entry.text!r}\n    expected: {expected_text(entry)}\n    got:      {describe(got)}"
            )
    report(request.config, tally.table("Understanding corpus: offline parser"))
    right, total = sum(tally.right.values()), sum(tally.total.values())
    assert right / total >= MIN_ACCURACY, (
        f"accuracy {right / total:.1%} is below {MIN_ACCURACY:.0%}; {len(misses)} misses:\n"
        + "\n".join(misses)
    )


def test_corpus_size_and_coverage() -> None:
    entries = load_corpus()
    per_intent = Counter(e.intent for e in entries)
    assert len(entries) >= MIN_ENTRIES
    assert set(per_intent) == INTENTS, set(per_intent) ^ INTENTS
    thin = {i: n for i, n in per_intent.items() if n < MIN_PER_INTENT}
    assert not thin, f"intents with fewer than {MIN_PER_INTENT} phrasings: {thin}"
    texts = Counter(e.text.casefold() for e in entries)
    assert not [t for t, n in texts.items() if n > 1], "duplicate phrasings"


@pytest.mark.parametrize("entry", load_corpus(), ids=lambda e: e.text[:40])
def test_corpus_entry_is_well_formed(entry: Entry) -> None:
    """Every expected value resolves in the fixture workspace, so a miss is always the parser's."""
    assert (entry.question is None) != (not entry.calls), "an entry has calls or a question, not both"
    for ref in entry.question or ():
        assert refs.task_number(ref) in TITLE_BY_NUMBER, ref
    for call in entry.calls:
        assert call.tool in TOOL_ARGS, call.tool
        assert set(call.args) <= TOOL_ARGS[call.tool], set(call.args) - TOOL_ARGS[call.tool]
        for key, value in call.args.items():
            _check_resolves(call.tool, key, value)
            assert same_arg(call.tool, key, value, value), (key, value)


def _check_resolves(tool: str, key: str, value: Any) -> None:
    if key in REF_ARGS:
        numbers = task_set(value)
        assert numbers and numbers <= set(TITLE_BY_NUMBER), (key, value)
    elif key in PROJECT_ARGS:
        assert project_number(value) is not None, (key, value)
    elif key in PERSON_ARGS:
        assert person_id(value) is not None, (key, value)
    elif key == "when" and lead_of(value) is not None:
        pass  # "1 day before due": a lead, not a date
    elif key in DATE_ARGS:
        assert due_of(value) is not None, (key, value)
    elif key == "since":
        assert since_start(value) is not None, (key, value)
    elif key == "priority":
        parse_priority(str(value))


def test_the_comparison_reads_meaning_not_spelling() -> None:
    """The semantic comparison itself: equal meanings pass, different ones do not."""
    assert same_arg("list_tasks", "project", "Website relaunch", "website-relaunch")
    assert same_arg("list_tasks", "project", "Website relaunch", "P-2")
    assert same_arg("list_tasks", "project", "Website relaunch", "#website")
    assert not same_arg("list_tasks", "project", "Website relaunch", "Wedding")
    assert same_arg("assign_task", "assignee", "sam", "<@U0SAM>")
    assert same_arg("assign_task", "assignee", "sam", "<@222000000000000001>")
    assert same_arg("assign_task", "assignee", "me", "u-alice")
    assert same_arg("assign_task", "assignee", "maria", "@María")
    assert not same_arg("assign_task", "assignee", "sam", "bob")
    assert same_arg("update_task", "ref", "T-3, T-4", ["T-4", "3"])
    assert same_arg("reopen_task", "ref", "T-26", "Book flights to Lisbon")
    assert not same_arg("complete_task", "ref", "T-3", "the slides")  # two slides tasks: not this one
    assert same_arg("update_task", "due", "next friday", "2026-12-04")
    assert not same_arg("update_task", "due", "friday", "next friday")
    assert same_arg("remind", "when", "friday morning", "fri 9am")
    assert same_arg("activity", "since", "this week", "2026-11-23")
    assert same_arg("create_task", "priority", "urgent", "p1")
    assert same_arg("create_task", "title", "Ship it", '"ship it!"')
    assert same_arg("search_tasks", "text", "invoices", "the invoices")
    assert same_arg("create_task", "repeat", "every month", "monthly")
    expected = Call("list_tasks", {"overdue": True})
    assert same_call(expected, Call("list_tasks", {"overdue": True, "status": "open", "assignee": None}))
    assert not same_call(expected, Call("list_tasks", {"overdue": True, "assignee": "me"}))
    assert same_call(
        Call("remind", {"ref": "T-3", "when": "fri", "who": "me"}),
        Call("remind", {"ref": "T-3", "when": "fri"}),
    )
    ask = Entry("I'm done with the slides", "complete", question=("T-3", "T-4"))
    both = Question(
        "Which one?", (Call("complete_task", {"ref": "T-3"}), Call("complete_task", {"ref": "T-4"}))
    )
    assert matches(ask, both)
    assert not matches(ask, Question("Did you mean T-3?", (Call("complete_task", {"ref": "T-3"}),)))
    assert not matches(ask, [Call("complete_task", {"ref": "T-3"})])
    two = Entry(
        "x", "assign", calls=(Call("assign_task", {"ref": "T-3"}), Call("assign_task", {"ref": "T-19"}))
    )
    assert matches(two, [Call("assign_task", {"ref": "T-19"}), Call("assign_task", {"ref": "T-3"})])
    assert not matches(two, [Call("assign_task", {"ref": "T-3"}), Call("assign_task", {"ref": "T-3"})])
