"""The options written into a new task's words, and what is left as its title.

"book the band next friday in Wedding, high priority" → title "book the band", due "next friday", project
"Wedding", priority "high". Dates, repeats, priorities and estimates are found first (they are the surest);
then a project after "in/to/for/on/under" or as ``#name``; then a person ("for sam", "@sam", a mention).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core import refs
from core.understanding.sentence import Sentence
from core.understanding.slots import find_estimate, find_priority
from core.understanding.when import find_due, find_repeat

_PROJECT_PREPS = frozenset({"in", "to", "for", "on", "under", "into", "inside"})
_PERSON_PREPS = frozenset({"for", "to"})
_AFTER_PROJECT = frozenset(
    {"project", "board", "list", "and", "with", "by", "due", "on", "for", "at", ",", "-", ":"}
)
_ASSIGNED = (
    "assigned to",
    "assign to",
    "assign it to",
    "and assign it to",
    "owner",
    "owned by",
    "give it to",
)
_LEADING_JUNK = frozenset(
    {
        "to",
        "that",
        "a",
        "an",
        ":",
        "-",
        ",",
        "and",
        "please",
        "called",
        "named",
        "titled",
        "task",
        "todo",
        "item",
    }
)
_TRAILING_JUNK = frozenset(
    {",", "and", "-", ":", ";", "with", "please", "for", "by", "on", "in", "to", "the", "as"}
)


@dataclass
class Options:
    """What a request's words set: tool arguments, and the word indices they used."""

    args: dict[str, Any] = field(default_factory=dict)
    used: set[int] = field(default_factory=set)

    def take(self, start: int, end: int) -> None:
        self.used.update(range(start, end))


def read_options(s: Sentence, i: int, j: int, *, people: bool = True, projects: bool = True) -> Options:
    """The options among words ``i``..``j`` (repeat, due, priority, estimate, project, assignee, tags)."""
    words = s.words[i:j]
    opts = Options()
    outside = set(range(0, i)) | set(range(j, len(s.words)))
    rel = {k - i for k in outside if i <= k < j}
    if (rep := find_repeat(words, skip=rel)) is not None:
        opts.args["repeat"] = rep.value
        opts.take(rep.start + i, rep.end + i)
    if (due := find_due(words, s.tz, s.now, skip={k - i for k in opts.used})) is not None:
        opts.args["due"] = due.value
        opts.take(due.start + i, due.end + i)
    if (prio := find_priority(words, skip={k - i for k in opts.used})) is not None:
        opts.args["priority"] = prio.value
        opts.take(prio.start + i, prio.end + i)
    if (est := find_estimate(words, skip={k - i for k in opts.used})) is not None:
        opts.args["estimate"] = est.value
        opts.take(est.start + i, est.end + i)
    tags = [k for k in range(i, j) if s.words[k].text.startswith("+") and len(s.words[k].text) > 1]
    if tags:
        opts.args["tags"] = [s.words[k].text[1:] for k in tags]
        opts.used.update(tags)
    if projects:
        _project(s, i, j, opts)
    if people:
        _person(s, i, j, opts)
    return opts


def _project(s: Sentence, i: int, j: int, opts: Options) -> None:
    for k in range(i, j):
        if k in opts.used:
            continue
        word = s.words[k]
        if refs.project_number(word.text) is not None:  # "P-1"
            project = s.project(word.text)
            if project is not None:
                opts.args["project"] = project.name
                opts.take(k - 1 if k > i and s.lows[k - 1] in _PROJECT_PREPS else k, k + 1)
                return
        if word.text.startswith("#") and len(word.text) > 1 and refs.task_number(word.text) is None:
            project = s.project(word.text[1:])
            opts.args["project"] = project.name if project else word.text[1:]
            opts.take(k, k + 1)
            if k > i and s.lows[k - 1] in _PROJECT_PREPS and k - 1 not in opts.used:
                opts.take(k - 1, k)
            return
    # "in Website relaunch", "for the wedding", "to the Q4 planning project": the longest run of words after a
    # preposition that names exactly one project.
    for k in range(i, j):
        if k in opts.used or s.lows[k] not in _PROJECT_PREPS:
            continue
        first = k + 1
        if first < j and s.lows[first] == "the":
            first += 1
        if first < j and s.lows[first] in ("project", "proj"):
            first += 1
        for stop in range(min(j, first + 4), first, -1):
            if any(m in opts.used for m in range(first, stop)):
                continue
            if stop < j and stop not in opts.used and s.lows[stop] not in _AFTER_PROJECT:
                continue  # "the trip to Launch party": a name runs on into other words
            project = s.project_of_words(first, stop)
            if project is not None:
                end = stop + 1 if stop < j and s.lows[stop] in ("project", "board", "list") else stop
                opts.args["project"] = project.name
                opts.take(k, end)
                return


def _person(s: Sentence, i: int, j: int, opts: Options) -> None:
    line = [s.lows[k] for k in range(i, j)]
    for phrase in _ASSIGNED:
        parts = phrase.split()
        for k in range(len(line) - len(parts)):
            if line[k : k + len(parts)] == parts and i + k + len(parts) < j:
                who = s.person(s.words[i + k + len(parts)].text)
                if who is not None:
                    opts.args["assignee"] = who
                    opts.take(i + k, i + k + len(parts) + 1)
                    return
    for k in range(i, j):
        if k in opts.used:
            continue
        text = s.words[k].text
        if refs.is_mention_token(text) or (text.startswith("@") and len(text) > 1):
            who = s.person(text.lstrip("@") if text.startswith("@") else text)
            opts.args["assignee"] = who or text
            start = k - 1 if k > i and s.lows[k - 1] in _PERSON_PREPS | {"assign", "@"} else k
            opts.take(start, k + 1)
            return
    for k in range(i + 1, j):
        if k in opts.used or s.lows[k - 1] != "for" or k - 1 in opts.used:
            continue
        who = s.person(s.words[k].text)
        if who is not None:
            opts.args["assignee"] = who
            opts.take(k - 1, k + 1)
            return


def title_of(s: Sentence, i: int, j: int, used: set[int]) -> str:
    """Words ``i``..``j`` that no option used, with joining words left over at either end dropped."""
    kept = [k for k in range(i, j) if k not in used]
    # Words between two used spans that only joined them ("…, high priority and due fri") go too.
    while kept and s.lows[kept[0]] in _LEADING_JUNK:
        kept = kept[1:]
    while kept and s.lows[kept[-1]] in _TRAILING_JUNK:
        kept = kept[:-1]
    text = " ".join(s.words[k].text for k in kept)
    text = text.replace(" ,", ",").replace(" :", ":").replace(" ;", ";").strip(" ,;:-")
    if len(kept) == 1 and s.words[kept[0]].quoted:
        return s.words[kept[0]].bare
    return text
