"""What the offline model understands: quick-add commands and common phrasings, turned into tool calls.

``interpret`` is pure (no I/O): it returns the tool calls to make, a text answer, or None for text it does not
understand. Dates stay phrases; the services resolve them in the user's timezone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core import quickadd as qa
from core import refs
from core.dates import MAX_DATE_TEXT, parse_due
from core.errors import ValidationError
from core.services.validation import check_message


@dataclass(frozen=True)
class Call:
    tool: str
    args: dict[str, Any] = field(default_factory=dict)


Interpretation = list[Call] | str | None

_REF = refs.TASK_REF_PATTERN
_REFS = rf"{_REF}(?:(?:\s*,\s*|\s+and\s+|\s+|\s*&\s*){_REF})*"
_PRIORITY = r"critical|high|medium|low|backlog|urgent|p[1-4]"
_POLITE = re.compile(
    r"^(?:(?:hey|hi|ok|okay|so|please|pls|kindly|can you|could you|would you|will you|"
    r"i'd like you to|i want you to)[\s,]+)+",
    re.IGNORECASE,
)
# Stripped in three linear steps, not by one regex: `[\s,]*(?:please|…)?[\s.!?]*$` searched from every
# position backtracks cubically over a run of spaces (2 s for 1,000 spaces, 19 s for 2,000).
_TRAILING_WORDS = ("thank you", "thanks", "please", "pls", "thx")
_DATE_STARTERS = frozenset(
    "today tonight tomorrow tmrw mon monday tue tues tuesday wed wednesday thu thur thurs thursday fri "
    "friday sat saturday sun sunday next this coming in on by before due until till at end eod eow eom noon "
    "midnight jan january feb february mar march apr april may jun june jul july aug august sep sept "
    "september oct october nov november dec december".split()
)
_DATE_FILLER = re.compile(r"^(?:before|until|till|by|on|due|for)\s+", re.IGNORECASE)
_NOT_PROJECTS = frozenset({"my plate", "me", "my list", "total", "all", "the list", "general"})

_UNDO = re.compile(
    r"^(?:undo(?: that| it| the last change)?|revert(?: that| it)?|take (?:that|it) back)$", re.I
)
_LIST_PROJECTS = re.compile(
    r"^(?:(?:list|show|what are|which are)(?: me)?(?: all| my| the| our)* projects"
    r"|(?:what|which) projects\b.*|projects\??)$",
    re.I,
)
_CREATE_PROJECT = re.compile(
    r"^(?:create|make|start|add|set up|new)(?: a| the)?(?: new)? project(?: called| named)?\s+[\"“]?"
    r"(?P<name>.+?)[\"”]?(?:\s+due\s+(?P<due>.+))?$",
    re.I,
)
_USE_PROJECT = re.compile(
    r"^(?:use|switch to|go to|focus on|work on|let's work on|move to)(?: the)?"
    r"(?: project)?\s+#?(?P<name>.+?)(?: project)?$",
    re.I,
)
_SHOW_PROJECT = re.compile(
    r"^(?:show|open|what's in|what is in|whats in)(?: me)?(?: the)?"
    r"(?: project)?\s+#?(?P<name>.+?)(?: project)?$",
    re.I,
)
_COMPLETE = [
    re.compile(
        rf"^(?:mark|set|flag)\s+(?P<refs>{_REFS})\s+(?:as\s+)?(?:done|complete|completed|finished)$", re.I
    ),
    re.compile(
        rf"^(?:complete|finish|close|tick off|check off|i (?:finished|completed|did))\s+(?P<refs>{_REFS})$",
        re.I,
    ),
    re.compile(rf"^(?P<refs>{_REFS})\s+(?:is|are)\s+(?:done|complete|completed|finished)$", re.I),
]
_ASSIGN = re.compile(
    rf"^(?:assign|give|hand(?: over)?|delegate|reassign)\s+(?P<ref>{_REF})\s+to\s+(?P<who>@?[\w.\-<>@!|]+)$",
    re.I,
)
_UNASSIGN = re.compile(rf"^(?:unassign|un-assign)\s+(?P<ref>{_REF})$", re.I)
_DELETE = re.compile(rf"^(?:delete|remove|drop|trash|get rid of)\s+(?P<refs>{_REFS})$", re.I)
_RESCHEDULE = [
    re.compile(
        r"^(?:move|push|reschedule|postpone|change|set|shift)(?: the due date of| the deadline of)?"
        rf"\s+(?P<ref>{_REF})(?:'s)?(?:\s+due(?: date)?|\s+deadline)?\s+(?:to|until|till|for)\s+(?P<due>.+)$",
        re.I,
    ),
    re.compile(rf"^(?P<ref>{_REF})\s+(?:is\s+)?(?:now\s+)?due\s+(?P<due>.+)$", re.I),
]
_RENAME = re.compile(rf"^(?:rename|retitle)\s+(?P<ref>{_REF})\s+(?:to|as)\s+(?P<title>.+)$", re.I)
_PRIORITIZE = re.compile(
    rf"^(?:make|set|mark|change)\s+(?P<ref>{_REF})(?:'s)?(?:\s+priority)?(?:\s+(?:to|as))?"
    rf"\s+(?P<prio>{_PRIORITY})(?:\s+priority)?$",
    re.I,
)
_MENTION = refs.MENTION_PATTERN  # the neutral token adapters write for a platform mention
_REMIND = re.compile(
    rf"^remind\s+(?P<who>me|{_MENTION}|@?[\w.\-]+)\s+(?:to|that|about)\s+(?P<rest>.+)$", re.I
)
_NEW_TASK = re.compile(
    r"^(?:(?:create|make|add|new)(?: a| an)?(?: new)? (?:task|todo|to-do|reminder)"
    r"(?: called| named| to| for)?[:\s]+|(?:todo|to-do|to do)[:\s]+|don't forget to\s+"
    r"|i (?:need|have|must|should) to\s+)(?P<rest>.+)$",
    re.I,
)
_QUESTION = re.compile(
    r"^(?:what(?:'s| is| are)?|whats|which|show(?: me)?|list|any|do i have|is there|are there|anything"
    r"|tell me)\b",
    re.I,
)
_TASKISH = re.compile(
    r"\b(?:due|overdue|late|tasks?|todos?|plate|open|left|pending|working on|assigned|finished|done)\b", re.I
)


def interpret(text: str, *, tz: str, now: datetime | None = None) -> Interpretation:
    """Tool calls for ``text``; a text answer (e.g. a malformed command); None when not understood."""
    try:
        check_message(text)  # before any regex or date parsing reads it
    except ValidationError as exc:
        return str(exc)
    clean = _strip_trailing(_POLITE.sub("", text.strip())).strip()
    if not clean:
        return None
    # The phrasings read single-spaced: a lazy group followed by `\s+…` would otherwise retry every split of
    # a long run of spaces (quadratic: 0.3 s for "create project a" and 6,000 spaces).
    phrase = " ".join(clean.split())
    try:
        command = qa.parse(clean, tz=tz, now=now)
    except qa.QuickAddError as exc:
        # "show project Launch" or "undo that" start like commands but are phrasings the offline model knows.
        return _from_phrase(phrase, tz, now) or str(exc)
    if command is not None:
        return _from_command(command)
    return _from_phrase(phrase, tz, now)


def _strip_trailing(text: str) -> str:
    """``text`` without trailing punctuation and one closing courtesy ("…, please!", "… thanks.")."""
    rest = _rstrip_spaces_and(text, ".!?")
    low = rest.lower()
    word = next((w for w in _TRAILING_WORDS if low.endswith(w)), "")
    return _rstrip_spaces_and(rest[: len(rest) - len(word)], ",")


def _rstrip_spaces_and(text: str, chars: str) -> str:
    # str.rstrip() without arguments strips exactly what the regex \s matches (str.isspace).
    while text != (text := text.rstrip().rstrip(chars)):
        pass
    return text


def _from_phrase(text: str, tz: str, now: datetime | None) -> Interpretation:
    if _UNDO.match(text):
        return [Call("undo")]
    if _LIST_PROJECTS.match(text):
        return [Call("list_projects")]
    if m := _CREATE_PROJECT.match(text):
        return [Call("create_project", _drop_none({"name": m["name"], "due": m["due"]}))]
    for pattern in _COMPLETE:
        if m := pattern.match(text):
            return [Call("complete_task", {"ref": _ref_list(m["refs"])})]
    if m := _ASSIGN.match(text):
        return [Call("assign_task", {"ref": _ref(m["ref"]), "assignee": m["who"]})]
    if m := _UNASSIGN.match(text):
        return [Call("assign_task", {"ref": _ref(m["ref"]), "assignee": "none"})]
    if m := _DELETE.match(text):
        return [Call("delete_task", {"ref": _ref_list(m["refs"])})]
    for pattern in _RESCHEDULE:
        if m := pattern.match(text):
            return [Call("update_task", {"ref": _ref(m["ref"]), "due": m["due"]})]
    if m := _RENAME.match(text):
        return [Call("update_task", {"ref": _ref(m["ref"]), "title": m["title"].strip('"“”')})]
    if m := _PRIORITIZE.match(text):
        return [Call("update_task", {"ref": _ref(m["ref"]), "priority": m["prio"]})]
    if m := _REMIND.match(text):
        title, due = split_due(m["rest"], tz, now)
        who = m["who"]
        return [Call("create_task", _drop_none({"title": title, "due": due, "assignee": who}))]
    if m := _NEW_TASK.match(text):
        title, due = split_due(m["rest"], tz, now)
        return [Call("create_task", _drop_none({"title": title, "due": due}))]
    if _QUESTION.match(text) and _TASKISH.search(text):
        return [Call("list_tasks", _list_filters(text, tz, now))]
    if m := _USE_PROJECT.match(text):
        return [Call("use_project", {"name_or_ref": m["name"]})]
    if m := _SHOW_PROJECT.match(text):
        return [Call("show_project", {"name_or_ref": m["name"]})]
    return None


def split_due(text: str, tz: str, now: datetime | None) -> tuple[str, str | None]:
    """`send the deck before Friday` → ("send the deck", "Friday"): the longest trailing date phrase."""
    words = text.strip().rstrip(".!?").split()
    for i in range(_short_tail(words), len(words)):
        first = words[i].lower().strip(",")
        if first not in _DATE_STARTERS and not re.fullmatch(r"\d{1,4}[/-]\d{1,2}(?:[/-]\d{1,4})?", first):
            continue
        phrase = _DATE_FILLER.sub("", " ".join(words[i:]))
        try:
            parse_due(phrase, tz, now)
        except ValidationError:
            continue
        return " ".join(words[:i]).rstrip(","), phrase
    return " ".join(words), None


def _short_tail(words: list[str]) -> int:
    """The first index (at least 1) whose tail could still be a date: parse_due refuses longer phrases, so
    trying every suffix of a long message would join the same words again and again for nothing."""
    budget = MAX_DATE_TEXT + len("before by ")  # the fillers come off before parse_due checks the length
    i, size = len(words), -1
    while i > 1 and size + 1 + len(words[i - 1]) <= budget:
        i -= 1
        size += 1 + len(words[i])
    return i


def _list_filters(text: str, tz: str, now: datetime | None) -> dict[str, Any]:
    low = re.sub(r"^(?:show|tell|give|list)\s+me\b", "", text.lower())  # "show me" is not "assigned to me"
    args: dict[str, Any] = {}
    if re.search(r"\b(?:overdue|late|past due)\b", low):
        args["overdue"] = True
    if re.search(r"\b(?:my|mine|i have|me|i'm|am i)\b", low):
        args["assignee"] = "me"
    if who := refs.find_person(text):
        args["assignee"] = who  # the resolver maps mention tokens to people
    elif m := re.search(r"\b(?:is|are)\s+([A-Za-z][\w.\-]*)\s+working on\b", text):
        args["assignee"] = m[1]
    if re.search(r"\b(?:finished|done|completed)\b", low) and "overdue" not in args:
        args["status"] = "done"
    if re.search(r"\bthis week\b|\bby the end of the week\b", low):
        args["due_before"] = "this sunday"
    elif m := re.search(r"\bdue\s+(?:by\s+|before\s+|on\s+)?(.+?)(?:\s+(?:in|for)\s+.+)?$", low):
        phrase = _DATE_FILLER.sub("", m[1])
        try:
            parse_due(phrase, tz, now)
            args["due_before"] = phrase
        except ValidationError:
            pass
    if "due_before" not in args and (m := re.search(r"\b(today|tonight|tomorrow)\b", low)):
        args["due_before"] = m[1]
    if m := re.search(r"#([\w.\-]+)", text):
        args["project"] = m[1]
    elif m := re.search(
        r"\b(?:in|for|of|on)\s+(?:the\s+)?(?:project\s+)?([A-Za-z][\w .\-]*?)(?:\s+project)?$", text
    ):
        name = m[1].strip()
        if name.lower() not in _NOT_PROJECTS and not _is_date(name, tz, now) and "plate" not in name.lower():
            args["project"] = name
    return args


def _is_date(text: str, tz: str, now: datetime | None) -> bool:
    try:
        parse_due(text, tz, now)
    except ValidationError:
        return False
    return True


def _from_command(command: qa.Command) -> Interpretation:
    match command:
        case qa.AddTask():
            args: dict[str, Any] = {
                "title": command.title,
                "due": command.due.phrase() if command.due else None,
                "priority": command.priority.value if command.priority else None,
                "project": command.project,
                "assignee": command.assignee,
                "tags": list(command.tags) or None,
            }
            return [Call("create_task", _drop_none(args))]
        case qa.ListTasks():
            args = {
                "project": command.project,
                "assignee": command.assignee,
                "overdue": True if command.window == "overdue" else None,
                "due_before": {"today": "today", "week": "in 7 days"}.get(command.window or ""),
                "status": "all" if command.include_closed else None,
            }
            return [Call("list_tasks", _drop_none(args))]
        case qa.CompleteTask():
            return [Call("complete_task", {"ref": _numbers(command.numbers)})]
        case qa.DeleteTask():
            return [Call("delete_task", {"ref": _numbers(command.numbers)})]
        case qa.AssignTask():
            return [
                Call("assign_task", {"ref": f"T-{command.number}", "assignee": command.assignee or "none"})
            ]
        case qa.EditTask():
            return _edit_calls(command)
        case qa.Undo():
            return [Call("undo")]
        case qa.AddProject():
            args = {
                "name": command.name,
                "due": command.due.phrase() if command.due else None,
                "priority": command.priority.value if command.priority else None,
            }
            return [Call("create_project", _drop_none(args))]
        case qa.ListProjects():
            return [Call("list_projects")]
        case qa.ShowProject():
            return [Call("show_project", {"name_or_ref": command.ref})]
    return "That's a quick-add command: send it on its own line, e.g. `show T-3` or `help`."


def _edit_calls(command: qa.EditTask) -> list[Call]:
    ref = f"T-{command.number}"
    args = {
        "ref": ref,
        "title": command.title,
        "due": "none" if command.clear_due else (command.due.phrase() if command.due else None),
        "priority": command.priority.value if command.priority else None,
        "project": "none" if command.clear_project else command.project,
        "add_tags": list(command.add_tags) or None,
        "remove_tags": list(command.remove_tags) or None,
    }
    calls = [Call("update_task", _drop_none(args))] if len(_drop_none(args)) > 1 else []
    if command.assignee or command.clear_assignee:
        calls.append(Call("assign_task", {"ref": ref, "assignee": command.assignee or "none"}))
    return calls


def _drop_none(args: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in args.items() if v is not None}


def _ref(text: str) -> str:
    return refs.format_tasks(refs.find_task_numbers(text))


def _ref_list(text: str) -> str:
    return refs.format_tasks(refs.find_task_numbers(text))


def _numbers(numbers: tuple[int, ...]) -> str:
    return refs.format_tasks(numbers)
