"""Text from outside made safe to store: every translator and the unit of work pass input through here.

Python can hold strings that no encoder accepts: a lone surrogate comes from bytes decoded with
``surrogateescape`` (stdin, argv, HTTP headers) or from a JSON escape such as ``"\\udcff"``. Such a string
fails later, far from its source (the store's JSON encoder, a log handler). Cleaning at the boundary keeps the
rest of the core free of that case: a lone surrogate becomes U+FFFD (the visible "unknown character"), and
control characters other than newline and tab are dropped (a NUL truncates C strings, escapes redraw
terminals).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, TypeVar

REPLACEMENT = "\ufffd"

# What needs work: C0 controls but tab and newline, DEL, C1 controls, and any surrogate.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

T = TypeVar("T")


def clean_text(text: str) -> str:
    """``text`` with lone surrogates replaced by U+FFFD and control characters (but ``\\n``, ``\\t``) removed.

    A carriage return ends a line (``\\r\\n`` and a lone ``\\r`` become ``\\n``). Returns ``text`` itself when
    nothing needed cleaning, so the common case allocates nothing.
    """
    if _UNSAFE.search(text) is None:
        return text
    if _SURROGATE.search(text) is not None:
        # Through UTF-16 a valid high+low pair joins into its character; only lone halves are replaced.
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def decode_input(raw: bytes, encoding: str = "utf-8") -> str:
    """Bytes read from outside (a pipe, a socket) as clean text: invalid bytes become U+FFFD, never raise."""
    try:
        text = raw.decode(encoding, "replace")
    except LookupError:  # an unknown encoding name from the environment
        text = raw.decode("utf-8", "replace")
    return clean_text(text)


def clean_fields(value: T) -> T:
    """``value`` with every string in it cleaned: a str, a tuple, or a (frozen) dataclass such as an
    ``IncomingMessage`` or a typed command, recursively. Unchanged values are returned as they are."""
    return _clean(value)  # type: ignore[no-any-return]


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        # A StrEnum member is a str too: it never needs cleaning and must stay a member.
        cleaned = clean_text(value)
        return value if cleaned == value else cleaned
    if isinstance(value, tuple):
        items = tuple(_clean(v) for v in value)
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for f in dataclasses.fields(value):
            if not f.init:
                continue
            old = getattr(value, f.name)
            new = _clean(old)
            if new is not old:
                changes[f.name] = new
        return dataclasses.replace(value, **changes) if changes else value
    return value
