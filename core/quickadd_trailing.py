"""Due dates written at the end of a title without `due`: `add Book venue tomorrow`, `add Pay rent by fri`.

People type this far more often than the `due` keyword, in Slack and Discord alike. Only a closed set of
date shapes is recognised at the very end of the title, so ordinary titles keep their words.
"""

from __future__ import annotations

import re
from datetime import datetime

from core.dates import Due, parse_due
from core.errors import ValidationError
from core.quickadd_tokens import Token

_DAY = (
    r"(?:mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:r|rs|rsday)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)"
)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_TIME = r"(?:(?:at\s+)?\d{1,2}(?::\d{2})?\s*(?:am|pm)|at\s+\d{1,2}:\d{2})"
_DATE = (
    rf"(?:today|tonight|tomorrow|tmrw|{_DAY}|(?:this|next)\s+{_DAY}|next\s+(?:week|month)|"
    rf"in\s+\d{{1,3}}\s+(?:days?|weeks?)|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?|"
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}|\d{{4}}-\d{{2}}-\d{{2}})"
)
_PHRASE = re.compile(rf"^(?:(?:on|by|before)\s+)?({_DATE}(?:\s+{_TIME})?)$", re.IGNORECASE)
_LONGEST = 5  # "by next fri at 3pm" is five words


def split_trailing_due(
    words: list[Token], *, tz: str, now: datetime | None
) -> tuple[list[Token], Due | None]:
    """The title words without a trailing date phrase, and its resolved date (None when there is none)."""
    for size in range(min(_LONGEST, len(words) - 1), 0, -1):
        tail = words[-size:]
        if any(t.quoted for t in tail):
            continue
        match = _PHRASE.match(" ".join(t.text for t in tail))
        if not match:
            continue
        phrase = match.group(1)
        try:
            due = parse_due(phrase, tz, now)
        except ValidationError:
            continue
        return words[:-size], due
    return words, None
