"""The numbers behind a project's chart: what the core computes and an adapter draws (bot/charts.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ChartData:
    """Per day, oldest first: tasks created, tasks completed, and tasks open at the end of that day."""

    title: str  # "Launch: last 14 days"
    days: tuple[date, ...]
    created: tuple[int, ...]
    completed: tuple[int, ...]
    open_at_end: tuple[int, ...]  # the burn-down

    @property
    def file_name(self) -> str:
        """A PNG name people can save: ``launch-2026-12-03.png``."""
        stem = "".join(c if c.isalnum() else "-" for c in self.title.split(":")[0].lower()).strip("-")
        last = self.days[-1].isoformat() if self.days else "empty"
        return f"{stem or 'project'}-{last}.png"
