"""The PNG: a real image of the stated size, for a quiet project, two weeks and three months."""

from __future__ import annotations

import sys
from datetime import date, timedelta

from bot.charts import chart_png, day_label, render_png, summary
from core.schedule.chart_data import ChartData
from tests.chart_png import assert_chart_png, colours_in


def chart(days: int, *, busy: bool = True) -> ChartData:
    last = date(2026, 12, 3)
    span = tuple(last - timedelta(days=days - 1 - i) for i in range(days))
    created = tuple((i * 7) % 5 if busy else 0 for i in range(days))
    completed = tuple((i * 3) % 4 if busy else 0 for i in range(days))
    open_at_end, running = [], 12
    for made, done in zip(created, completed, strict=True):
        running = max(0, running + made - done)
        open_at_end.append(running if busy else 0)
    return ChartData(f"Launch: last {days} days", span, created, completed, tuple(open_at_end))


def test_two_weeks_draw_bars_and_the_burn_down() -> None:
    png = render_png(chart(14))
    assert_chart_png(png)
    assert 10_000 < len(png) < 500_000


def test_three_months_and_a_single_day() -> None:
    assert_chart_png(render_png(chart(90)))
    assert_chart_png(render_png(chart(1)))


def test_a_quiet_project_still_draws_axes_and_a_flat_line() -> None:
    png = render_png(chart(14, busy=False))
    assert_chart_png(png, bars=False)
    assert len(colours_in(png)) < len(colours_in(render_png(chart(14))))  # no bars: fewer colours


async def test_async_drawing_gives_the_same_picture() -> None:
    data = chart(14)
    assert await chart_png(data) == render_png(data)


def test_labels_and_summary() -> None:
    assert day_label(date(2026, 11, 30)) == "Mon 30"
    assert day_label(date(2026, 11, 30), long=True) == "Nov 30"
    data = chart(3)
    assert (
        summary(data)
        == f"{sum(data.created)} created · {sum(data.completed)} completed · {data.open_at_end[-1]} open now"
    )


def test_importing_the_module_does_not_import_matplotlib() -> None:
    # `serve` imports bot.charts through the adapters; matplotlib (~1-3 s) loads on the first drawing only.
    import subprocess

    modules = "bot.console, bot.slack.files, bot.discord.files, bot.discord.outgoing"
    code = f"import sys, {modules}; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
