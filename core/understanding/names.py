"""Which project, person or open task a few typed words name. Pure functions over the workspace's names.

Rules, strongest first (a weaker rule is only tried when every stronger one found nothing):

* Projects: ``P-2`` by ref; the exact name in any case and accents; the same slug (``website-relaunch``,
  ``Website Relaunch``); a prefix of the whole name or slug (``web``, ``website``): typing the start of a name
  is how people shorten it; then every typed word is a word of the name, or the start of one (``relaunch``).
  So ``launch`` names "Launch" and never "Website relaunch". One result is an answer, several are ambiguous.
* People: ``me``; a mention token by platform id; the whole name or display name; a whole word of either
  (first or last name: ``sam``, ``park``); the start of one (``sami`` → "Samira").
* Tasks: by ref or number; else a fuzzy score of the typed words against each open title, with words that
  only say "a task" ("the", "task", "about", …) left out on both sides. A typed word counts as found in a
  title when it is a title word, the start of one, or one or two letters off (rapidfuzz's OSA distance, so
  swapped letters cost one). ``is_confident`` decides whether the best title is an answer or a question.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA
from rapidfuzz.process import extract

from core import refs
from core.understanding.vocabulary import PersonName, ProjectName, TaskTitle, slug

# Words that say "a task" or point at one without naming it; never matched on their own.
FILLER = frozenset(
    """
    a an the this that these those it its my our your his her their mine yours me i you we they them
    task tasks todo to-do item items one ones thing things ticket card issue about re regarding on of for
    with to in at from by and or is was be called named titled
    """.split()
)
MIN_PREFIX = 3  # a typed start of a name shorter than this ("w", "we") names nothing
TASK_THRESHOLD = 50.0  # below this a title is not a candidate at all
CONFIDENT = 75.0  # the best title must score at least this to be taken without asking
MARGIN = 8.0  # ... and be this far ahead of the second
_APOSTROPHES = re.compile(r"['’`]")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower case, accents and apostrophes dropped, other runs of non-letters as one space."""
    plain = unicodedata.normalize("NFKD", _APOSTROPHES.sub("", text))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", plain.lower()).strip()


def _words(text: str) -> list[str]:
    return fold(text).split()


# -- projects -------------------------------------------------------------------------------------------


def match_projects(text: str, projects: Sequence[ProjectName]) -> list[ProjectName]:
    """The projects ``text`` names by the strongest rule that finds any; [] none, several: ambiguous."""
    typed = text.strip().strip("\"'“”‘’").lstrip("#").strip()
    if not typed:
        return []
    number = refs.project_number(typed)
    if number is not None:
        return [p for p in projects if refs.project_number(p.ref) == number]
    low, key, words = fold(typed), slug(typed), _words(typed)
    if not key or low in FILLER:
        return []
    rules = (
        lambda p: fold(p.name) == low,
        lambda p: slug(p.name) == key,
        lambda p: len(key) >= MIN_PREFIX and slug(p.name).startswith(key),
        lambda p: _all_words_in(words, _words(p.name)),
    )
    for rule in rules:
        found = [p for p in projects if rule(p)]
        if found:
            return found
    return []


def _all_words_in(typed: list[str], name: list[str]) -> bool:
    """Every typed word (fillers aside) is a word of the name or, when long enough, the start of one."""
    content = [w for w in typed if w not in FILLER]
    if not content:
        return False
    return all(any(n == w or (len(w) >= MIN_PREFIX and n.startswith(w)) for n in name) for w in content)


# -- people ---------------------------------------------------------------------------------------------

_ME = frozenset({"me", "myself", "i", "mine", "my"})


def match_people(text: str, people: Sequence[PersonName], me: str | None = None) -> list[PersonName]:
    """The people ``text`` names by the strongest rule that finds any; [] none, several: ambiguous."""
    typed = text.strip()
    if not typed:
        return []
    if typed.lower() in _ME:
        return [p for p in people if me is not None and p.id == me]
    mention = refs.parse_person(typed)
    if mention is not None and mention.platform_id is not None:
        pid = mention.platform_id
        return [p for p in people if pid in (p.slack_user_id, p.discord_user_id)]
    low = fold(typed.lstrip("@"))
    if not low:
        return []

    def names(p: PersonName) -> list[str]:
        return [fold(n) for n in (p.name, p.display_name) if n]

    def words(p: PersonName) -> set[str]:
        return {w for n in names(p) for w in n.split()}

    rules = (
        lambda p: low in names(p),
        lambda p: " " not in low and low in words(p),
        lambda p: len(low) >= MIN_PREFIX and any(n.startswith(low) for n in {*names(p), *words(p)}),
    )
    for rule in rules:
        found = [p for p in people if rule(p)]
        if found:
            return found
    return []


# -- tasks ----------------------------------------------------------------------------------------------


@lru_cache(maxsize=16384)
def _title_words(title: str) -> tuple[str, ...]:
    """A title's words that say what it is about (cached: the same titles are scored turn after turn)."""
    return tuple(w for w in _words(title) if w not in FILLER)


def _allowed_edits(word: str) -> int:
    """Letters a typed word may be off by: none for short words ("post" is not "host"), one, then two."""
    return 0 if len(word) <= 4 else 1 if len(word) <= 7 else 2


@dataclass(frozen=True)
class _Vocabulary:
    """The distinct words of some titles, and the same words by their first four letters (a word's start
    and its other forms share those)."""

    words: list[str]
    by_start: dict[str, list[str]]


@lru_cache(maxsize=8)
def _vocabulary(titles: tuple[str, ...]) -> _Vocabulary:
    """Cached per set of titles: a turn names several tasks against the same open tasks."""
    words = sorted({w for t in titles for w in _title_words(t)})
    by_start: dict[str, list[str]] = {}
    for w in words:
        if len(w) >= 4:
            by_start.setdefault(w[:4], []).append(w)
    return _Vocabulary(words, by_start)


def _similar(word: str, vocabulary: _Vocabulary) -> dict[str, float]:
    """Title words close to a typed word: 1.0 the same word, 0.9 its start or one edit off, 0.8 two."""
    close: dict[str, float] = {}
    edits = _allowed_edits(word)
    if edits:
        for other, distance, _ in extract(
            word, vocabulary.words, scorer=OSA.distance, score_cutoff=edits, limit=None
        ):
            if distance <= min(edits, _allowed_edits(other) or 1):
                close[other] = 1.0 - 0.1 * distance
    if len(word) >= MIN_PREFIX + 1:
        for other in vocabulary.by_start.get(word[:4], ()):
            if other.startswith(word) and other != word:
                close[other] = max(close.get(other, 0.0), 0.9)
            elif _same_stem(word, other):
                close[other] = max(close.get(other, 0.0), 0.85)
    close[word] = 1.0
    return close


def _same_stem(a: str, b: str) -> bool:
    """Two forms of one word ("renewal" and "renew", "booking" and "book", "migration" and "migrate"): a
    shared start of at least four letters that is most of the shorter word."""
    shorter = min(len(a), len(b))
    if shorter < 4:
        return False
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    return common >= 4 and common >= 0.7 * shorter


def match_tasks(text: str, tasks: Sequence[TaskTitle], *, limit: int = 5) -> list[tuple[TaskTitle, float]]:
    """The open tasks ``text`` may name, scored 0..100, best first, at most ``limit``.

    ``T-4``/``4``/``#4`` is the task with that number. Otherwise the score is 85 × how much of what was typed
    is found in the title + 15 × how much of the title was typed, so a title that is all of what was typed
    beats a longer one that merely contains it."""
    number = refs.task_number(text.strip())
    if number is not None:
        return [(t, 100.0) for t in tasks if t.number == number][:limit]
    typed = [w for w in _words(text) if w not in FILLER]
    if not typed or sum(len(w) for w in typed) < 2:
        return []
    vocabulary = _vocabulary(tuple(t.title for t in tasks))
    close = [_similar(w, vocabulary) for w in typed]
    reachable = set().union(*close)
    whole = " ".join(typed)
    scored: list[tuple[TaskTitle, float]] = []
    for task in tasks:
        words = _title_words(task.title)
        if not reachable.intersection(words):
            continue
        if " ".join(words) == whole:
            scored.append((task, 100.0))
            continue
        found = sum(max((c.get(w, 0.0) for w in words), default=0.0) for c in close) / len(close)
        covered = sum(max(c.get(w, 0.0) for c in close) for w in words) / len(words)
        score = round(85.0 * found + 15.0 * covered, 1)
        if score >= TASK_THRESHOLD:
            scored.append((task, score))
    scored.sort(key=lambda pair: (-pair[1], pair[0].number))
    return scored[:limit]


def is_confident(scored: list[tuple[TaskTitle, float]]) -> bool:
    """True when the best candidate is an answer: above a high bar and clearly ahead of the second."""
    if not scored or scored[0][1] < CONFIDENT:
        return False
    return len(scored) == 1 or scored[0][1] - scored[1][1] >= MARGIN


def titles_within(text: str, tasks: Sequence[TaskTitle]) -> list[TaskTitle]:
    """The tasks whose title's telling words (four letters or more) all appear in ``text``, in some form: how
    one clause of a message ("we don't need the analytics dashboard anymore, delete it") names what another
    calls "it". A title inside a longer one that is also there counts as the longer one."""
    typed = [w for w in _words(text) if w not in FILLER]
    if not typed:
        return []
    found = []
    for task in tasks:
        words = _title_words(task.title)
        telling = [w for w in words if len(w) >= 4] or list(words)
        if telling and all(any(t == w or _same_stem(t, w) for t in typed) for w in telling):
            found.append(task)
    return [t for t in found if not any(o is not t and _inside(t, o) for o in found)]


def _inside(short: TaskTitle, long: TaskTitle) -> bool:
    return set(_title_words(short.title)) < set(_title_words(long.title))
