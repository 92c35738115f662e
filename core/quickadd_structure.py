"""The grammar of task structure: `T-5 blocks T-3`, `T-3 after T-5`, `unblock T-3 [from T-5]`, and the pieces
other commands take: `under T-3` (add), `~2h` / `~none` (add, edit) and `took 3h` (done).

Durations are minutes; a day of estimate is a working day of 8 hours, as the parser reads `~1d`.
"""

from __future__ import annotations

import re

from core.quickadd_commands import USAGE, BlockTask, QuickAddError, UnblockTask
from core.quickadd_tokens import Token, parse_ref

_UNIT = {"m": 1, "min": 1, "mins": 1, "minute": 1, "minutes": 1, "h": 60, "hr": 60, "hrs": 60}
_UNIT |= {"hour": 60, "hours": 60, "d": 480, "day": 480, "days": 480}
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+)")
_DURATION = re.compile(r"(?:\d+(?:\.\d+)?\s*[a-z]+\s*)+")
NONE_WORDS = frozenset({"none", "-", "0"})

# `T-5 blocks T-3`, `T-3 after T-5`, `T-3 blocked by T-5`, `T-3 depends on T-5`, `T-3 waits for T-5`
_REF = r"(?:t-?)?\d+"
_LINK = re.compile(
    rf"^\s*(?P<a>{_REF})\s+(?P<verb>blocks|after|(?:is\s+)?blocked\s+by|depends\s+on|waits\s+(?:for|on))"
    rf"\s+(?P<b>{_REF})\s*[.!]?\s*$",
    re.IGNORECASE,
)


def duration_minutes(text: str) -> int | None:
    """Minutes in `2h`, `30m`, `1.5h`, `1h30m`, `2 hours`, `1d` (8 h); None when it isn't a duration."""
    low = text.strip().lower()
    if not low or _DURATION.fullmatch(low) is None:
        return None
    total = 0.0
    for number, unit in _PART.findall(low):
        if unit not in _UNIT:
            return None
        total += float(number) * _UNIT[unit]
    minutes = round(total)
    return minutes if minutes > 0 else None


def estimate_token(token: Token) -> tuple[int | None, bool] | None:
    """``(minutes, cleared)`` for a `~2h` or `~none` token, None for any other token."""
    if token.quoted or not token.text.startswith("~"):
        return None
    body = token.text[1:]
    if body.lower() in NONE_WORDS:
        return None, True
    minutes = duration_minutes(body)
    if minutes is None:
        raise QuickAddError(
            f"`{token.text}` isn't an estimate. Write it like `~30m`, `~2h` or `~1.5h`.", USAGE["add"]
        )
    return minutes, False


def take_estimate(tokens: list[Token]) -> tuple[list[Token], int | None, bool]:
    """The tokens without their estimate, the estimate in minutes, and whether it was `~none`."""
    rest: list[Token] = []
    minutes: int | None = None
    cleared = False
    for token in tokens:
        found = estimate_token(token)
        if found is None:
            rest.append(token)
        else:
            minutes, cleared = found
    return rest, minutes, cleared


def take_parent(tokens: list[Token]) -> tuple[list[Token], int | None]:
    """`… under T-3`: the tokens without it, and the parent's number (the last `under <ref>` wins).

    The ref needs its `T` ("Plan for under 5 guests" is a title), unless it ends the line (`under 3`)."""
    for i in range(len(tokens) - 2, -1, -1):
        word, ref = tokens[i], tokens[i + 1]
        if word.lower == "under" and not word.quoted and not ref.quoted:
            number = parse_ref(ref.text)
            if number is not None and (ref.lower.startswith("t") or i + 2 == len(tokens)):
                return tokens[:i] + tokens[i + 2 :], number
    return tokens, None


def take_took(tokens: list[Token], usage: str) -> tuple[list[Token], int | None]:
    """`done T-3 took 3h`: the tokens before `took`, and the minutes after it."""
    for i, token in enumerate(tokens):
        if token.lower in ("took", "spent") and not token.quoted:
            minutes = duration_minutes(" ".join(t.text for t in tokens[i + 1 :]))
            if minutes is None:
                raise QuickAddError("How long did it take? Write it like `took 3h` or `took 45m`.", usage)
            return tokens[:i], minutes
    return tokens, None


def parse_link(text: str) -> BlockTask | None:
    """`T-5 blocks T-3` and its other phrasings, or None for other text."""
    m = _LINK.match(text)
    if m is None:
        return None
    a, b = parse_ref(m["a"]), parse_ref(m["b"])
    if a is None or b is None:
        return None
    if m["verb"].lower() == "blocks":
        return BlockTask(blocker=a, blocked=b)
    return BlockTask(blocker=b, blocked=a)


def parse_unblock(tokens: list[Token]) -> UnblockTask:
    """`unblock T-3` or `unblock T-3 from T-5`."""
    usage = USAGE["unblock"]
    words = [t for t in tokens if not (t.lower in ("from", "by") and not t.quoted)]
    numbers = [parse_ref(t.text) for t in words]
    if not words or len(words) > 2 or any(n is None for n in numbers):
        raise QuickAddError("Which task? Write it like `unblock T-3` or `unblock T-3 from T-5`.", usage)
    first = numbers[0]
    assert first is not None
    return UnblockTask(first, numbers[1] if len(numbers) > 1 else None)
