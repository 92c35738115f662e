"""The grammar of `project chart <name|P-2> [N days]`."""

from __future__ import annotations

import re

from core.quickadd_commands import USAGE, ChartProject, QuickAddError
from core.quickadd_tokens import Token
from core.schedule.chart_series import DEFAULT_DAYS as DEFAULT_CHART_DAYS
from core.schedule.chart_series import MAX_DAYS as MAX_CHART_DAYS

_DAYS = re.compile(r"(\d{1,4})\s*(?:d|days?)?", re.IGNORECASE)


def parse_chart(tokens: list[Token]) -> ChartProject:
    """`project chart #Launch`, `project chart Launch 30 days`, `project chart P-2 30d`."""
    usage = USAGE["project chart"]
    words = list(tokens)
    days = DEFAULT_CHART_DAYS
    if (
        len(words) > 1
        and not words[-1].quoted
        and words[-1].lower in ("day", "days")
        and not words[-2].quoted
    ):
        words, span = words[:-2], f"{words[-2].text} days"
    elif words and not words[-1].quoted and re.fullmatch(r"\d{1,4}d", words[-1].lower):
        words, span = words[:-1], words[-1].text
    else:
        span = ""
    if span:
        found = _DAYS.fullmatch(span)
        if found is None:
            raise QuickAddError(f"`{span}` is not a number of days.", usage)
        days = int(found.group(1))
        if not 1 <= days <= MAX_CHART_DAYS:
            raise QuickAddError(f"A chart covers 1 to {MAX_CHART_DAYS} days.", usage)
    ref = " ".join(t.text for t in words).strip()
    if len(words) == 1 and not words[0].quoted and ref.startswith("#"):
        ref = ref[1:]
    if not ref:
        raise QuickAddError("Which project? Give its name or number, like `project chart #Launch`.", usage)
    return ChartProject(ref, days)
