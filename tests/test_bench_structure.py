"""bench/structure.py at a tiny size, so the script keeps working (no timings are asserted)."""

from __future__ import annotations

import pytest

from bench.structure import run


@pytest.mark.parametrize("backend", ["delta", "sqlite"])
async def test_the_structure_bench_runs_and_each_reply_shows_the_structure(
    backend: str, capsys: pytest.CaptureFixture[str]
) -> None:
    sizes = ["--tasks", "200", "--subtasks", "40", "--dependencies", "20", "--repeat", "1"]
    argv = ["--backend", backend, *sizes]
    code = await run(argv)
    out = capsys.readouterr().out
    # The script fails when `show` lacks subtasks or blockers, or `done` of a blocker says nobody is ready.
    assert code == 0, out
    assert "(40 subtasks" in out and "20 with dependencies" in out
    assert f"| {backend} |" in out
