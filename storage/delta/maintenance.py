"""Keeping tables fast: compact (z-order for tasks), checkpoint, drop expired log entries, vacuum.

Small commits make small files and a long log, and reads slow down with both (delta-facts.md). A table is
maintained once its file count passes a threshold, either on request (``DeltaStore.maintain``) or in the
background right after the write that crossed it. One table is maintained at a time, across processes too:
a run holds the table's lease (leases.py) and keeps renewing it, and a table whose lease another live
process holds is skipped and reported as such.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from deltalake import DeltaTable
from deltalake.exceptions import CommitFailedError

from core.errors import ConfigurationError
from core.models import utcnow
from core.store import MaintenanceReport
from storage.delta.errors import retry_conflicts, translate
from storage.delta.leases import MaintenanceLeases
from storage.delta.table import DeltaEntityTable

log = logging.getLogger("storage.delta.maintenance")

_TARGET_FILE_BYTES = 1 << 20  # ~1 MiB files: enough of them to skip most of a large table on a filtered read
_RETRY_AFTER_FAILURE = 60.0  # seconds before a write may schedule a table whose maintenance just failed
_LEASE_VACUUM_EVERY = 3600.0  # seconds; the lease table gains a replaced file per claim, renewal and release


class Maintainer:
    """Runs maintenance of the store's tables, on demand or scheduled in the background after writes."""

    def __init__(
        self,
        tables: Mapping[str, DeltaEntityTable[Any]],
        leases: MaintenanceLeases,
        *,
        threshold: int,
        vacuum_retention_hours: int = 24,
        before_cleanup: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        if vacuum_retention_hours < 1:
            # Vacuuming younger files would delete what a concurrent reader's snapshot still needs.
            raise ConfigurationError("Vacuum retention must be at least 1 hour.")
        self._tables = tables
        self._leases = leases
        self.threshold = threshold
        self._retention = vacuum_retention_hours
        self._before_cleanup = before_cleanup
        self._one_at_a_time = asyncio.Lock()
        self._pending: dict[str, None] = {}  # insertion-ordered set
        self._task: asyncio.Task[None] | None = None
        self._failed_at: dict[str, float] = {}
        self._busy_until: dict[str, float] = {}  # monotonic time a skipped table's lease runs out
        self._leases_vacuumed = -_LEASE_VACUUM_EVERY
        self._running: str | None = None

    def due(self, files: int) -> bool:
        return files > max(self.threshold, 1)

    async def run(
        self, table: DeltaEntityTable[Any], *, force: bool, background: bool = False
    ) -> MaintenanceReport | None:
        """Maintain one table if forced or past the threshold; ``None`` when it was left alone.

        A table another process is maintaining is skipped: its report names the lease holder and expiry.
        """
        async with self._one_at_a_time:
            before = await table.file_count()
            if not force and not self.due(before):
                return None
            held = await self._leases.claim(table.name)
            if held is not None:
                # Routine for a replica's background run; worth a warning when someone asked for it.
                log.log(logging.INFO if background else logging.WARNING, "not maintaining %s", held)
                return MaintenanceReport(
                    table=table.name,
                    files_before=before,
                    files_after=before,
                    compacted=False,
                    checkpointed=False,
                    vacuumed_files=0,
                    seconds=0.0,
                    skipped_by=held.holder.describe(),
                    lease_expires_at=held.expires_at,
                )
            async with self._leases.kept(table.name):
                report = await self._maintain(table, before, force=force)
            await self._vacuum_leases()
            return report

    async def _vacuum_leases(self) -> None:
        if time.monotonic() - self._leases_vacuumed < _LEASE_VACUUM_EVERY:
            return
        self._leases_vacuumed = time.monotonic()
        try:
            await self._leases.vacuum(self._retention)
        except Exception:  # only disk space is at stake; the next run tries again
            log.warning("could not vacuum the maintenance leases table", exc_info=True)

    async def _maintain(self, table: DeltaEntityTable[Any], before: int, *, force: bool) -> MaintenanceReport:
        started = time.perf_counter()
        compacted = False
        # A single file needs no compaction, but a forced run still clusters it (one big bulk import).
        if before > 1 or (force and before == 1 and table.spec.z_order):
            async with table.lock:  # the table's writer: no self-conflict with our own commits

                async def optimize() -> bool:
                    try:
                        return await asyncio.to_thread(self._optimize_sync, table)
                    except CommitFailedError:
                        raise  # another process committed first: retry on the new snapshot
                    except Exception as exc:
                        raise translate(exc, table.name, "compact") from exc

                try:
                    compacted = await retry_conflicts(optimize, table=table.name, action="compact")
                finally:
                    await asyncio.to_thread(table.reopen_sync)
        if self._before_cleanup is not None:
            # Cleaning drops old commits from the log, and a commit may still hold audit events (outbox.py).
            await self._before_cleanup()
        try:
            vacuumed = await asyncio.to_thread(self._tidy_sync, table)
        except Exception as exc:
            raise translate(exc, table.name, "clean up old files") from exc
        after = await table.file_count()
        report = MaintenanceReport(
            table=table.name,
            files_before=before,
            files_after=after,
            compacted=compacted,
            checkpointed=True,
            vacuumed_files=vacuumed,
            seconds=round(time.perf_counter() - started, 3),
        )
        log.info("maintained %s: %s", table.name, report)
        return report

    @staticmethod
    def _optimize_sync(table: DeltaEntityTable[Any]) -> bool:
        dt = table.writer()
        dt.update_incremental()
        if table.spec.z_order:
            # Clustering by workspace and project lets a one-project read skip all but a file or two.
            metrics = dt.optimize.z_order(list(table.spec.z_order), target_size=_TARGET_FILE_BYTES)
        else:
            metrics = dt.optimize.compact()
        return int(metrics.get("numFilesRemoved", 0)) > 0

    def _tidy_sync(self, table: DeltaEntityTable[Any]) -> int:
        dt = DeltaTable(table.uri, storage_options=table.storage_options)
        dt.create_checkpoint()
        dt.cleanup_metadata()  # drops commit files older than delta.logRetentionDuration
        removed = dt.vacuum(retention_hours=self._retention, dry_run=False, enforce_retention_duration=False)
        return len(removed)

    # -- background -----------------------------------------------------------------------------------------

    def request(self, name: str) -> None:
        """Schedule a table for maintenance without waiting for it (called right after a write)."""
        if name == self._running:
            return  # the run under way re-counts files; a later write re-schedules if still needed
        failed = self._failed_at.get(name)
        if failed is not None and time.monotonic() - failed < _RETRY_AFTER_FAILURE:
            return  # don't hammer a broken table on every write
        if time.monotonic() < self._busy_until.get(name, 0.0):
            return  # another process is maintaining it; no lease claim (a commit) on every write
        self._pending[name] = None
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._drain(), name="delta-maintenance")

    async def _drain(self) -> None:
        while self._pending:
            name = next(iter(self._pending))
            del self._pending[name]
            self._running = name
            try:
                report = await self.run(self._tables[name], force=False, background=True)
                self._failed_at.pop(name, None)
                if report is not None and report.lease_expires_at is not None:
                    left = (report.lease_expires_at - utcnow()).total_seconds()
                    self._busy_until[name] = time.monotonic() + max(left, 1.0)
            except Exception:
                # Background work must never break the writes that triggered it; a later write retries.
                self._failed_at[name] = time.monotonic()
                log.exception("automatic maintenance of the %s table failed", name)
            finally:
                self._running = None

    async def idle(self) -> None:
        """Wait until scheduled maintenance has finished."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)
