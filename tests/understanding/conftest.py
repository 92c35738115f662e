"""Shows the understanding corpus's accuracy tables in the terminal summary, pass or fail."""

from __future__ import annotations

import pytest
from _pytest.terminal import TerminalReporter

from tests.understanding.test_corpus import SUMMARY


def pytest_terminal_summary(terminalreporter: TerminalReporter, config: pytest.Config) -> None:
    lines = config.stash.get(SUMMARY, [])
    if lines:
        terminalreporter.section("understanding accuracy")
        for line in lines:
            terminalreporter.write_line(line)
