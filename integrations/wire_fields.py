"""Field conventions the tracker mappings share: tag spelling, timestamps, the words in a tracker's own status
names, and the tag a pushed task carries back to its local task (``[orc:<id>]`` at the end of its
description).

A create whose answer was lost, or a run that died after creating, is found again by this tag instead of
being created twice (GitLab, Notion; Linear takes our id as the issue id instead).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from core.models import TaskStatus

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


def parse_time(value: object) -> datetime | None:
    """An ISO 8601 timestamp (``Z`` tolerated) as an aware UTC datetime (naive means UTC); None when missing
    or unreadable."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def status_by_words(name: str) -> TaskStatus | None:
    """The status a tracker's own status name says by its words ("Blocked", "In review", "Won't do"), if any.

    Motion, Notion and Linear let teams name their statuses; their flags or groups say open or done, and
    these words say which open (or closed) status of ours it is.
    """
    key = name.lower()
    if "cancel" in key or "won't" in key or "wont" in key:
        return TaskStatus.cancelled
    if "block" in key:
        return TaskStatus.blocked
    if "review" in key:
        return TaskStatus.in_review
    if "progress" in key or "doing" in key:
        return TaskStatus.in_progress
    return None
