"""One message laid out for the rules: its words, a matching line, and the workspace names it can use."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import datetime

from core import refs
from core.understanding.calls import Call, Question
from core.understanding.names import fold, is_confident, match_people, match_projects
from core.understanding.vocabulary import ProjectName, TaskTitle, Vocabulary
from core.understanding.words import Word, clean, keyword, split

# Words that say which task without naming it: left out before a title is matched.
_TASK_FILLER = frozenset(
    "the a an my our this that task tasks todo to-do item one thing ticket card about for with on of".split()
)
_PROJECT_WORD = frozenset({"project", "proj", "board", "list", "channel"})
_SEPARATORS = frozenset(",.!?;…()[]{}")
_NAME_FILLER = frozenset({"the", "project", "proj", "a", "our", "my"})
_BARE_NUMBERS = re.compile(r"^\d{1,9}$")
SOLE_CANDIDATE = 60.0  # the only title near what was typed is taken from this score; below it, "did you mean"
CLEAR_LEAD = 20.0  # ... and the best of several when this far ahead
MAX_PHRASE = 160  # longer text is not someone naming a task by its title (and fuzzy matching it costs)


@dataclass
class Sentence:
    """A cleaned message: ``words`` as typed, ``lows`` (misspelt keywords fixed) and ``line`` = ``lows``
    joined by single spaces, which the rules' patterns read; a match's offsets map back to word indices."""

    text: str
    vocab: Vocabulary
    tz: str
    now: datetime
    context: tuple[int, ...] = ()  # tasks the rest of the message named: what "it" means in one clause
    strict: bool = False  # only readings without doubt (an LLM is there to read the rest)
    words: list[Word] = field(init=False)
    lows: list[str] = field(init=False)
    line: str = field(init=False)
    _starts: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.text = clean(self.text)
        # Commas, stops and question marks only separate; the rules read words ("oops, undo" is "oops undo").
        self.words = [w for w in split(self.text) if w.text not in _SEPARATORS]
        self.lows = [keyword(w.low) for w in self.words]
        self._starts = []
        offset = 0
        for low in self.lows:
            self._starts.append(offset)
            offset += len(low) + 1
        self.line = " ".join(self.lows)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The word range ``[i, j)`` covering characters ``start``..``end`` of ``line``."""
        while start < end and self.line[start] == " ":
            start += 1
        while end > start and self.line[end - 1] == " ":
            end -= 1
        if start >= end:
            return (self.word_at(start), self.word_at(start))
        return (self.word_at(start), self.word_at(end - 1) + 1)

    def word_at(self, char: int) -> int:
        return max(0, bisect_right(self._starts, char) - 1) if self.words else 0

    def group(self, match: re.Match[str], name: str) -> tuple[int, int]:
        """The word range of a named group of a match over ``line``."""
        return self.span(match.start(name), match.end(name))

    def typed(self, i: int, j: int) -> str:
        """Words ``i``..``j`` as the user typed them."""
        return " ".join(w.text for w in self.words[i:j])

    # -- names of the workspace -------------------------------------------------------------------------

    def project(self, text: str) -> ProjectName | None:
        """The one project ``text`` names, or None (unknown or ambiguous)."""
        text = text.strip().strip("\"'“”‘’").lstrip("#").strip()
        if not text:
            return None
        found = match_projects(text, self.vocab.projects)
        if len(found) != 1 or not _covers(text, found[0]):
            return None
        return found[0]

    def person(self, text: str) -> str | None:
        """The person ``text`` names, as the tools take it: "me", a name, or a mention token as typed."""
        text = text.strip().rstrip("'s").strip() if text.endswith("'s") else text.strip()
        if text.lower() in refs.ME_WORDS | {"myself", "my"}:
            return "me"
        found = match_people(text, self.vocab.people, self.vocab.me)
        if len(found) == 1:
            return "me" if found[0].id == self.vocab.me else found[0].name
        if refs.is_mention_token(text) or (text.startswith("@") and len(text) > 1):
            return text  # someone the workspace doesn't know: the tool says so, by that name
        return None

    # -- tasks ------------------------------------------------------------------------------------------

    def refs_in(self, i: int, j: int) -> list[int]:
        """Task numbers written as refs in words ``i``..``j`` (``T-3``, ``#3``; bare numbers when that is
        all there is)."""
        words = self.words[i:j]
        found = refs.find_task_numbers(" ".join(w.text for w in words))
        if found:
            return list(dict.fromkeys(found))
        bare = [w.text for w in words if w.text not in (",", "&") and w.low not in ("and", "task", "tasks")]
        if bare and all(_BARE_NUMBERS.match(b) for b in bare):
            return list(dict.fromkeys(int(b) for b in bare if int(b) > 0))
        return []

    def task_phrase(self, i: int, j: int) -> str:
        """Words ``i``..``j`` without the words that only say "a task": what to match titles against."""
        kept = [
            w.bare for w, low in zip(self.words[i:j], self.lows[i:j], strict=True) if low not in _TASK_FILLER
        ]
        return " ".join(k for k in kept if k.strip(",.;:!?"))

    def project_of_words(self, i: int, j: int) -> ProjectName | None:
        words = [
            w for w, low in zip(self.words[i:j], self.lows[i:j], strict=True) if low not in _PROJECT_WORD
        ]
        if words and words[0].low == "the":
            words = words[1:]
        return self.project(" ".join(w.bare for w in words)) if words else None


def confident(scored: list[tuple[TaskTitle, float]]) -> bool:
    """The best title is the answer: confident by the matcher's own bar, or the only candidate with a fair
    score ("the venue booking" for "Book the venue"), or far ahead of the next."""
    if is_confident(scored):
        return True
    best = scored[0][1]
    if len(scored) == 1:
        return best >= SOLE_CANDIDATE
    return best >= SOLE_CANDIDATE and best - scored[1][1] >= CLEAR_LEAD


def _covers(text: str, project: ProjectName) -> bool:
    """Every word typed is a word of the project's name or the start of one: "tasks in launch" is not
    "Launch" even though it contains it."""
    name = [fold(w) for w in re.split(r"[\s_-]+", project.name) if w]
    typed = [fold(w) for w in re.split(r"[\s_-]+", text) if w and fold(w) not in _NAME_FILLER]
    if refs.project_number(text) is not None:
        return True
    return bool(typed) and all(any(n == t or (len(t) >= 3 and n.startswith(t)) for n in name) for t in typed)


def ask_which(phrase: str, candidates: list[TaskTitle], tool: str, args: dict[str, object]) -> Question:
    """ "Did you mean T-4 'Update pricing page'?" or "Which one: …?", with the call each answer makes."""
    choices = tuple(Call(tool, {"ref": t.ref, **args}) for t in candidates)
    named = [f"{t.ref} '{t.title}'" for t in candidates]
    if len(candidates) == 1:
        return Question(f"Did you mean {named[0]}?", choices)
    listed = ", ".join(named[:-1]) + f" or {named[-1]}"
    return Question(f'Which one do you mean by "{phrase}": {listed}? Say it again with its number.', choices)
