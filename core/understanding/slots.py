"""Options a request states in words: priorities ("high priority", "urgent", "whenever"), estimates ("~2h").

Each finder returns where the option was written, so the rest of the words can become a title.
"""

from __future__ import annotations

import re

from core.understanding.when import Found
from core.understanding.words import Word

_LEVELS = {
    "critical": "critical",
    "highest": "critical",
    "top": "critical",
    "urgent": "critical",
    "high": "high",
    "important": "high",
    "medium": "medium",
    "normal": "medium",
    "mid": "medium",
    "low": "low",
    "lowest": "backlog",
    "backlog": "backlog",
}
_SHORT = {"p1": "critical", "p2": "high", "p3": "medium", "p4": "low"}
_PRIORITY_NOUNS = frozenset({"priority", "prio", "pri", "priorty", "prioity", "importance"})
# Words that say how soon on their own.
_ALONE = {
    "urgent": "critical",
    "urgently": "critical",
    "asap": "critical",
    "critical": "critical",
    "important": "high",
    "whenever": "backlog",
    "someday": "backlog",
    "eventually": "low",
}
_PHRASES = (
    (("no", "rush"), "low"),
    (("not", "urgent"), "low"),
    (("low", "key"), "low"),
    (("when", "you", "can"), "low"),
    (("top", "of", "the", "list"), "critical"),
    (("right", "away"), "critical"),
)
_JOINERS = frozenset({",", "with", "as", "and", "-", "at", "make", "it", "it's", "its", "is", "a", "of"})
_ESTIMATE = re.compile(r"^~(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>m|min|mins|h|hr|hrs|d)$")
_HYPHENATED = re.compile(r"^(?P<level>[a-z]+)-(?:priority|prio)$")


def find_priority(words: list[Word], *, skip: set[int] | frozenset[int] = frozenset()) -> Found | None:
    """The priority a request states, as the services' word ("critical", "high", … "backlog")."""
    lows = [w.low for w in words]
    named = any(low in _PRIORITY_NOUNS for low in lows)
    for i in range(len(lows)):
        if i in skip or words[i].quoted:
            continue
        found = _at(lows, i)
        if found is None and named and lows[i] in _LEVELS and lows[i] not in ("top", "mid"):
            found = (i + 1, _LEVELS[lows[i]])  # "set priority of T-20 to normal"
        if found is not None:
            end, value = found
            start = i
            while start > 0 and start - 1 not in skip and lows[start - 1] in _JOINERS and start - 1 > 0:
                start -= 1
            return Found(start, end, value)
    return None


def _at(lows: list[str], i: int) -> tuple[int, str] | None:
    low = lows[i].lstrip("!")
    after = lows[i + 1] if i + 1 < len(lows) else ""
    if lows[i] in _SHORT:
        return i + 1, _SHORT[lows[i]]
    if lows[i].startswith("!") and low in _LEVELS:
        return i + 1, _LEVELS[low]
    if m := _HYPHENATED.match(low):
        if m["level"] in _LEVELS:
            return i + 1, _LEVELS[m["level"]]
    if low in _LEVELS and after in _PRIORITY_NOUNS:
        return i + 2, _LEVELS[low]
    if low in _PRIORITY_NOUNS:
        rest = lows[i + 1 : i + 3]
        if rest[:1] and rest[0] in ("is", "=", ":", "to") and len(rest) > 1:
            rest = rest[1:]
            skip_word = 1
        else:
            skip_word = 0
        if rest and (rest[0] in _LEVELS or rest[0] in _SHORT):
            return i + 2 + skip_word, _LEVELS.get(rest[0]) or _SHORT[rest[0]]
    for phrase, value in _PHRASES:
        if tuple(lows[i : i + len(phrase)]) == phrase:
            return i + len(phrase), value
    if low in _ALONE:
        return i + 1, _ALONE[low]
    return None


def find_estimate(words: list[Word], *, skip: set[int] | frozenset[int] = frozenset()) -> Found | None:
    """An estimate written ``~2h``, ``~30m`` or ``~1.5h``, as minutes."""
    for i, word in enumerate(words):
        if i in skip:
            continue
        if m := _ESTIMATE.match(word.low):
            number = float(m["n"])
            minutes = number * {"h": 60, "hr": 60, "hrs": 60, "d": 480}.get(m["unit"], 1)
            return Found(i, i + 1, f"{round(minutes)}m")
    return None
