"""What every chart test checks of a PNG: a real image of the chart's size, drawn with the chart's colours."""

from __future__ import annotations

import asyncio
import io

from PIL import Image

from bot.charts import COMPLETED, CREATED, DPI, HEIGHT, OPEN, WIDTH

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return (int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16))


def colours_in(png: bytes) -> set[tuple[int, int, int]]:
    with Image.open(io.BytesIO(png)) as image:
        counted = image.convert("RGB").getcolors(maxcolors=1 << 24) or []
    return {colour for _, colour in counted}


def assert_chart_png(png: bytes, *, bars: bool = True) -> None:
    """A decodable PNG of the chart's size with the burn-down line (and the bars when ``bars``)."""
    assert png.startswith(PNG_SIGNATURE)
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        assert image.size == (int(WIDTH * DPI), int(HEIGHT * DPI))
    colours = colours_in(png)
    assert len(colours) > 50  # text, antialiasing, a filled area: not a blank canvas
    assert _rgb(OPEN) in colours
    if bars:
        assert {_rgb(CREATED), _rgb(COMPLETED)} <= colours


async def chart_png_arrived(png: bytes, *, bars: bool = True) -> None:
    """``assert_chart_png`` off the event loop: decoding 560,000 pixels is work the loop guard would flag."""
    await asyncio.to_thread(assert_chart_png, png, bars=bars)
