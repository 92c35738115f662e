"""Markdown → HTML → Markdown keeps a description's content: property tests over generated documents with
tables, images, nested quotes and lists, and the normalisation the sync compares with is idempotent."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from integrations.html_markdown import html_to_markdown, markdown_to_html, round_trip

_parser = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])

# ---- generated documents -------------------------------------------------------------------------------

# Plain words, and words with characters Markdown reads as markup when they are not escaped.
_word = st.one_of(
    st.text(alphabet="abcdefxyzABC0123456789", min_size=1, max_size=7),
    st.sampled_from(
        ["snake_case", "a*b", "2*3", "x_", "<div>", "&amp;", "[x]", "a~~b", "#1", "50%", "T-42", "x|y"]
    ),
)
_name = st.text(alphabet="abcxyz019", min_size=1, max_size=6)
_url = st.builds(lambda a, b: f"https://example.com/{a}/{b}.png", _name, _name)
_plain = st.lists(_word, min_size=1, max_size=5).map(" ".join)


@st.composite
def _inline(draw: st.DrawFn) -> str:
    """A run of inline content: words, emphasis, code, links and images."""
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["text", "text", "em", "strong", "code", "link", "image", "strike"]))
        words = draw(_plain)
        alnum = draw(_name)
        parts.append(
            {
                "text": words,
                "em": f"*{alnum}*",
                "strong": f"**{alnum}**",
                "code": f"`{words}`",
                "link": f"[{alnum}](https://example.com/{alnum})",
                "image": f"![{alnum}]({draw(_url)})",
                "strike": f"~~{alnum}~~",
            }[kind]
        )
    return " ".join(parts)


@st.composite
def _table(draw: st.DrawFn) -> str:
    cols = draw(st.integers(1, 4))
    cell = _inline().map(lambda s: s.replace("|", "\\|"))
    rows = [[draw(cell) for _ in range(cols)] for _ in range(draw(st.integers(1, 4)))]
    head = [draw(cell) for _ in range(cols)]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * cols]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _indent(text: str, prefix: str, first: str | None = None) -> str:
    lines = text.split("\n")
    head = (first if first is not None else prefix) + lines[0]
    return "\n".join([head] + [(prefix + line) if line else prefix.rstrip() for line in lines[1:]])


@st.composite
def _block(draw: st.DrawFn, depth: int = 0, nested_only: bool = False) -> str:
    kinds = [] if nested_only else ["paragraph", "heading", "table"]
    kind = draw(st.sampled_from([*kinds, "quote", "list"] if depth < 3 else kinds or ["paragraph"]))
    if kind == "paragraph":
        return draw(_inline())
    if kind == "heading":
        return "#" * draw(st.integers(1, 3)) + " " + draw(_inline())
    if kind == "table":
        return draw(_table())
    if kind == "quote":
        inner = "\n\n".join(draw(st.lists(_block(depth + 1), min_size=1, max_size=3)))
        return _indent(inner, "> ")
    ordered = draw(st.booleans())
    items = []
    for n in range(1, draw(st.integers(1, 4)) + 1):
        body = draw(_inline())
        if draw(st.integers(0, 3)) == 0:  # a quote or a list inside the item
            body += "\n" + draw(_block(depth + 1, nested_only=True))
        marker = f"{n}. " if ordered else "- "
        items.append(_indent(body, " " * len(marker), first=marker))
    return "\n".join(items)


_document = st.lists(_block(), min_size=1, max_size=4).map("\n\n".join)


# ---- what a document says, independent of how it is spelled --------------------------------------------


def _inline_content(token: Token) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for child in token.children or []:
        if child.type == "text" and out and out[-1][0] == "text":
            out[-1] = ("text", out[-1][1] + child.content)  # escapes split text into several tokens
        elif child.type == "text":
            out.append(("text", child.content))
        elif child.type == "image":
            out.append(("image", str(child.attrs.get("src")), child.content))
        elif child.type == "link_open":
            out.append(("link", str(child.attrs.get("href"))))
        else:
            out.append((child.type, child.content))
    return out


def outline(markdown: str) -> list[Any]:
    """Each run of inline content with the blocks around it (quote depth, list nesting, table cell)."""
    path: list[str] = []
    out: list[Any] = []
    for token in _parser.parse(markdown):
        if token.nesting == 1:
            path.append(token.tag)
        elif token.nesting == -1:
            path.pop()
        elif token.type == "inline":
            out.append((tuple(path), _inline_content(token)))
        elif token.type in ("fence", "code_block", "hr"):
            out.append((tuple(path), token.type, token.content))
    return out


def _back(markdown: str) -> str:
    return html_to_markdown(markdown_to_html(markdown))


# ---- properties ------------------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(_document)
def test_generated_documents_keep_their_content(markdown: str) -> None:
    back = _back(markdown)
    assert outline(back) == outline(markdown)
    assert markdown_to_html(back) == markdown_to_html(markdown)


@settings(max_examples=100, deadline=None)
@given(_document)
def test_normalizing_twice_changes_nothing(markdown: str) -> None:
    once = round_trip(markdown)
    assert round_trip(once) == once
    assert _back(once) == once  # what we send is what the tracker gives back


@settings(max_examples=100, deadline=None)
@given(_table())
def test_table_cells_stay_cells(table: str) -> None:
    cells = [(p, c) for p, c in outline(table) if p[-1:] in (("th",), ("td",))]
    assert [(p, c) for p, c in outline(_back(table)) if p[-1:] in (("th",), ("td",))] == cells
    assert len(cells) == table.count("\n") * (table.split("\n")[0].count(" | ") + 1)


# ---- examples of what the hand-written converter lost ----------------------------------------------------


def test_cells_images_and_quotes_in_lists_survive() -> None:
    text = (
        "| Step | Owner |\n| --- | --- |\n| Build ![ci](https://ci.example/badge.png) | `ops` |\n\n"
        "- first\n  > quoted *inside* the item\n- second\n\n"
        "> outer\n>\n> > inner"
    )
    back = _back(text)
    assert back == text
    assert "![ci](https://ci.example/badge.png)" in back


def test_a_code_block_keeps_its_language_and_a_break_its_line() -> None:
    text = "```python\nprint('*x*')\n```\n\nline one\\\nline two"
    assert _back(text) == text
