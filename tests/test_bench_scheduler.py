"""bench/scheduler.py at a tiny size, so the script keeps working (no timings are asserted)."""

from __future__ import annotations

import pytest

from bench.scheduler import run


@pytest.mark.parametrize("backend", ["delta", "sqlite"])
async def test_the_scheduler_bench_runs_and_sends_each_due_reminder_once(
    backend: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--backend", backend, "--people", "20", "--tasks", "100", "--due", "10", "--ticks", "3"]
    code = await run([*argv, "--small-people", "5", "--small-tasks", "20"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "fake received 10, receipts 10" in out
    # An idle tick reads one thing however big the store is.
    assert "| 1 → 1 |" in out
