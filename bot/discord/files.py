"""Charts into Discord: the PNG drawn in a thread, sent as a message attachment (``files[0]`` beside
``payload_json`` in a multipart body).

A ``discord.File`` is read and closed by the request that sends it, so every attempt of a send (``deliver``
retries) needs a fresh one: draw once, then wrap the same bytes per attempt with ``png_file``.
"""

from __future__ import annotations

import io

import discord

from bot.charts import chart_png, summary
from core.schedule.chart_data import ChartData


def png_file(png: bytes, data: ChartData) -> discord.File:
    """A fresh attachment of already drawn chart bytes."""
    return discord.File(
        io.BytesIO(png), filename=data.file_name, description=f"{data.title}: {summary(data)}"
    )


async def chart_file(data: ChartData) -> discord.File:
    """Draw ``data`` (in a worker thread) as one attachment, for ``send(..., file=...)``."""
    return png_file(await chart_png(data), data)
