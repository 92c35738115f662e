"""Plain requests to tool calls, knowing the workspace: the offline model's understanding, and the step that
lets clear commands skip the LLM.

``understand`` reads quick-add commands with the grammar (``core.quickadd``) and everything else with rules
over the message's words (``read_*`` modules): each rule recognises one kind of request by its shape and fills
it with what the message names — projects, people and tasks of the workspace (``Vocabulary``), dates anywhere
in the sentence, priorities in words. What it cannot map with confidence gets a question, never a task titled
with the whole sentence.
"""

from __future__ import annotations

import re
from datetime import datetime

from core import quickadd as qa
from core.errors import ValidationError
from core.refs import TASK_REF_PATTERN
from core.services.validation import check_message
from core.understanding import read_changes, read_edits, read_new, read_questions
from core.understanding.calls import Call, Question, Understanding
from core.understanding.from_command import from_command
from core.understanding.named import Rule
from core.understanding.names import titles_within
from core.understanding.sentence import Sentence
from core.understanding.vocabulary import Vocabulary
from core.understanding.when import find_repeat
from core.understanding.words import learn

# Where one clause of a message ends and the next begins ("the expense report isn't done, reopen it").
_CLAUSE = re.compile(
    r"\s*(?:[,;?!]|\.\s|\s-\s|\bbut\b|\bso\b|\bthen\b|\bcan you\b|\bcould you\b|\bplease\b)\s*", re.I
)
# Messages that start like a quick-add `add` but say more than the grammar knows: a subtask, a reminder, a
# dependency, an estimate or a repeat; and "add a task to …" whose title is not "a task to …".
_PHRASE_ADD = re.compile(
    r"^(?:add|new)\s+(?:(?:a|an|another)\s+)?(?:new\s+)?(?:sub-?tasks?|task|todo|to-do|reminder|dependency|"
    r"blocker|estimate|item|ticket)\b"
    r"|^add\b.*\b(?:under|as a sub-?task of|below|beneath)\s+"
    + TASK_REF_PATTERN
    + r"|^add\b.*(?:\s~\d|\bevery\b|\beach\s+(?:mon|tue|wed|thu|fri|sat|sun|week|month|day))",
    re.IGNORECASE,
)
# Changes to named tasks come before questions, and a new task comes last: a request that names an existing
# task or asks something is read as that before its words become a new task.
_RULES: list[Rule] = [
    *read_questions.rules()[:1],
    *read_new.rules(),
    *read_changes.rules(),
    *read_edits.rules(),
    *read_questions.rules()[1:],
    read_new.create,
]


def _pattern_words() -> set[str]:
    words: set[str] = set()
    for module in (read_changes, read_edits, read_new, read_questions):
        for value in vars(module).values():
            patterns = value if isinstance(value, list) else [value]
            for pattern in patterns:
                if isinstance(pattern, re.Pattern):
                    words.update(re.findall(r"[a-z]{5,}", pattern.pattern))
    return words


learn(_pattern_words())


def understand(
    text: str, vocab: Vocabulary, *, tz: str, now: datetime, strict: bool = False
) -> Understanding:
    """Tool calls for ``text``; a Question; a text answer (a malformed command's message); None when not
    understood. ``strict`` leaves out readings with any doubt: when an LLM can read the rest, the parser
    answers only what it is sure of."""
    try:
        check_message(text)  # before any pattern or date parser reads it
    except ValidationError as exc:
        return str(exc)
    sentence = Sentence(text, vocab, tz, now, strict=strict)
    if not sentence.words:
        return None
    if not _PHRASE_ADD.match(sentence.text):
        try:
            command = qa.parse(sentence.text, tz=tz, now=now)
        except qa.QuickAddError as exc:
            # "show me the overdue stuff" or "done with the slides" start like commands but are requests.
            return read(sentence) or str(exc)
        if isinstance(command, qa.AddTask):
            # The grammar takes options by their marks (#, @, p1, a trailing date); the words may say more
            # ("add book a hotel in wedding by dec 1, high priority", "add a project called …").
            return read(sentence) or from_command(command)
        if command is not None:
            return from_command(command)
    return read(sentence)


def read(sentence: Sentence) -> Understanding:
    """The first rule's answer for a message that is not a quick-add command; a message of several clauses
    ("T-27 isn't done, reopen it") is read clause by clause, last first, "it" meaning what the others name."""
    found = _first_rule(sentence) or _leading_repeat(sentence)
    if found is not None and not isinstance(found, Question):
        return found
    clauses = [c for c in _CLAUSE.split(sentence.text) if c and c.strip()]
    if len(clauses) < 2 or sentence.strict:
        return found
    # "trash the FAQ update, we don't need it": one clause says it all, and a question about the whole
    # sentence gives way to a sure answer from one of its parts.
    context = _named_elsewhere(sentence, clauses)
    parts = [
        _first_rule(Sentence(c, sentence.vocab, sentence.tz, sentence.now, context, strict=sentence.strict))
        for c in clauses
    ]
    calls = [p for p in parts if isinstance(p, list)]
    # A change to a named task says more than a new task made of a side remark ("reopen the flights task,
    # need to change them"); among changes, the last word wins ("T-27 isn't done, reopen it").
    changes = [p for p in calls if not any(c.tool == "create_task" for c in p)]
    if changes:
        return changes[-1]
    if calls:
        return calls[-1]
    if found is None:
        return next((p for p in reversed(parts) if isinstance(p, Question)), None)
    return found


def _leading_repeat(sentence: Sentence) -> Understanding:
    """ "every monday remind me to send the report": the repeat said first, then the request it applies to."""
    rule = find_repeat(sentence.words)
    if rule is None or rule.start != 0 or rule.end >= len(sentence.words):
        return None
    rest = Sentence(
        sentence.typed(rule.end, len(sentence.words)),
        sentence.vocab,
        sentence.tz,
        sentence.now,
        strict=sentence.strict,
    )
    found = _first_rule(rest)
    if found is None and not sentence.strict:
        found = read_new.create(Sentence("add " + rest.text, rest.vocab, rest.tz, rest.now))
    if isinstance(found, list) and len(found) == 1 and found[0].tool == "create_task":
        return [Call("create_task", {**found[0].args, "repeat": rule.value})]
    return None


def _first_rule(sentence: Sentence) -> Understanding:
    for rule in _RULES:
        found = rule(sentence)
        if found is not None:
            return found
    return None


def _named_elsewhere(sentence: Sentence, clauses: list[str]) -> tuple[int, ...]:
    """The tasks a message names by ref, or else by a title one of its clauses matches with confidence."""
    numbers = sentence.refs_in(0, len(sentence.words))
    if numbers:
        return tuple(numbers)
    pool = (*sentence.vocab.tasks, *sentence.vocab.closed)
    for clause in clauses:
        part = Sentence(clause, sentence.vocab, sentence.tz, sentence.now)
        named = titles_within(part.task_phrase(0, len(part.words)), pool)
        if len(named) == 1:
            return (named[0].number,)
    return ()
