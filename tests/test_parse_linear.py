"""Parse time grows linearly with the input: shown as a ratio across sizes, never as a timed assertion.

For each adversarial shape (many quotes, many apostrophes, many sigils) the time at sizes n, 2n, 4n and 8n is
measured; linear growth gives t(8n)/t(n) ≈ 8, quadratic ≈ 64. The bound is 20. Noise on a loaded machine
only ever makes a run slower, so each size keeps the fastest of several runs, and a shape gets a few
attempts; a quadratic parser fails every one of them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from core.errors import ValidationError
from core.quickadd import parse
from core.quickadd_tokens import UnclosedQuote, tokenize
from core.services.validation import MAX_MESSAGE
from core.understanding.parser import understand
from tests.understanding.workspace import VOCAB

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
LINEAR_BOUND = 20.0  # linear ≈ 8, quadratic ≈ 64
REPEATS = 5
ATTEMPTS = 3

SHAPES = {
    "apostrophes that never close": "'a ",
    "apostrophes inside words": "it's O'Reilly's ",
    "single quotes that close late": "'a 'b ",
    "double quotes glued on": '"a"b ',
    "smart quotes": "“a ‘b’ ”c ",
    "sigils before quotes": '#\'a +"b" @‘c ',
    "sigils": "#a @b +c -d !e p1 ",
    "quoted words": '"a b" ',
}


def _fill(unit: str, size: int, head: str = "") -> str:
    # Whole units only: a cut one could end in a closing quote and turn the shape into one easy token.
    return head + unit * max(1, (size - len(head)) // len(unit))


def _seconds(fn: Callable[[str], object], text: str) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        try:
            fn(text)
        except (ValidationError, UnclosedQuote):
            pass  # refusing is fine; the question is how long it took
        best = min(best, time.perf_counter() - start)
    return best


def growth(fn: Callable[[str], object], make: Callable[[int], str], n: int) -> float:
    """t(8n)/t(n), the smallest over a few attempts."""
    _seconds(fn, make(n))  # warm caches (dateparser's, re's) so the first size is not charged for them
    ratio = float("inf")
    for _ in range(ATTEMPTS):
        times = [_seconds(fn, make(size)) for size in (n, 2 * n, 4 * n, 8 * n)]
        ratio = min(ratio, times[-1] / times[0])
        if ratio < LINEAR_BOUND:
            break
    return ratio


@pytest.mark.parametrize("unit", SHAPES.values(), ids=SHAPES.keys())
def test_tokenizing_is_linear_up_to_40_kb(unit: str) -> None:
    # Past the message limit on purpose: the tokenizer alone must stay linear at Slack's 40,000 characters.
    assert growth(tokenize, lambda size: _fill(unit, size), 5_000) < LINEAR_BOUND


@pytest.mark.parametrize("unit", SHAPES.values(), ids=SHAPES.keys())
def test_the_grammar_is_linear_up_to_the_message_limit(unit: str) -> None:
    n = MAX_MESSAGE // 8

    def add(text: str) -> object:
        return parse(text, tz="UTC", now=NOW)

    assert growth(add, lambda size: _fill(unit, size, "add "), n) < LINEAR_BOUND


@pytest.mark.parametrize("head", ["remind me to ", "create project a", "i need to "])
@pytest.mark.parametrize("unit", ["'a ", " ", "in ", '"a ', "T-1 and "])
def test_the_offline_parser_is_linear_up_to_the_message_limit(head: str, unit: str) -> None:
    def offline(text: str) -> object:
        return understand(text + " x", VOCAB, tz="UTC", now=NOW)

    n = (MAX_MESSAGE - 10) // 8  # 8n stays under the limit, so the parser reads it rather than refusing it
    assert growth(offline, lambda size: _fill(unit, size, head), n) < LINEAR_BOUND


def test_the_measure_tells_quadratic_from_linear() -> None:
    def quadratic(text: str) -> object:
        return [text.count("'", i) for i in range(0, len(text), 4)]

    assert growth(quadratic, lambda size: _fill("'a ", size), 1_000) > LINEAR_BOUND
