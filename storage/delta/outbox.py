"""The audit outbox: audit events ride inside the commit of the change they describe.

Delta commits one table at a time, so a change (say to ``tasks``) and its events (in ``audit_events``) can't
land in one commit of two tables. Instead the change's own commit carries its events in the commit's metadata
(``commitInfo``, key ``OUTBOX_KEY``): that commit is atomic, so the change and its events land together or not
at all. Then the events are appended to ``audit_events`` (the copy every reader queries) in the background:
the command doesn't wait for that second commit, and the copies of commands made meanwhile share one. If the
process dies in between, the events are still in the entity table's log, and ``reconcile`` copies the missing
ones over; ``audit.list`` reconciles before it answers (waiting for this process's own copies under way), and
maintenance before it drops old log entries. docs/audit.md tells the whole story with its costs.

Copying is at-least-once (a reconcile in another process may race the writer's own append), so readers drop
repeated event ids.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pydantic_core
from deltalake import CommitProperties

from core.models import AuditEvent
from storage.delta.predicates import and_, is_in, ts_lit

if TYPE_CHECKING:
    from storage.delta.table import DeltaEntityTable

log = logging.getLogger("storage.delta.outbox")

OUTBOX_KEY = "orchestrator.audit_events"
# How long a reconcile waits for this process's own copy of a fresh commit before copying it itself (a writer
# cancelled right after its commit never finishes its copy; a repeat is harmless, a reader stuck is not).
_OWN_COPY_WAIT = 10.0


def commit_properties(
    events: Sequence[AuditEvent], *, max_commit_retries: int | None = None
) -> CommitProperties | None:
    """Properties of a commit that carries ``events`` (None when there is nothing to set)."""
    if not events and max_commit_retries is None:
        return None
    metadata = {OUTBOX_KEY: encode(events)} if events else None
    return CommitProperties(custom_metadata=metadata, max_commit_retries=max_commit_retries)


def encode(events: Sequence[AuditEvent]) -> str:
    return pydantic_core.to_json([e.model_dump(mode="json") for e in events]).decode()


def decode(text: str) -> list[AuditEvent]:
    return [AuditEvent.model_validate(item) for item in json.loads(text)]


@dataclass
class _Progress:
    """What this process knows about one entity table's commits."""

    checked: int = -1  # every version up to here has its events in audit_events
    published: set[int] = field(default_factory=set)  # later versions this process copied itself
    inflight: dict[int, asyncio.Event] = field(default_factory=dict)  # committed, copy under way


class AuditOutbox:
    """Copies the events carried by entity commits into the audit table, once, in order to be read."""

    def __init__(self, audit: DeltaEntityTable[AuditEvent]) -> None:
        self.target = audit  # the audit_events table
        self._sources: dict[str, DeltaEntityTable[Any]] = {}
        self._progress: dict[str, _Progress] = {}
        self._reconciling = asyncio.Lock()
        self._queue: list[tuple[str, int, list[AuditEvent]]] = []  # (table, version, events) to copy
        self._copier: asyncio.Task[None] | None = None

    def watch(self, table: DeltaEntityTable[Any]) -> None:
        """``table``'s commits may carry events."""
        self._sources[table.name] = table
        self._progress[table.name] = _Progress()

    def publish(self, table: DeltaEntityTable[Any], version: int, events: Sequence[AuditEvent]) -> None:
        """Have the events that ``version`` of ``table`` carried copied to the audit table, in the background.

        Called right after the commit while the table's writer lock is still held, so a reconcile (which takes
        that lock to read the version) never mistakes our own fresh commit for one a crash left behind. The
        change has landed with its events already, so the caller need not wait, and a failed copy is only
        logged: the events stay safe in the entity table's log until a reconcile copies them.
        """
        self._progress[table.name].inflight[version] = asyncio.Event()
        self._queue.append((table.name, version, list(events)))
        if self._copier is None or self._copier.done():
            self._copier = asyncio.get_running_loop().create_task(self._copy_queued(), name="audit-outbox")

    async def _copy_queued(self) -> None:
        while self._queue:
            batch, self._queue = self._queue, []
            try:
                await self.target.append([e for _, _, events in batch for e in events])  # one commit
                for name, version, _ in batch:
                    self._progress[name].published.add(version)
            except Exception:
                log.warning("audit events of %d commits not copied yet; a reconcile will", len(batch))
            finally:
                # Also on cancellation: those versions then simply count as not copied.
                for name, version, _ in batch:
                    done = self._progress[name].inflight.pop(version, None)
                    if done is not None:
                        done.set()

    async def idle(self) -> None:
        """Wait until the queued copies are made (close, tests)."""
        while self._copier is not None and not self._copier.done():
            await asyncio.shield(self._copier)

    async def reconcile(self) -> int:
        """Copy the events of landed commits that the audit table lacks; returns how many were copied."""
        async with self._reconciling:
            copied = 0
            for table in self._sources.values():
                copied += await self._reconcile(table)
            return copied

    async def _reconcile(self, table: DeltaEntityTable[Any]) -> int:
        progress = self._progress[table.name]
        async with table.lock:  # commits made so far are marked in flight or published
            current = await table.current_version()
            waiting = [(v, e) for v, e in progress.inflight.items() if v <= current]
        for version, done in waiting:  # our own copies under way: let them finish rather than race them
            try:
                await asyncio.wait_for(done.wait(), _OWN_COPY_WAIT)
            except TimeoutError:
                progress.inflight.pop(version, None)  # its writer is gone: copy it below
        unknown = [v for v in range(progress.checked + 1, current + 1) if v not in progress.published]
        if unknown:
            carried = await table.outbox_events(progress.checked, set(unknown))
            copied = await self._copy_missing(carried)
        else:
            copied = 0
        progress.checked = max(progress.checked, current)
        progress.published = {v for v in progress.published if v > current}
        return copied

    async def _copy_missing(self, events: list[AuditEvent]) -> int:
        if not events:
            return 0
        # Events keep the created_at they were made with, so the audit files older than the oldest of them
        # are skipped (appends arrive in time order; the ids themselves are random).
        since = min(e.created_at for e in events)
        ids = [e.id for e in events]
        present = await self.target.read(
            and_(f"created_at >= {ts_lit(since)}", is_in("id", ids)),
            lambda t: set(pa.table(t).column("id").to_pylist()),
            columns=["id"],
        )
        missing = [e for e in events if e.id not in present]
        if missing:
            log.warning("copying %d audit events whose writer stopped before copying them", len(missing))
            await self.target.append(missing)
        return len(missing)
