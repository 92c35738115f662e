"""The incremental-pull cursor shared by trackers that can filter by update time (Linear, GitLab, Notion).

The cursor is JSON: ``since`` (the newest update time seen, in the tracker's own clock, so no skew between
machines matters) and ``full_at`` (when everything was last listed). Listings ask for items changed after
``since`` less a margin (a write committed late with an earlier time is not missed; what is listed again
unchanged costs nothing, as the engine compares values). An updated-since filter never shows an item deleted
outright, so a full listing runs again every ``full_every`` to notice those. An unreadable cursor means a
full listing, never a skipped change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx

MARGIN = timedelta(seconds=5)
FULL_EVERY = timedelta(hours=24)


@dataclass(frozen=True)
class SyncCursor:
    since: datetime | None = None
    full_at: datetime | None = None

    @classmethod
    def parse(cls, raw: str | None) -> SyncCursor:
        """The cursor in ``raw``; an empty or unreadable one asks for a full listing."""
        if not raw:
            return cls()
        try:
            data = json.loads(raw)
            since = datetime.fromisoformat(data["since"]) if data.get("since") else None
            full_at = datetime.fromisoformat(data["full_at"]) if data.get("full_at") else None
        except (ValueError, TypeError, KeyError, AttributeError):
            return cls()
        return cls(since, full_at)

    def wants_full(self, now: datetime, every: timedelta = FULL_EVERY) -> bool:
        return self.since is None or self.full_at is None or now - self.full_at >= every

    def listed_after(self, margin: timedelta = MARGIN) -> datetime | None:
        """The update time an incremental listing asks for items after (None: list everything)."""
        return self.since - margin if self.since is not None else None

    def next(self, newest: datetime | None, listed_at: datetime, *, full: bool) -> str:
        """The cursor after a listing that started at ``listed_at`` and saw ``newest`` as its latest item."""
        seen = [t for t in (newest, self.since) if t is not None]
        since = max(seen) if seen else listed_at
        full_at = listed_at if full else self.full_at
        return json.dumps({"since": since.isoformat(), "full_at": full_at.isoformat() if full_at else None})


def server_time(response: httpx.Response) -> datetime:
    """The tracker's clock from the Date header (cursors compare against its timestamps), else ours."""
    try:
        return parsedate_to_datetime(response.headers["Date"]).astimezone(UTC)
    except (KeyError, TypeError, ValueError):
        return datetime.now(UTC)
