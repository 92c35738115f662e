"""How well and how fast the offline parser understands: accuracy per intent and parse time per phrasing.

Runs ``core.understanding.parser.understand`` over the labelled corpora in tests/understanding (the tuning
corpus and the held-out ones) against the fixture workspace, with no store involved. Parse time is measured
per phrasing (median of a few runs each); the baseline, measured in the same run, is the quick-add grammar
parsing a full `add` command with a date, so the ratio says what reading plain words costs over a command.

    .venv/bin/python bench/understanding.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core import quickadd
from core.dates import warm_up
from core.understanding.parser import understand
from tests.understanding.test_corpus import Entry, Tally, load_entries, matches
from tests.understanding.workspace import NOW, VOCAB

FOLDER = Path(__file__).resolve().parents[1] / "tests" / "understanding"
TARGET_MS = 5.0


def _entries(name: str) -> tuple[Entry, ...]:
    return load_entries(FOLDER / name)


def _median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per phrasing")
    args = parser.parse_args()
    warm_up()
    baseline = _median_ms(
        lambda: quickadd.parse("add Write the report due next friday 3pm p2 #launch @sam +docs", now=NOW),
        max(args.runs, 50),
    )
    print(f"baseline: quick-add `add …` with a date: {baseline:.2f} ms (median)\n")
    for name in ("corpus.yaml", "holdout.yaml", "holdout_fresh.yaml"):
        if not (FOLDER / name).exists():
            continue
        entries = _entries(name)
        tally = Tally()
        first: list[float] = []  # the first parse of each phrasing (its words never seen before)
        again: list[float] = []  # the median of repeats (the matchers' caches warm)
        for entry in entries:
            start = time.perf_counter()
            got = understand(entry.text, VOCAB, tz="UTC", now=NOW)
            first.append((time.perf_counter() - start) * 1000)
            tally.add(entry.intent, matches(entry, got))
            again.append(_median_ms(lambda e=entry: understand(e.text, VOCAB, tz="UTC", now=NOW), args.runs))
        print("\n".join(tally.table(f"{name}: accuracy per intent")))
        for label, times in (("first parse", first), ("repeated", again)):
            times.sort()
            p50 = statistics.median(times)
            p95 = times[int(0.95 * (len(times) - 1))]
            print(
                f"{name} {label}: {len(times)} phrasings; p50 {p50:.2f} ms, p95 {p95:.2f} ms, "
                f"max {times[-1]:.2f} ms; p50 = {p50 / baseline:.2f}× the quick-add baseline; "
                f"target p50 < {TARGET_MS} ms: {'met' if p50 < TARGET_MS else 'NOT met'}"
            )
        print()


if __name__ == "__main__":
    main()
