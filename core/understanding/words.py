"""A message as the parser reads it: courtesy stripped, split into words, misspelt keywords read as meant.

Words keep their text as typed (for titles) and a lower-case form ``low`` (for matching). ``keyword`` fixes a
misspelling of the parser's own words (verbs, date words) and is asked only where such a word is expected
(the verb of a request, the start of a date), so "compelte T-3" and "tomorow" read as meant while a title's
"books" never turns into "blocks".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA
from rapidfuzz.process import extractOne

from core.refs import MENTION_PATTERN

# One word: a neutral mention, a quoted phrase, a word with inner apostrophes/dots/dashes (with an optional
# sigil), a number like 10:30 or 12/05, or one other visible character.
_TOKEN = re.compile(
    MENTION_PATTERN  # the neutral mention the adapters write (core/refs.py)
    + r"|\"[^\"“”]*\"|“[^“”\"]*”|'[^'’]+'(?=\W|$)|‘[^‘’]+’"
    r"|[#@!+~]?[\w](?:[\w.'’:/-]*\w)?"
    r"|\S"
)
_LEADING_COURTESY = re.compile(
    r"^(?:(?:hey|hi|hello|yo|ok|okay|so|um|uh|well|please|pls|plz|kindly|quick one|quick question|also|and|"
    r"can we|could we|can you please|could you please|would you please|you can|go ahead and|let's|lets|"
    r"can someone|could someone|can somebody|someone please|somebody please|can anyone|"
    r"can you|could you|would you|will you|can u|could u|would you mind|"
    r"i'd like you to|i would like you to|i want you to|i need you to|i'd like to|"
    r"(?:hey |hi )?(?:bot|assistant|orchestrator))(?:\s+-\s+|[\s,!:]+))+",
    re.IGNORECASE,
)
_TRAILING_COURTESY = (
    "search pls",
    "search please",
    "somewhere",
    "thank you so much",
    "thank you",
    "thanks a lot",
    "thanks",
    "thx",
    "ty",
    "cheers",
    "please",
    "pls",
    "plz",
    "for me",
    "if you can",
    "if possible",
    "when you get a chance",
)
_CHECK_MARK = re.compile(
    "^\\s*(?:[\u2705\u2714\u2611]\ufe0f?|:(?:white_check_mark|heavy_check_mark|ballot_box_with_check):)"
)
_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\ufe0f]+|:[a-z0-9_+-]+:")

# The parser's own words: a typed word within one edit of one of these (two for long words) is read as it.
# The rules' patterns add theirs (``learn``), so a word a pattern spells out ("change") is never "corrected"
# into a neighbour ("changed").
LEXICON: set[str] = set(
    """
    add create make new remind ping nudge alert schedule complete completed finish finished done close closed
    reopen delete remove restore undelete assign unassign reassign delegate hand give rename retitle move
    reschedule postpone push delay prioritize prioritise deprioritize deprioritise priority urgent important
    search find show list overdue tomorrow today tonight yesterday monday tuesday wednesday thursday friday
    saturday sunday january february march april june july august september october november december
    morning afternoon evening weekend week month next every subtask depends blocked blocks blocking unblock
    history activity changed happened tasks task project projects assigned working please switch search
    rename
    """.split()
)


@dataclass(frozen=True, slots=True)
class Word:
    text: str  # as typed (a quoted phrase keeps its quotes)
    low: str  # lower case, curly apostrophes straightened

    @property
    def quoted(self) -> bool:
        return len(self.text) >= 2 and self.text[0] in "\"“'‘" and self.text[-1] in "\"”'’"

    @property
    def bare(self) -> str:
        """The text without its quotes."""
        return self.text[1:-1] if self.quoted else self.text


def clean(text: str) -> str:
    """``text`` without emoji, leading greetings and requests-for-help, and trailing thanks or punctuation."""
    text = _CHECK_MARK.sub(" done ", text)  # "✅ T-21" says it is done
    text = _EMOJI.sub(" ", text)
    text = " ".join(text.split())
    text = _LEADING_COURTESY.sub("", text)
    while True:
        stripped = text.rstrip(" .!?,;")
        low = stripped.lower()
        word = next((w for w in _TRAILING_COURTESY if low.endswith(" " + w) or low == w), None)
        if word is None:
            return stripped
        text = stripped[: len(stripped) - len(word)]


def split(text: str) -> list[Word]:
    """The words of a cleaned message, each with its matching form."""
    return [Word(m[0], m[0].lower().replace("’", "'")) for m in _TOKEN.finditer(text)]


def learn(words: set[str]) -> None:
    """Add the words the rules' patterns spell out to the words misspellings are read as."""
    LEXICON.update(w for w in words if len(w) >= 5)
    _nearest.cache_clear()


def keyword(low: str) -> str:
    """``low`` read as the parser's own word it misspells (one swap, extra or missing letter; two for long
    words), else unchanged."""
    if len(low) < 5 or low in LEXICON or not low.isalpha():
        return low
    return _nearest(low)


@lru_cache(maxsize=4096)
def _nearest(low: str) -> str:
    limit = 1 if len(low) < 9 else 2
    found = extractOne(low, LEXICON, scorer=OSA.distance, score_cutoff=limit)
    return found[0] if found is not None else low
