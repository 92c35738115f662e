"""The deterministic quick-add grammar: one line of chat text → one command object, no LLM involved.

``parse`` returns None for text that doesn't start with a command keyword (free-form text for the agent),
a command object for a well-formed command, and raises QuickAddError (a ValidationError) for anything
that starts like a command but is malformed. The one other exception is MessageTooLong (a ValidationError
too, not a QuickAddError, so no surface hands the text on to a model): text over MAX_MESSAGE characters is
refused before anything reads it. Parsing is linear in the text's length.  The same text arrives as
Slack/Discord slash-command arguments, so a leading ``/task`` or ``/project`` is accepted.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Literal

from core.quickadd_chart import parse_chart
from core.quickadd_commands import (
    HELP_TEXT,
    USAGE,
    AddProject,
    AddTask,
    ArchiveProject,
    AssignTask,
    BlockTask,
    Cancel,
    ChartProject,
    Command,
    CompleteTask,
    Confirm,
    DeleteProject,
    DeleteTask,
    EditTask,
    Help,
    History,
    ListProjects,
    ListTasks,
    QuickAddError,
    ReopenTask,
    Reset,
    RestoreTask,
    SearchTasks,
    ShowProject,
    ShowTask,
    SnoozeTask,
    SuggestProjects,
    SuggestTasks,
    Text,
    UnblockTask,
    Undo,
    UseProject,
    Window,
)
from core.quickadd_options import scan, title_of
from core.quickadd_schedule import KEYWORDS as SCHEDULE_KEYWORDS
from core.quickadd_schedule import parse_report, parse_schedule
from core.quickadd_structure import parse_link, parse_unblock, take_estimate, take_parent, take_took
from core.quickadd_tokens import (
    Kind,
    Token,
    UnclosedQuote,
    assignee_of,
    classify,
    is_mention,
    parse_refs,
    tokenize,
)
from core.quickadd_trailing import split_trailing_due
from core.services.validation import check_message

__all__ = [
    "HELP_TEXT",
    "USAGE",
    "AddProject",
    "AddTask",
    "ArchiveProject",
    "AssignTask",
    "BlockTask",
    "Cancel",
    "ChartProject",
    "Command",
    "CompleteTask",
    "Confirm",
    "DeleteProject",
    "DeleteTask",
    "EditTask",
    "Help",
    "History",
    "ListProjects",
    "ListTasks",
    "QuickAddError",
    "ReopenTask",
    "Reset",
    "RestoreTask",
    "SearchTasks",
    "ShowProject",
    "ShowTask",
    "SnoozeTask",
    "SuggestProjects",
    "SuggestTasks",
    "Text",
    "UnblockTask",
    "Undo",
    "UseProject",
    "is_command",
    "parse",
    "without_slash",
]

_KEYWORDS = {
    **SCHEDULE_KEYWORDS,
    "add": "add",
    "list": "list",
    "ls": "list",
    "show": "show",
    "find": "find",
    "search": "find",
    "history": "history",
    "done": "done",
    "complete": "done",
    "reopen": "reopen",
    "delete": "delete",
    "restore": "restore",
    "edit": "edit",
    "assign": "assign",
    "unassign": "unassign",
    "unblock": "unblock",
    "undo": "undo",
    "reset": "reset",
    "help": "help",
    "project": "project",
    "projects": "project list",
    "use": "use",
    "yes": "confirm",
    "y": "confirm",
    "confirm": "confirm",
    "no": "cancel",
    "n": "cancel",
    "cancel": "cancel",
}
# "no, the other one" or "cancel T-3" is conversation for the agent, not a bare answer to a prompt.
_ANSWERS = {"confirm", "cancel"}
_WINDOWS: dict[str, Window] = {"overdue": "overdue", "today": "today", "week": "week"}
_STATES: dict[str, Literal["blocked", "ready"]] = {"blocked": "blocked", "ready": "ready"}
_PERIODS = frozenset({"today", "yesterday", "week", "month"})
_HISTORY_FILLER = frozenset({"of", "for", "by", "in", "this", "the", "last", "past"})
_NO_ARGS: dict[str, Command] = {
    "undo": Undo(),
    "reset": Reset(),
    "confirm": Confirm(),
    "cancel": Cancel(),
    "project list": ListProjects(),
}
_BULK: dict[str, Callable[[tuple[int, ...]], Command]] = {
    "done": CompleteTask,
    "reopen": ReopenTask,
    "delete": DeleteTask,
    "restore": RestoreTask,
}
_PROJECT_REF: dict[str, Callable[[str], Command]] = {
    "show": ShowProject,
    "delete": DeleteProject,
    "archive": ArchiveProject,
}


def parse(text: str, *, tz: str = "UTC", now: datetime | None = None) -> Command | None:
    """Parse one line; None if it isn't a command, QuickAddError if it is one but malformed.

    ``tz`` and ``now`` only validate due phrases (commands keep the raw phrase). Raises MessageTooLong for
    text over MAX_MESSAGE characters, command or not.
    """
    check_message(text)
    head = _head(text)
    if head is None:
        return parse_link(without_slash(text))  # `T-5 blocks T-3`, `T-3 after T-5`
    name, rest = head
    if name in SCHEDULE_KEYWORDS:
        return parse_schedule(name, rest)
    usage = USAGE[name]
    if name == "find":  # the words are what to look for, quotes and sigils included
        return _find(rest, usage)
    try:
        tokens = tokenize(rest)
    except UnclosedQuote:
        raise QuickAddError("There's an unclosed quote in that command.", usage) from None
    if name == "project":
        return _project(tokens, tz=tz, now=now)
    if name == "use":
        return _use(tokens, usage)
    if name == "add":
        return _add(tokens, tz=tz, now=now)
    if name == "edit":
        return _edit(tokens, tz=tz, now=now)
    if name == "history":
        return _history(tokens, usage)
    if name == "unblock":
        return parse_unblock(tokens)
    return _simple(name, tokens, usage)


def without_slash(text: str) -> str:
    """The words after a leading ``/task`` or ``/project``: a slash command's free text, as a request."""
    words = text.strip().split(maxsplit=1)
    if words and words[0].lower() in ("/task", "/project"):
        return words[1] if len(words) > 1 else ""
    return text


def is_command(text: str) -> bool:
    """True when ``parse`` would treat ``text`` as a command (well-formed or not) rather than free text."""
    return _head(text) is not None or parse_link(without_slash(text)) is not None


def _head(text: str) -> tuple[str, str] | None:
    """The canonical command name and the text after the keyword, or None for free-form text."""
    stripped = text.strip()
    words = stripped.split(maxsplit=1)
    if not words:
        return None
    first = words[0].lower()
    if first == "/task":
        stripped = words[1] if len(words) > 1 else "help"
    elif first == "/project":
        stripped = "project " + (words[1] if len(words) > 1 else "")
    words = stripped.split(maxsplit=1)
    first, rest = words[0].lower(), (words[1] if len(words) > 1 else "")
    answer = _KEYWORDS.get(first.rstrip(".!"))
    if answer in _ANSWERS:
        return (answer, "") if not rest.strip() else None  # "yes." and "no!" are still answers
    name = _KEYWORDS.get(first)
    return (name, rest) if name else None


def _simple(name: str, tokens: list[Token], usage: str) -> Command:
    if name in ("undo", "reset", "confirm", "cancel", "project list"):
        if tokens:
            raise QuickAddError(f"`{usage}` doesn't take anything after it.", usage)
        return _NO_ARGS[name]
    if name == "help":
        topic = " ".join(t.lower for t in tokens).strip().lstrip("/")
        return Help(topic or None)
    if name == "list":
        return _list(tokens, usage)
    if name == "assign":
        return _assign(tokens, usage)
    took: int | None = None
    if name == "done":
        tokens, took = take_took(tokens, usage)
    numbers = parse_refs(tokens)
    if not numbers:
        bad = next((t.text for t in tokens if parse_refs([t]) is None), "")
        what = f'"{bad}" isn\'t a task reference.' if bad else "Which task?"
        raise QuickAddError(f"{what} Use its number, like T-3 or 3.", usage)
    if name == "unassign":
        return AssignTask(_single(numbers, usage), None)
    if name == "show":
        return ShowTask(_single(numbers, usage))
    unique = tuple(dict.fromkeys(numbers))
    if took is not None:
        return CompleteTask(unique, took_minutes=took)
    return _BULK[name](unique)


def _single(numbers: list[int], usage: str) -> int:
    if len(numbers) > 1:
        raise QuickAddError("That works on one task at a time.", usage)
    return numbers[0]


def _list(tokens: list[Token], usage: str) -> Command:
    if len(tokens) == 1 and tokens[0].lower == "projects":
        return ListProjects()
    project: str | None = None
    assignee: str | None = None
    window: Window | None = None
    include_closed = False
    state = next((_STATES[t.lower] for t in tokens if t.lower in _STATES and not t.quoted), None)
    tokens = [t for t in tokens if t.lower != state or t.quoted]
    for token in tokens:
        kind = classify(token)
        low = token.lower
        if kind is Kind.PROJECT:
            project = _once(project, token.text[1:], "project", usage)
        elif kind is Kind.ASSIGNEE or (low == "mine" and not token.quoted):
            value = "me" if low == "mine" else assignee_of(token)
            assignee = _once(assignee, value, "person", usage)
        elif low in _WINDOWS and not token.quoted:
            if window is not None:
                raise QuickAddError(
                    f"Pick one of overdue, today or week, not both {window} and {low}.", usage
                )
            window = _WINDOWS[low]
        elif low == "all" and not token.quoted:
            include_closed = True
        else:
            raise QuickAddError(f'I don\'t know what "{token.text}" means in a list.', usage)
    return ListTasks(project, assignee, window, include_closed, state=state)


def _find(rest: str, usage: str) -> SearchTasks:
    words = " ".join(rest.split())
    # `search for 'landing page'`: the words, not "for" and the quotes around them
    words = re.sub(r"^(?:for|about)\s+", "", words, flags=re.IGNORECASE)
    if len(words) > 2 and words[0] in "\"'“‘" and words[-1] in "\"'”’":
        words = words[1:-1].strip()
    if not words:
        raise QuickAddError("What should I look for? Give a word or two of the task.", usage)
    return SearchTasks(words)


def _history(tokens: list[Token], usage: str) -> History:
    """`history [T-3 | @bob | #launch] [today | yesterday | week | month]`, in any order."""
    task: int | None = None
    person: str | None = None
    project: str | None = None
    since: str | None = None
    title: list[str] = []
    previous = ""
    for token in tokens:
        kind = classify(token)
        low = token.lower
        before, previous = previous, low
        number = parse_refs([token]) if kind is Kind.WORD and not token.quoted else None
        if number is not None and len(number) == 1:
            if task is not None:
                raise QuickAddError("History shows one task at a time.", usage)
            task = number[0]
        elif kind is Kind.PROJECT:
            project = _once(project, token.text[1:], "project", usage)
        elif kind is Kind.ASSIGNEE or (low in ("mine", "me", "my") and not token.quoted):
            value = "me" if low in ("mine", "me", "my") else assignee_of(token)
            person = _once(person, value, "person", usage)
        elif low in _PERIODS and not token.quoted:
            # "this week" runs from Monday, "last week" is the one before; a bare "week" is 7 days back
            said = f"{before} {low}" if before in ("this", "last") and low in ("week", "month") else low
            since = _once(since, said, "period", usage)
        elif low in _HISTORY_FILLER and not token.quoted and not title:
            continue  # "history of T-3", "history for this week"
        elif kind is Kind.WORD:
            title.append(token.text)  # "history of the slides": the task named by its title
        else:
            raise QuickAddError(f'I don\'t know what "{token.text}" means in a history.', usage)
    while title and title[-1].lower() in _HISTORY_FILLER:  # "history of the slides this week"
        title.pop()
    if title and task is not None:
        raise QuickAddError("History shows one task at a time.", usage)
    return History(task=" ".join(title) if title else task, person=person, project=project, since=since)


def _once(current: str | None, value: str, what: str, usage: str) -> str:
    if current is not None:
        raise QuickAddError(f"You gave more than one {what}; keep one.", usage)
    return value


def _assign(tokens: list[Token], usage: str) -> Command:
    if not tokens:
        raise QuickAddError("Which task, and to whom?", usage)
    numbers = parse_refs(tokens[:1])
    if not numbers:
        raise QuickAddError(f'"{tokens[0].text}" isn\'t a task reference. Use T-3 or 3.', usage)
    rest = tokens[1:]
    if rest and rest[0].lower == "to" and not rest[0].quoted:
        rest = rest[1:]
    if len(rest) != 1 or not rest[0].text.strip("@"):
        raise QuickAddError("Name one person to assign, like @alice (or `unassign T-3`).", usage)
    who = rest[0]
    value = assignee_of(who) if who.text.startswith("@") or is_mention(who.text) else who.text
    if value.lower() == "none":
        return AssignTask(_single(numbers, usage), None)
    return AssignTask(_single(numbers, usage), "me" if value.lower() == "mine" else value)


def _add(tokens: list[Token], *, tz: str, now: datetime | None) -> AddTask:
    usage = USAGE["add"]
    tokens, parent = take_parent(tokens)
    tokens, estimate, _ = take_estimate(tokens)
    found = scan(tokens, usage, editing=False, project_opts=True, tz=tz, now=now)
    words, due = found.words, found.due
    if due is None:
        words, due = split_trailing_due(words, tz=tz, now=now)
    return AddTask(
        title=title_of(words, usage),
        due=due,
        priority=found.priority,
        project=found.project,
        assignee=found.assignee,
        tags=tuple(dict.fromkeys(found.tags)),
        repeat=found.repeat,
        parent=parent,
        estimate_minutes=estimate,
    )


def _edit(tokens: list[Token], *, tz: str, now: datetime | None) -> EditTask:
    usage = USAGE["edit"]
    numbers = parse_refs(tokens[:1]) if tokens else None
    if not numbers:
        what = f'"{tokens[0].text}" isn\'t a task reference.' if tokens else "Which task?"
        raise QuickAddError(f"{what} Start with its number, like `edit T-3 due fri`.", usage)
    rest, estimate, clear_estimate = take_estimate(tokens[1:])
    found = scan(rest, usage, editing=True, project_opts=True, tz=tz, now=now)
    bare = [t.text for t in found.words if not t.quoted]
    if bare:
        raise QuickAddError(
            f'I don\'t know what "{" ".join(bare)}" means here. To rename, quote the new title: '
            '`edit T-3 "New title"`.',
            usage,
        )
    if len(found.words) > 1:
        raise QuickAddError("Give the new title once, in quotes.", usage)
    clash = set(found.tags) & set(found.untags)
    if clash:
        raise QuickAddError(f"You both added and removed +{sorted(clash)[0]}.", usage)
    title = title_of(found.words, usage) if found.words else None
    edit = EditTask(
        number=numbers[0],
        title=title,
        due=found.due,
        clear_due=found.clear_due,
        priority=found.priority,
        project=found.project,
        clear_project=found.clear_project,
        assignee=found.assignee,
        clear_assignee=found.clear_assignee,
        add_tags=tuple(dict.fromkeys(found.tags)),
        remove_tags=tuple(dict.fromkeys(found.untags)),
        repeat=found.repeat,
        clear_repeat=found.clear_repeat,
        estimate_minutes=estimate,
        clear_estimate=clear_estimate,
    )
    if edit == EditTask(number=numbers[0]):
        raise QuickAddError(f"Nothing to change on T-{numbers[0]}. Say what to change.", usage)
    return edit


def _use(tokens: list[Token], usage: str) -> UseProject:
    if len(tokens) > 1 and tokens[0].lower == "project" and not tokens[0].quoted:
        tokens = tokens[1:]  # `use project P-3`
    ref = " ".join(t.text for t in tokens).strip()
    if len(tokens) == 1 and not tokens[0].quoted and ref.startswith("#"):
        ref = ref[1:]
    if not ref:
        raise QuickAddError("Which project? Give its name or number, like `use #Launch`.", usage)
    if ref.lower() in ("none", "nothing", "-"):
        return UseProject(None)
    return UseProject(ref)


def _project(tokens: list[Token], *, tz: str, now: datetime | None) -> Command:
    if not tokens:
        return ListProjects()
    sub = "" if tokens[0].quoted else tokens[0].lower
    sub = {"ls": "list", "new": "add", "create": "add"}.get(sub, sub)
    rest = tokens[1:]
    if sub == "list":
        if rest:
            raise QuickAddError("`project list` doesn't take anything after it.", USAGE["project list"])
        return ListProjects()
    if sub == "add":
        usage = USAGE["project add"]
        found = scan(rest, usage, editing=False, project_opts=False, tz=tz, now=now)
        return AddProject(
            name=title_of(found.words, usage, what="project", noun="name"),
            due=found.due,
            priority=found.priority,
            tags=tuple(dict.fromkeys(found.tags)),
        )
    if sub == "chart":
        return parse_chart(rest)
    if sub == "report":
        return parse_report(rest[0].text if rest else "", " ".join(t.text for t in rest[1:]))
    if sub in ("show", "delete", "archive"):
        usage = USAGE[f"project {sub}"]
        ref = " ".join(t.text for t in rest).strip()
        if len(rest) == 1 and not rest[0].quoted and ref.startswith("#"):
            ref = ref[1:]
        if not ref:
            raise QuickAddError("Which project? Give its name or number, like P-2.", usage)
        return _PROJECT_REF[sub](ref)
    word = tokens[0].text
    raise QuickAddError(
        f"I don't know `project {word}`. Try add, list, show, chart, delete or archive.", USAGE["project"]
    )
