"""How well a task matches a search: one rule and one ranking shared by every backend, so all three agree.

A backend narrows the rows with its own index (or a scan of a few columns) and hands the candidates here.
The rule works word by word, case-folded: a query word matches a word of the title, description or tags when
it is equal, a prefix of it (3+ letters: "invoice" finds "invoices"), inside it (4+ letters), or a typo of it
(optimal string alignment distance, so a swap of two letters counts once: one edit for words of 4 to 6
letters, two from 7 on; "invocies" finds "invoices", "recieve" finds "receive"). A task's score is the mean
over the query's words of its best weighted word score; the title counts most, then tags, then description.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz.distance import OSA

_WORD = re.compile(r"\w+")

TITLE_WEIGHT = 1.0
TAG_WEIGHT = 0.9
DESCRIPTION_WEIGHT = 0.8
PHRASE_BONUS = 0.2  # the whole query, as typed, inside the title
BAND = 0.1  # scores this close count as a tie, and an open task goes before a closed one


def words(text: str) -> list[str]:
    """The case-folded words of ``text``."""
    return _WORD.findall(text.casefold())


def allowed_edits(word: str) -> int:
    """How many typos a query word of this length may carry and still match."""
    if len(word) < 4:
        return 0
    return 1 if len(word) < 7 else 2


def word_score(query_word: str, word: str) -> float:
    """How well one query word matches one word of a task: 0 (not at all) to 1 (equal)."""
    if word == query_word:
        return 1.0
    if len(query_word) >= 3 and word.startswith(query_word):
        return 0.9
    if len(query_word) >= 4 and query_word in word:
        return 0.75
    edits = allowed_edits(query_word)
    if edits and abs(len(word) - len(query_word)) <= edits:
        distance = OSA.distance(query_word, word, score_cutoff=edits)
        if distance <= edits:
            return 0.8 - 0.1 * distance
    return 0.0


@dataclass(frozen=True)
class Candidate:
    """The columns of one task the ranking needs."""

    id: str
    number: int
    title: str
    description: str
    tags: Sequence[str]
    is_open: bool


@dataclass
class SearchText:
    """A parsed search: its words, and a memo of how each word seen so far scores against them."""

    text: str
    query: list[str] = field(init=False)
    phrase: str = field(init=False)
    _memo: dict[str, tuple[float, ...]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        found = words(self.text)
        longer = [w for w in found if len(w) > 1]
        self.query = list(dict.fromkeys(longer or found))  # one-letter words only when nothing else
        self.phrase = " ".join(found)

    def __bool__(self) -> bool:
        return bool(self.query)

    def scores_of(self, word: str) -> tuple[float, ...]:
        """Per query word, how well ``word`` matches it."""
        hit = self._memo.get(word)
        if hit is None:
            hit = self._memo[word] = tuple(word_score(q, word) for q in self.query)
        return hit

    def matching(self, vocabulary: Iterable[str]) -> set[str]:
        """The words of ``vocabulary`` that match at least one query word."""
        return {w for w in vocabulary if any(self.scores_of(w))}

    def score(self, title: str, description: str, tags: Sequence[str]) -> float:
        """0 when no query word matches; higher is better."""
        best = [0.0] * len(self.query)
        for weight, text in (
            (TITLE_WEIGHT, title),
            (TAG_WEIGHT, " ".join(tags)),
            (DESCRIPTION_WEIGHT, description),
        ):
            for word in words(text):
                for i, s in enumerate(self.scores_of(word)):
                    if s * weight > best[i]:
                        best[i] = s * weight
        total = sum(best) / len(best)
        if total and self.phrase and self.phrase in " ".join(words(title)):
            total += PHRASE_BONUS
        return total


def rank(search: SearchText, candidates: Iterable[Candidate], *, limit: int) -> list[Candidate]:
    """The matching candidates, best first: by score band, then open before closed, score, number."""
    scored = []
    for c in candidates:
        s = search.score(c.title, c.description, c.tags)
        if s > 0:
            scored.append((-math.floor(s / BAND + 1e-9), not c.is_open, -s, c.number, c))
    scored.sort(key=lambda item: item[:4])
    return [item[4] for item in scored[: max(limit, 0)]]
