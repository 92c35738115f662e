"""Tokenizer and token classifiers for quick-add text.

shlex-like, but written for chat: smart quotes count as quotes, an apostrophe inside or at the start of a
word ("don't", "'til") stays a letter unless it really closes, and an unclosed double quote is reported
instead of raising shlex's ValueError.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from core.models import Priority
from core.refs import is_mention_token, task_number
from core.services.validation import PRIORITY_SHORTHANDS

DOUBLE_QUOTES = '"“”„‟'
SINGLE_QUOTES = "'‘’‚‛"
_SIGILS = "#@+-"

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
    """Split ``text`` into tokens; raises UnclosedQuote for a double quote that never closes."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start = i
        parts: list[str] = []
        quoted = False
        j = i + 1 if text[i] in _SIGILS and i + 1 < n and _is_quote(text[i + 1]) else i
        if _is_quote(text[j]):
            close = _find_close(text, j)
            if close is not None:
                parts.append(text[i:j])  # the sigil, if any
                parts.append(text[j + 1 : close])
                quoted = j == start
                i = close + 1
            elif text[j] in DOUBLE_QUOTES:
                raise UnclosedQuote
        while i < n and not text[i].isspace():
            parts.append(text[i])
            i += 1
        tokens.append(Token("".join(parts), quoted))
    return tokens


def _is_quote(char: str) -> bool:
    return char in DOUBLE_QUOTES or char in SINGLE_QUOTES


def _find_close(text: str, opener: int) -> int | None:
    family = DOUBLE_QUOTES if text[opener] in DOUBLE_QUOTES else SINGLE_QUOTES
    candidates = [k for k in range(opener + 1, len(text)) if text[k] in family]
    # Prefer a quote that ends a word, so 'Bob's plan' closes after "plan", not inside "Bob's".
    for k in candidates:
        if k + 1 == len(text) or text[k + 1].isspace():
            return k
    if family == DOUBLE_QUOTES and candidates:
        return candidates[0]  # "foo"bar: glued on, as a shell would
    return None  # a single quote that never closes was an apostrophe


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
