"""Tokenizer and token classifiers for quick-add text.

shlex-like, but written for chat: smart quotes count as quotes, an apostrophe inside or at the start of a
word ("don't", "'til") stays a letter unless it really closes, and an unclosed double quote is reported
instead of raising shlex's ValueError.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from core.models import Priority
from core.refs import is_mention_token, task_number
from core.services.validation import PRIORITY_SHORTHANDS

DOUBLE_QUOTES = '"“”„‟'
SINGLE_QUOTES = "'‘’‚‛"
_SIGILS = "#@+-"
_SPACE = re.compile(r"\s*")
_WORD = re.compile(r"\S*")
# A quote that ends a word: followed by whitespace or the end of the text (\Z: `$` would also match before
# a final newline). re's \s is exactly str.isspace.
_DOUBLE_ENDING = re.compile(f"[{DOUBLE_QUOTES}](?=\\s|\\Z)")
_SINGLE_ENDING = re.compile(f"[{SINGLE_QUOTES}](?=\\s|\\Z)")
_DOUBLE_ANY = re.compile(f"[{DOUBLE_QUOTES}]")

# `p1`–`p4` and `!high`: the grammar's spellings of the priorities the services accept.
PRIORITY_WORDS: dict[str, Priority] = {
    **PRIORITY_SHORTHANDS,
    **{f"!{p.value}": p for p in Priority},
}


class UnclosedQuote(Exception):
    """A double quote that is never closed; the parser turns it into a QuickAddError."""


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    quoted: bool = False  # the whole token was quoted, so it is literal text, never a keyword or option
    raw: str = field(default="", compare=False)  # as typed, quotes included

    @property
    def typed(self) -> str:
        """The token as the user typed it (its quotes kept); ``text`` when built without one."""
        return self.raw or self.text

    @property
    def lower(self) -> str:
        return self.text.lower()


class Kind(Enum):
    WORD = "word"
    DUE = "due"
    PRIORITY = "priority"
    BAD_PRIORITY = "bad_priority"
    PROJECT = "project"
    ASSIGNEE = "assignee"
    TAG = "tag"
    UNTAG = "untag"


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens in time linear in its length; raises UnclosedQuote for a double quote
    that never closes."""
    tokens: list[Token] = []
    closer = _Closer(text)
    i, n = 0, len(text)
    while True:
        i = _SPACE.match(text, i).end()  # type: ignore[union-attr]  # \s* always matches
        if i >= n:
            return tokens
        start = i
        parts: list[str] = []
        quoted = False
        j = i + 1 if text[i] in _SIGILS and i + 1 < n and _is_quote(text[i + 1]) else i
        if _is_quote(text[j]):
            close = closer.close(j)
            if close is not None:
                parts.append(text[i:j])  # the sigil, if any
                parts.append(text[j + 1 : close])
                quoted = j == start
                i = close + 1
            elif text[j] in DOUBLE_QUOTES:
                raise UnclosedQuote
        end = _WORD.match(text, i).end()  # type: ignore[union-attr]  # \S* always matches
        parts.append(text[i:end])
        tokens.append(Token("".join(parts), quoted, text[start:end]))
        i = end


def _is_quote(char: str) -> bool:
    return char in DOUBLE_QUOTES or char in SINGLE_QUOTES


class _Closer:
    """Finds the quote that closes an opening quote, in amortized constant time per opener.

    The rule: the first later quote of the same family that ends a word (so 'Bob's plan' closes after
    "plan", not inside "Bob's"); for double quotes, failing that, the first later one ("foo"bar, as a shell
    would). Searching from every opener would rescan the same text once per quote — quadratic, and 24 s of
    a blocked server for 40 KB of ``'a 'a 'a``. Openers only move right, and the next match at or after
    position p is also the next match for every position up to it, so each search's answer is remembered
    and the text is scanned at most once per pattern.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._found: dict[re.Pattern[str], tuple[int, int | None]] = {}

    def close(self, opener: int) -> int | None:
        """Where the quote at ``opener`` closes, or None (a lone single quote was an apostrophe)."""
        double = self._text[opener] in DOUBLE_QUOTES
        ending = self._next(_DOUBLE_ENDING if double else _SINGLE_ENDING, opener + 1)
        if ending is not None or not double:
            return ending
        return self._next(_DOUBLE_ANY, opener + 1)

    def _next(self, pattern: re.Pattern[str], start: int) -> int | None:
        searched = self._found.get(pattern)
        if searched is not None:
            begin, found = searched
            if begin <= start and (found is None or start <= found):
                return found
        match = pattern.search(self._text, start)
        found = match.start() if match else None
        self._found[pattern] = (start, found)
        return found


def classify(token: Token, *, allow_untag: bool = False) -> Kind:
    """What role an unquoted token plays among a command's options."""
    if token.quoted:
        return Kind.WORD
    low = token.lower
    if low == "due":
        return Kind.DUE
    if low in PRIORITY_WORDS:
        return Kind.PRIORITY
    if len(low) > 1 and low[0] == "!" and low[1:].isalpha():
        return Kind.BAD_PRIORITY
    if len(low) > 1 and low[0] == "#":
        return Kind.PROJECT
    if (len(low) > 1 and low[0] == "@") or is_mention(token.text):
        return Kind.ASSIGNEE
    if len(low) > 1 and low[0] == "+":
        return Kind.TAG
    if allow_untag and len(low) > 1 and low[0] == "-" and low[1] != "-":
        return Kind.UNTAG
    return Kind.WORD


def is_mention(text: str) -> bool:
    """True for the neutral mention token ``<@U123>`` adapters write for a platform mention."""
    return is_mention_token(text)


def assignee_of(token: Token) -> str:
    """``@bob`` → ``bob``; a neutral mention token stays as written."""
    return token.text if is_mention(token.text) else token.text[1:]


def parse_refs(tokens: list[Token]) -> list[int] | None:
    """Task numbers from ``T-3``, ``t3``, ``3`` or ``T-3,T-4``; None if any token is not a ref."""
    numbers: list[int] = []
    for token in tokens:
        for part in token.text.split(","):
            if not part:
                continue
            number = parse_ref(part)
            if number is None:
                return None
            numbers.append(number)
    return numbers


def parse_ref(text: str) -> int | None:
    """The task number in ``T-3``/``t3``/``3``, or None (``#3`` is a project here, never a task)."""
    return None if text.strip().startswith("#") else task_number(text)
