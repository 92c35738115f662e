"""Description conversions: trackers like Motion take Markdown in and give HTML out.

``markdown_to_html`` is CommonMark (markdown-it-py); ``html_to_markdown`` turns the common subset back
(paragraphs, line breaks, emphasis, code, links, headings, lists, quotes), so a round trip is stable.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark")
_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "ul", "ol", "table", "hr"}
_INLINE_MARKS = {"strong": "**", "b": "**", "em": "*", "i": "*", "s": "~~", "del": "~~"}


def markdown_to_html(text: str) -> str:
    return _md.render(text)


def normalize_markdown(text: str) -> str:
    """Trailing spaces dropped, runs of blank lines collapsed, ends trimmed."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


class _ToMarkdown(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.lists: list[list[int]] = []  # per open list: [is_ordered, counter]
        self.href: list[str | None] = []
        self.quote = 0
        self.pre = False

    def _block_break(self) -> None:
        self.out.append("\n\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        in_item = tag == "p" and bool(self.lists)  # loose lists wrap items in <p>: keep them one per line
        if (tag in _BLOCKS and tag not in ("ul", "ol") and not in_item) or (
            tag in ("ul", "ol") and not self.lists
        ):
            self._block_break()
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.out.append("#" * int(tag[1]) + " ")
        elif tag == "br":
            self.out.append("\n")
        elif tag in _INLINE_MARKS:
            self.out.append(_INLINE_MARKS[tag])
        elif tag == "code" and not self.pre:
            self.out.append("`")
        elif tag == "pre":
            self.pre = True
            self.out.append("```\n")
        elif tag == "a":
            self.href.append(dict(attrs).get("href"))
            self.out.append("[")
        elif tag in ("ul", "ol"):
            self.lists.append([1 if tag == "ol" else 0, 0])
        elif tag == "li":
            depth = max(len(self.lists) - 1, 0)
            kind = self.lists[-1] if self.lists else [0, 0]
            kind[1] += 1
            bullet = f"{kind[1]}. " if kind[0] else "- "
            self.out.append("\n" + "  " * depth + bullet)
        elif tag == "blockquote":
            self.quote += 1
        elif tag == "hr":
            self.out.append("---")

    def handle_endtag(self, tag: str) -> None:
        if tag in _INLINE_MARKS:
            self.out.append(_INLINE_MARKS[tag])
        elif tag == "code" and not self.pre:
            self.out.append("`")
        elif tag == "pre":
            self.pre = False
            if self.out and not self.out[-1].endswith("\n"):
                self.out.append("\n")
            self.out.append("```")
            self._block_break()
        elif tag == "a":
            href = self.href.pop() if self.href else None
            self.out.append(f"]({href})" if href else "]")
        elif tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            if not self.lists:
                self._block_break()
        elif tag == "blockquote":
            self.quote = max(self.quote - 1, 0)
        elif tag in _BLOCKS and not (tag == "p" and self.lists):
            self._block_break()

    def handle_data(self, data: str) -> None:
        if self.pre:
            self.out.append(data)
            return
        if self.lists:
            data = data.strip("\n")
        if self.out and self.out[-1].endswith("\n"):
            data = data.lstrip("\n")  # the newline after a <br> or a block tag is markup, not text
        # Single newlines inside a paragraph are kept: people write descriptions line by line.
        text = re.sub(r"[ \t\r]+", " ", data)
        if self.quote and text.strip():
            text = "> " * self.quote + text.lstrip()
        self.out.append(text)


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
