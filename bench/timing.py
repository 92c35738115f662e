"""What the bench scripts share: timing a call and summarising samples."""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable


def stats(samples: list[float]) -> tuple[float, float]:
    """Median and p95 in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


async def timed(fn: Callable[[], Awaitable[object]]) -> float:
    """Seconds one awaited call took."""
    start = time.perf_counter()
    await fn()
    return time.perf_counter() - start
