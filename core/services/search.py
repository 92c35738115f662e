"""Finding tasks by words: the store's approximate candidates, re-ranked open first, then by closeness.

The store (``TaskRepo.search``) does the cheap, indexed part: tasks whose title, description or tags look
like the words. Here each candidate is scored word by word with rapidfuzz, so "invocies" still finds
"Send invoices" and a title match ranks above a match in the description or the tags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz

from core import refs
from core.errors import ValidationError
from core.models import Task
from core.services.actor import Actor
from core.services.timing import annotate_task
from core.store import Store

Where = Literal["title", "description", "tags", "ref"]

MAX_QUERY = 200  # nobody searches with a paragraph; the scoring is per word
_WORD = re.compile(r"\w+")
# Words that say nothing about which task is meant ("the task about invoices").
_FILLER = frozenset(
    "a an the task tasks todo item items one ones about for of on in with my our your his her their that "
    "which where what is are was called named titled re regarding anything something everything any all "
    "mentioning mentions mention containing contains them it its me stuff thing things there".split()
)
_MATCHED = 75.0  # a word this close to a word of a field counts as present (one or two letters off)


@dataclass(frozen=True)
class SearchHit:
    """One task found, how well it matched (0..100) and where."""

    task: Task
    score: float
    where: Where


def query_words(text: str) -> list[str]:
    """The words of a search that carry meaning, lower case; all the words when every one is filler."""
    words = [w.lower() for w in _WORD.findall(text)]
    meaningful = [w for w in words if w not in _FILLER]
    return meaningful or words


def _word_score(word: str, field_words: list[str]) -> float:
    """How closely ``word`` appears among ``field_words``: typos, plurals and prefixes score high."""
    best = 0.0
    for candidate in field_words:
        if candidate == word:
            return 100.0
        score = fuzz.ratio(word, candidate)
        if len(word) >= 3 and (candidate.startswith(word) or word in candidate):
            score = max(score, 90.0)  # "inv" while typing, "voice" in "invoice"
        best = max(best, score)
    return best


def _field_score(words: list[str], text: str) -> tuple[float, bool]:
    """The mean closeness of the query words to ``text``'s words, and whether every word was found."""
    field_words = [w.lower() for w in _WORD.findall(text)]
    if not words or not field_words:
        return 0.0, False
    scores = [_word_score(w, field_words) for w in words]
    return sum(scores) / len(scores), all(s >= _MATCHED for s in scores)


def score_task(words: list[str], task: Task) -> SearchHit:
    """Where ``task`` matches the query words best; the title wins over the description and the tags."""
    title, in_title = _field_score(words, task.title)
    if in_title:
        return SearchHit(task, title, "title")
    description, _ = _field_score(words, task.description)
    tags, _ = _field_score(words, " ".join(task.tags))
    best, where = max((title, "title"), (description, "description"), (tags, "tags"))
    return SearchHit(task, best, where)  # type: ignore[arg-type]


def rank(hits: list[SearchHit]) -> list[SearchHit]:
    """Open tasks first; then matches of every word in the title; then the score; newer tasks break ties."""

    def key(hit: SearchHit) -> tuple[bool, bool, float, int]:
        full_title = hit.where in ("title", "ref") and hit.score >= _MATCHED
        return (not hit.task.is_open, not full_title, -hit.score, -hit.task.number)

    return sorted(hits, key=key)


class SearchService:
    """``find invoices`` for every surface and the agent's ``search_tasks``."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def search(
        self, actor: Actor, text: str, *, include_closed: bool = True, limit: int = 10
    ) -> list[SearchHit]:
        """Tasks of the actor's workspace matching ``text``, best first (open ones before closed ones)."""
        typed = " ".join(text.split())
        if not typed:
            raise ValidationError("What should I look for?", hint="Example: `find invoices`.")
        if len(typed) > MAX_QUERY:
            raise ValidationError(f"Search with fewer words (up to {MAX_QUERY} characters).")
        limit = max(1, min(limit, 50))
        number = refs.task_number(typed)
        if number is not None:  # `find T-3`: that task, when it exists
            task = await self._store.tasks.get_by_number(actor.workspace_id, number)
            if task is not None and task.deleted_at is None and (include_closed or task.is_open):
                return [SearchHit(annotate_task(task, actor.now()), 100.0, "ref")]  # a ref names one task
        words = query_words(typed)
        candidates = await self._store.tasks.search(
            actor.workspace_id, " ".join(words), limit=max(50, limit * 3), include_closed=include_closed
        )
        hits = [score_task(words, t) for t in candidates if t.deleted_at is None]
        if not include_closed:
            hits = [h for h in hits if h.task.is_open]
        now = actor.now()
        return [SearchHit(annotate_task(h.task, now), round(h.score, 1), h.where) for h in rank(hits)[:limit]]
