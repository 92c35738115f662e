"""Naming tasks in a request: by ref, by title (fuzzy), several joined by "and", or "it" from another clause.

The rules of ``read_changes`` and ``read_edits`` (and the others) find the words that name a task with their
patterns and hand them here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from core import refs
from core.understanding.calls import Call, Question, Understanding
from core.understanding.names import match_tasks
from core.understanding.sentence import MAX_PHRASE, Sentence, ask_which, confident

Rule = Callable[[Sentence], Understanding]


PRONOUNS = frozenset(
    {"it", "that", "this", "them", "those", "these", "that one", "this one", "the task", "that task"}
)


def on_tasks(
    s: Sentence,
    match: re.Match[str],
    group: str,
    tool: str,
    args: dict[str, Any] | None = None,
    *,
    closed: bool = False,
    several: bool = True,
) -> Understanding:
    """Calls of ``tool`` on the tasks the group names; None when it names no task at all."""
    i, j = s.group(match, group)
    found = named_tasks(s, i, j, tool, args or {}, closed=closed, several=several)
    if found is None or isinstance(found, Question):
        return found
    if several:
        return [Call(tool, {"ref": refs.format_tasks(found), **(args or {})})]
    return [Call(tool, {"ref": refs.format_task(n), **(args or {})}) for n in found]


def named_tasks(
    s: Sentence,
    i: int,
    j: int,
    tool: str,
    args: dict[str, Any],
    *,
    closed: bool = False,
    several: bool = True,
) -> list[int] | Question | None:
    """Task numbers words ``i``..``j`` name (refs, a title, or titles joined by "and"); None for none."""
    numbers = s.refs_in(i, j)
    if numbers:
        return numbers if several else numbers[:1]
    pool = (*s.vocab.closed, *s.vocab.tasks) if closed else s.vocab.tasks
    phrase = s.task_phrase(i, j)
    if " ".join(s.lows[i:j]) in PRONOUNS:
        if s.context:
            return list(s.context) if several else list(s.context[:1])
        what = s.typed(i, j)
        return Question(f'Which task do you mean by "{what}"? Give its number, like T-3, or its title.')
    if not phrase or len(phrase) > MAX_PHRASE:
        return None
    parts = [p for p in re.split(r"\s*(?:,|\band\b|&)\s*", phrase) if p.strip()] if several else []
    if len(parts) > 1:  # "the insurance renewal and the DNS migration": each part one task
        found: list[int] = []
        for part in parts:
            one = by_title(part, pool, tool, args)
            if not isinstance(one, list):
                break
            found += one
        else:
            return list(dict.fromkeys(found))
    return by_title(phrase, pool, tool, args)


def by_title(
    phrase: str, pool: tuple[Any, ...], tool: str, args: dict[str, Any]
) -> list[int] | Question | None:
    if phrase.lower() in ("it", "that", "this", "them", "one", "those"):
        return None
    scored = match_tasks(phrase, pool)
    if not scored:
        return None
    if confident(scored):
        return [scored[0][0].number]
    return ask_which(phrase, [t for t, _ in scored[:3]], tool, args)


def first_match(s: Sentence, patterns: list[re.Pattern[str]], tool: str, **kw: Any) -> Understanding:
    for pattern in patterns:
        if m := pattern.match(s.line):
            found = on_tasks(s, m, "obj", tool, **kw)
            if found is not None:
                return found
    return None
