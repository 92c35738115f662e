"""Injectable faults and request statistics shared by the loopback fakes of trackers.

A ``FaultPlan`` decides, per request, whether it fails and how: ``error`` (a 5xx before anything is
applied), ``timeout`` (the answer is held past the client's timeout, after the change is applied) or ``lost``
(the change is applied, then the connection is dropped). ``Stats`` records what the fake accepted, for
assertions such as "no request went past the rate limit".
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class FaultPlan:
    """Each request matching ``only`` fails with probability ``rate``, in one of ``kinds``."""

    rate: float = 0.2
    kinds: tuple[str, ...] = ("error", "timeout", "lost")
    seed: int = 7
    hang: float = 0.6  # seconds a "timeout" holds the answer (longer than the client's timeout)
    only: Callable[[str, str], bool] | None = None  # (method, path) -> eligible

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def pick(self, method: str, path: str) -> str | None:
        if self.only is not None and not self.only(method, path):
            return None
        if self.rng.random() >= self.rate:
            return None
        return self.rng.choice(self.kinds)


@dataclass
class Stats:
    accepted: list[tuple[float, str, str]] = field(default_factory=list)  # (monotonic time, method, path)
    rate_limited: int = 0
    unauthorized: int = 0
    faults: Counter[str] = field(default_factory=Counter)

    def count(self, method: str | None = None, prefix: str = "") -> int:
        return sum(1 for _, m, p in self.accepted if (method is None or m == method) and p.startswith(prefix))

    def max_in_window(self, window: float) -> int:
        times = sorted(t for t, _, _ in self.accepted)
        best, start = 0, 0
        for end, t in enumerate(times):
            while t - times[start] >= window:
                start += 1
            best = max(best, end - start + 1)
        return best
