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
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Generic, TypeVar

import httpx

from core.integrations import ChangeSet, Progress, RemoteTask

log = logging.getLogger(__name__)
T = TypeVar("T")

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


@dataclass
class Listing(Generic[T]):
    """What one listing of a tracker's items saw, page by page: the tasks it could read, the ids of deleted
    items, the tracker's clock when it started and the newest update time (what the next cursor holds).

    ``read`` turns an item into a task (None: not one of ours to list); ``gone`` gives the id of an item
    that stands for a deletion; ``stamp`` its update time. An item the client can't read is skipped with a
    warning, never the whole listing.
    """

    vendor: str
    read: Callable[[T], RemoteTask | None]
    progress: Progress | None = None
    stamp: Callable[[T], datetime | None] | None = None
    gone: Callable[[T], str | None] | None = None
    tasks: list[RemoteTask] = field(default_factory=list)
    deleted: set[str] = field(default_factory=set)
    started: datetime | None = None
    newest: datetime | None = None

    def add_page(self, response: httpx.Response, items: Iterable[T]) -> None:
        self.started = self.started or server_time(response)
        for item in items:
            stamp = self.stamp(item) if self.stamp else None
            if stamp is not None and (self.newest is None or stamp > self.newest):
                self.newest = stamp
            gone = self.gone(item) if self.gone else None
            if gone is not None:
                self.deleted.add(gone)
                continue
            try:
                task = self.read(item)
            except (KeyError, TypeError, ValueError):
                log.warning("skipped a %s item the client could not read", self.vendor)
                continue
            if task is not None:
                self.tasks.append(task)
        if self.progress:
            self.progress("fetch", len(self.tasks), None)

    def change_set(self, cursor: SyncCursor, *, full: bool) -> ChangeSet:
        """Every listed task as changed (the engine compares values), and the cursor after this listing."""
        next_cursor = cursor.next(self.newest, self.started or datetime.now(UTC), full=full)
        return ChangeSet(
            self.tasks,
            frozenset(t.id for t in self.tasks),
            next_cursor,
            snapshot=full,
            deleted_ids=frozenset(self.deleted),
        )
