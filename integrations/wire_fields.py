"""Field conventions the tracker mappings share: tag spelling, and the tag a pushed task carries back to its
local task (``[orc:<id>]`` at the end of its description).

A create whose answer was lost, or a run that died after creating, is found again by this tag instead of
being created twice (GitLab, Notion; Linear takes our id as the issue id instead).
"""

from __future__ import annotations

import re

# Markdown renderers may escape the brackets on the way back.
_MARKER = re.compile(r"\s*\\?\[orc:([A-Za-z0-9_-]{6,64})\\?\]\s*$")


def strip_marker(text: str) -> tuple[str, str | None]:
    """(text without our tag, the local ref in the tag)."""
    match = _MARKER.search(text)
    if not match:
        return text, None
    return text[: match.start()], match.group(1)


def with_marker(text: str, local_ref: str) -> str:
    return f"{text}\n\n[orc:{local_ref}]" if text.strip() else f"[orc:{local_ref}]"


def clean_tags(names: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Labels as our tags: lower-case, trimmed, de-duplicated, sorted."""
    return tuple(sorted({n.strip().lower() for n in names if n and n.strip()}))
