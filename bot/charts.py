"""A project's chart as a PNG: created vs completed bars per day above the open-task burn-down line.

matplotlib is imported on the first drawing, not with this module: `serve` and `chat` start without paying
for it. Drawing is CPU work of about a tenth of a second, so async code calls ``chart_png`` (a thread).
"""

from __future__ import annotations

import asyncio
import io
import math
import threading
from datetime import date

from core.schedule.chart_data import ChartData

WIDTH, HEIGHT, DPI = 10.0, 5.6, 100  # inches at DPI: 1000 x 560 px, wide enough for a chat preview
CREATED, COMPLETED, OPEN = "#4C78A8", "#54A24B", "#E45756"
MAX_LABELS = 16  # date labels under the bars; more days get every n-th one
# matplotlib's font and text caches are shared by all figures: one drawing at a time.
_DRAWING = threading.Lock()


def day_label(day: date, *, long: bool = False) -> str:
    """``Mon 30``: the weekday says more than the month in a two-week chart; ``Nov 30`` over months."""
    return f"{day:%b} {day.day}" if long else f"{day:%a} {day.day}"


def summary(data: ChartData) -> str:
    """``9 created · 6 completed · 12 open now``."""
    now_open = data.open_at_end[-1] if data.open_at_end else 0
    return f"{sum(data.created)} created · {sum(data.completed)} completed · {now_open} open now"


def render_png(data: ChartData) -> bytes:
    """The chart as PNG bytes (1000 x 560 px)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import PolyCollection
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    n = len(data.days)
    xs = list(range(n))
    step = max(1, math.ceil(n / MAX_LABELS))
    # Labels counted back from today, so the newest day always has one.
    ticks = [i for i in xs if (n - 1 - i) % step == 0]
    with _DRAWING:
        fig = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI)
        FigureCanvasAgg(fig)
        bars, line = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 2], "hspace": 0.12})
        fig.suptitle(data.title, x=0.06, ha="left", fontsize=15, fontweight="bold")
        fig.text(0.06, 0.905, summary(data), ha="left", fontsize=10.5, color="#555555")

        width = 0.4 if n <= 45 else 0.45
        # One collection per series, not a patch per bar: 180 patches take most of the drawing time.
        for shift, heights, color, label in (
            (-width, data.created, CREATED, "created"),
            (0.0, data.completed, COMPLETED, "completed"),
        ):
            boxes = [
                [(x + shift, 0), (x + shift, h), (x + shift + width, h), (x + shift + width, 0)]
                for x, h in zip(xs, heights, strict=True)
                if h
            ]
            bars.add_collection(PolyCollection(boxes, facecolors=color, linewidths=0, label=label))
        bars.set_ylabel("tasks per day")
        bars.set_ylim(0, max(1, *data.created, *data.completed) * 1.15)
        bars.legend(loc="upper left", frameon=False, ncols=2, fontsize=9.5)

        line.plot(
            xs,
            data.open_at_end,
            color=OPEN,
            linewidth=2.2,
            marker="o" if n <= 31 else None,
            markersize=4,
            label="open at end of day",
        )
        line.fill_between(xs, data.open_at_end, color=OPEN, alpha=0.12)
        line.set_ylabel("open tasks")
        line.set_ylim(0, max(1, *data.open_at_end) * 1.25)
        line.legend(loc="upper left", frameon=False, fontsize=9.5)
        if n:
            line.annotate(
                str(data.open_at_end[-1]),
                (xs[-1], data.open_at_end[-1]),
                xytext=(0, 7),
                textcoords="offset points",
                ha="center",
                fontsize=10,
                fontweight="bold",
                color=OPEN,
            )

        for ax in (bars, line):
            ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
            ax.grid(axis="y", color="#dddddd", linewidth=0.8)
            ax.set_axisbelow(True)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
            ax.set_xlim(-0.6, max(n, 1) - 0.4)
        bars.xaxis.set_visible(False)  # the dates are under the lower panel; no ticks drawn twice
        line.set_xticks(ticks, [day_label(data.days[i], long=n > 31) for i in ticks], fontsize=9)
        fig.subplots_adjust(left=0.06, right=0.97, top=0.86, bottom=0.08)

        out = io.BytesIO()
        fig.savefig(out, format="png", dpi=DPI, facecolor="white")
    return out.getvalue()


async def chart_png(data: ChartData) -> bytes:
    """``render_png`` in a worker thread, so the event loop keeps serving while it draws."""
    return await asyncio.to_thread(render_png, data)
