"""Description conversions: trackers like Motion take Markdown in and give HTML out.

``markdown_to_html`` is CommonMark plus GFM tables and strikethrough (markdown-it-py); ``html_to_markdown``
is markdownify with the escaping and spelling choices below, so that what went out as Markdown comes back
as the same Markdown: table cells, images, quotes (also inside lists), lists, code, links and emphasis.
"""

from __future__ import annotations

import re
from typing import Any, cast

from markdown_it import MarkdownIt
from markdownify import BACKSLASH, MarkdownConverter

# Raw HTML in a description is shown as text, not passed through (as a tracker sanitising input would).
_md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])

# Inline markup characters. "_" only where it could open or close emphasis (snake_case stays readable),
# "<" only where it could open a tag or an autolink, "&" only where it would read as an entity, "~" only
# in runs (strikethrough, fences).
_ESCAPE = re.compile(
    r"([\\`*\[\]]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])|<(?=[A-Za-z/!?])|&(?=#?\w+;)|~(?=~)|(?<=~)~)"
)
# What opens a block at the start of a line: headings, quotes, bullets, setext underlines, numbered items.
_LINE_START = re.compile(r"(^|\n)([ ]{0,3})([#>+=-]|\d{1,9}(?=[.)]))")


def markdown_to_html(text: str) -> str:
    return _md.render(text)


def normalize_markdown(text: str) -> str:
    """Trailing spaces dropped, runs of blank lines collapsed, ends trimmed."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _escape_marker(match: re.Match[str]) -> str:
    marker = match.group(3)
    escaped = marker + "\\" if marker.isdigit() else "\\" + marker
    return match.group(1) + match.group(2) + escaped


def _code_language(el: Any) -> str | None:
    """``python`` from markdown-it's ``<pre><code class="language-python">``."""
    code = el.find("code")
    classes = code.get("class") if code is not None else None
    for name in classes or ():
        if name.startswith("language-"):
            return str(name.removeprefix("language-"))
    return None


class _Converter(MarkdownConverter):
    """markdownify, escaping only what Markdown would read as markup, and keeping images everywhere."""

    def escape(self, text: str, parent_tags: set[str]) -> str:
        # Text nodes of the HTML are literal text: anything that would read as markup gets a backslash.
        if not text:
            return ""
        text = _ESCAPE.sub(r"\\\1", text)
        return _LINE_START.sub(_escape_marker, text)

    def convert_td(self, el: Any, text: str, parent_tags: set[str]) -> str:
        # Every pipe in a cell, code and link targets included, is escaped: a bare one would split the cell.
        span = str(el.get("colspan") or "1")
        cell = text.strip().replace("\n", " ").replace("|", "\\|")
        return f" {cell} |" * (max(1, min(1000, int(span))) if span.isdigit() else 1)

    convert_th = convert_td

    def convert_li(self, el: Any, text: str, parent_tags: set[str]) -> str:
        item = str(cast(Any, super()).convert_li(el, text, parent_tags))
        # A loose list (its items hold paragraphs) keeps the blank line between items that makes it loose.
        loose = el.find("p", recursive=False) is not None
        return item + "\n" if loose and el.find_next_sibling("li") is not None else item

    def convert_img(self, el: Any, text: str, parent_tags: set[str]) -> str:
        # Written here: markdownify keeps only the alt text of an image in a table cell or a heading.
        alt = re.sub(r"([\\\[\]])", r"\\\1", str(el.attrs.get("alt") or ""))
        src = str(el.attrs.get("src") or "")
        if re.search(r"[\s()<>]", src):
            src = "<" + src.replace("<", "%3C").replace(">", "%3E") + ">"
        title = str(el.attrs.get("title") or "")
        title_part = ' "' + title.replace('"', '\\"') + '"' if title else ""
        return f"![{alt}]({src}{title_part})"


_converter = _Converter(
    heading_style="ATX",
    bullets="-",
    strong_em_symbol="*",
    newline_style=BACKSLASH,  # "  \n" would not survive trailing-space trimming
    code_language_callback=_code_language,
)


def html_to_markdown(html: str) -> str:
    """Markdown for a tracker's HTML description; plain text passes through unchanged."""
    if "<" not in html:
        return normalize_markdown(html)
    return normalize_markdown(_converter.convert(html))


def round_trip(text: str) -> str:
    """``text`` as it reads back after a trip through Markdown→HTML→Markdown.

    A few odd inputs (adjacent lists, stray markers) settle only after a second trip; running to the fixed
    point means a value we send compares equal to what the tracker gives back.
    """
    current = normalize_markdown(text)
    for _ in range(4):
        following = html_to_markdown(markdown_to_html(current))
        if following == current:
            break
        current = following
    return current
