"""Description conversions: trackers like Motion take Markdown in and give HTML out.

``markdown_to_html`` is CommonMark (markdown-it-py); ``html_to_markdown`` turns the common subset back
(paragraphs, line breaks, emphasis, code, links, headings, lists, quotes), so a round trip is stable.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from markdown_it import MarkdownIt

# Raw HTML in a description is shown as text, not passed through (as a tracker sanitising input would).
_md = MarkdownIt("commonmark", {"html": False})
_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "ul", "ol", "table", "hr"}
_INLINE_MARKS = {"strong": "**", "b": "**", "em": "*", "i": "*", "s": "~~", "del": "~~"}


def markdown_to_html(text: str) -> str:
    return _md.render(text)


def normalize_markdown(text: str) -> str:
    """Trailing spaces dropped, runs of blank lines collapsed, ends trimmed."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# Inline markup characters; "_" only where it could open or close emphasis (snake_case stays readable),
# "<" only where it could open a tag.
_ESCAPE = re.compile(r"([\\`*\[\]]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])|<(?=[A-Za-z/!?]))")
_LINE_START = re.compile(r"(^|\n)([ ]{0,3})([#>+=-]|\d{1,9}(?=[.)]))", re.MULTILINE)


def _escape(text: str) -> str:
    """Backslash-escape what Markdown would read as markup: text nodes of the HTML are literal text."""
    text = _ESCAPE.sub(r"\\\1", text)
    return _LINE_START.sub(lambda m: m.group(1) + m.group(2) + _escape_marker(m.group(3)), text)


def _escape_marker(marker: str) -> str:
    return marker + "\\" if marker.isdigit() else "\\" + marker


class _ToMarkdown(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.lists: list[list[int]] = []  # per open list: [is_ordered, next number]
        self.items: list[str] = []  # per open list item: the indent its continuation lines need
        self.href: list[str | None] = []
        self.quote = 0
        self.pre = False
        self.code = False

    def _emit(self, text: str) -> None:
        # Lines continuing a list item are indented to the item's content column.
        if self.items:
            text = text.replace("\n", "\n" + self.items[-1])
        self.out.append(text)

    def _at_line_start(self) -> bool:
        tail = "".join(self.out[-3:]).rstrip(" ")
        return not tail or tail.endswith("\n")

    def _block_break(self) -> None:
        self.out.append("\n\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # Blocks inside a list item (loose lists' <p>, quotes) stay on the item's line.
        if (tag in _BLOCKS and not self.lists) and (tag not in ("ul", "ol") or not self.lists):
            self._block_break()
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.out.append("#" * int(tag[1]) + " ")
        elif tag == "br":
            self._emit("\n")
        elif tag in _INLINE_MARKS:
            self.out.append(_INLINE_MARKS[tag])
        elif tag == "code" and not self.pre:
            self.code = True
            self.out.append("`")
        elif tag == "pre":
            self.pre = True
            if not self._at_line_start() and not self.items:
                self._emit("\n")
            self._emit("```\n")
        elif tag == "a":
            self.href.append(dict(attrs).get("href"))
            self.out.append("[")
        elif tag in ("ul", "ol"):
            start = dict(attrs).get("start") or "1"
            self.lists.append([1 if tag == "ol" else 0, int(start) if start.isdigit() else 1])
        elif tag == "li":
            kind = self.lists[-1] if self.lists else [0, 1]
            bullet = f"{kind[1]}. " if kind[0] else "- "
            kind[1] += 1
            parent = self.items[-1] if self.items else ""
            self.out.append("\n" + parent + bullet)
            self.items.append(parent + " " * len(bullet))
        elif tag == "blockquote":
            self.quote += 1
        elif tag == "hr":
            self.out.append("---")

    def handle_endtag(self, tag: str) -> None:
        if tag in _INLINE_MARKS:
            self.out.append(_INLINE_MARKS[tag])
        elif tag == "code" and not self.pre:
            self.code = False
            self.out.append("`")
        elif tag == "pre":
            self.pre = False
            if not self._at_line_start():
                self._emit("\n")
            self.out.append("```")
            if not self.lists:
                self._block_break()
        elif tag == "a":
            href = self.href.pop() if self.href else None
            self.out.append(f"]({href})" if href else "]")
        elif tag == "li":
            if self.items:
                self.items.pop()
        elif tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            if not self.lists:
                self._block_break()
        elif tag == "blockquote":
            self.quote = max(self.quote - 1, 0)
        elif tag in _BLOCKS and not self.lists:
            self._block_break()
        elif tag == "p" and self.items:
            self._emit("\n\n")  # a second paragraph of the same item; gaps before bullets are dropped

    def handle_data(self, data: str) -> None:
        if self.pre:
            self._emit(data)
            return
        if self.lists:
            data = data.strip("\n")
        if self._at_line_start():
            data = data.lstrip("\n")  # the newline after a <br> or a block tag is markup, not text
        # Single newlines inside a paragraph are kept: people write descriptions line by line.
        text = re.sub(r"[ \t\r]+", " ", data)
        if not self.code:
            text = _escape(text)
        if self.quote and text.strip():
            prefix = "> " * self.quote
            at_line_start = self._at_line_start()
            text = text.replace("\n", "\n" + prefix)
            if at_line_start:
                text = prefix + text.lstrip()
        self._emit(text)



def html_to_markdown(html: str) -> str:
    """Markdown for a tracker's HTML description; plain text passes through unchanged."""
    if "<" not in html:
        return normalize_markdown(html)
    parser = _ToMarkdown()
    parser.feed(html)
    parser.close()
    text = "".join(parser.out)
    # Inside a list the item breaks are enough; drop the paragraph gaps markdown-it adds in loose lists.
    text = re.sub(r"\n\n(\s*(?:- |\d+\. ))", r"\n\1", text)
    return normalize_markdown(re.sub(r"[ \t]+\n", "\n", text))


def round_trip(text: str) -> str:
    """``text`` as it reads back after a trip through Markdown→HTML→Markdown.

    A few odd inputs (adjacent lists, empty items) settle only after a second trip; running to the fixed
    point means a value we send compares equal to what the tracker gives back.
    """
    current = normalize_markdown(text)
    for _ in range(4):
        following = html_to_markdown(markdown_to_html(current))
        if following == current:
            break
        current = following
    return current
