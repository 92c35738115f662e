"""Cross-process leases so that only one process maintains a given table at a time.

Why: deltalake treats two compactions removing the same files as compatible (their removes carry
``dataChange=false``, delta-io/delta-rs#3982), so two processes compacting one table at once both commit and
every row of the compacted files ends up twice. A lease row per table, claimed with a conditional merge
(conflict-safe, like receipts), keeps a second maintainer out.

A holder that dies without releasing (kill -9, a lost machine) must not block maintenance for long, so:
- the lease is short (``LEASE_TTL``) and its holder renews it while it works (every ``HEARTBEAT``): a dead
  holder's lease runs out within seconds, a live one's never does;
- the lease names its holder's process, and a claimant in the same process space (same machine, same pid
  namespace) takes over at once when that process no longer exists.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from deltalake import DeltaTable

from core.models import new_id, utcnow
from storage.delta.predicates import lit, ts_lit
from storage.delta.schema import MaintenanceLease
from storage.delta.table import DeltaEntityTable

log = logging.getLogger("storage.delta.leases")

# Read when a MaintenanceLeases is built, so that a test can shorten them for the processes it starts.
LEASE_TTL = timedelta(seconds=30)
HEARTBEAT = timedelta(seconds=5)


def _process_space() -> str:
    """What makes pids comparable: the kernel's boot id and the pid namespace (empty where unknown)."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        return f"{boot}/{os.readlink('/proc/self/ns/pid')}"
    except OSError:
        return ""


# Read once at import, not on an event loop: the files are tiny, but a loop should never touch the disk.
_HOST = socket.gethostname()
_SPACE = _process_space()


def _alive(pid: int) -> bool:
    """False only when process ``pid`` certainly no longer runs."""
    if sys.platform == "win32":
        return True  # os.kill(pid, 0) would send CTRL_C there; rely on the lease running out
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    try:
        # A killed process that its parent has not reaped yet still answers signal 0: a zombie is dead.
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    fields = stat.rpartition(")")[2].split()
    return not fields or fields[0] != "Z"


@dataclass(frozen=True)
class Holder:
    """Who holds a lease: a token per store instance, and the process it runs in."""

    token: str
    pid: int | None = None
    host: str = ""
    space: str = ""

    @classmethod
    def here(cls) -> Holder:
        """A new holder for a store instance of this process."""
        return cls(new_id(), os.getpid(), _HOST, _SPACE)

    def encode(self) -> str:
        return json.dumps({"token": self.token, "pid": self.pid, "host": self.host, "space": self.space})

    @classmethod
    def decode(cls, text: str) -> Holder:
        """The holder a lease row names (older rows hold only a token)."""
        try:
            data = json.loads(text)
            return cls(str(data["token"]), int(data["pid"]), str(data["host"]), str(data["space"]))
        except (ValueError, TypeError, KeyError):
            return cls(text)

    def describe(self) -> str:
        if self.pid is None:
            return f"holder {self.token}"
        return f"process {self.pid} on {self.host or 'an unknown host'}"

    def is_dead(self) -> bool:
        """True when the holder's process is known to have ended (decidable only in our own process space)."""
        if self.pid is None or not self.space:
            return False
        if (self.host, self.space) != (_HOST, _SPACE):
            return False
        return not _alive(self.pid)


@dataclass(frozen=True)
class LeaseHeld:
    """A claim that lost: the table is being maintained by ``holder`` until at least ``expires_at``."""

    table: str
    holder: Holder
    expires_at: datetime

    def __str__(self) -> str:
        until = self.expires_at.strftime("%Y-%m-%d %H:%M:%S UTC")
        return f"{self.table} is being maintained by {self.holder.describe()} (lease until {until})"


class MaintenanceLeases:
    """Claim, keep and release the right to maintain one table, for this store instance."""

    def __init__(
        self,
        table: DeltaEntityTable[MaintenanceLease],
        *,
        ttl: timedelta | None = None,
        heartbeat: timedelta | None = None,
    ) -> None:
        self._t = table
        self._ttl = ttl or LEASE_TTL
        # Several beats per lifetime: one slow or failed renewal must not let the lease run out.
        self._beat = min(heartbeat or HEARTBEAT, self._ttl / 3)
        self.holder = Holder.here()

    @property
    def _me(self) -> str:
        return lit(self.holder.encode())

    async def _put(self, name: str, condition: str) -> bool:
        lease = MaintenanceLease(id=name, holder=self.holder.encode(), expires_at=utcnow() + self._ttl)
        return await self._t.put_if(name, lease, condition)

    async def claim(self, name: str) -> LeaseHeld | None:
        """Take the lease of table ``name``: ``None`` when this instance holds it now, else who does."""
        held: LeaseHeld | None = None
        for _ in range(3):  # the lease may change hands between our write and our read
            if await self._put(name, f"t.expires_at < {ts_lit(utcnow())} OR t.holder = {self._me}"):
                return None
            row = await self._t.get(name, name)
            if row is None:
                continue
            held = LeaseHeld(name, Holder.decode(row.holder), row.expires_at)
            if await asyncio.to_thread(held.holder.is_dead):  # it reads /proc
                # Only one claimant can replace this exact holder: a racing one's merge conflicts, retries
                # and then finds our row instead.
                if await self._put(name, f"t.holder = {lit(row.holder)}"):
                    log.warning(
                        "took over the maintenance lease of %s from %s, which no longer runs",
                        name,
                        held.holder.describe(),
                    )
                    return None
                continue
            if held.expires_at > utcnow():
                return held
        # Still contended after three rounds: report it held rather than claim a lease we don't have.
        return held or LeaseHeld(name, Holder("unknown"), utcnow() + self._ttl)

    async def release(self, name: str) -> None:
        """Give the lease up (only if still ours)."""
        lease = MaintenanceLease(id=name, holder=self.holder.encode(), expires_at=utcnow())
        await self._t.put_if(name, lease, f"t.holder = {self._me}")

    async def vacuum(self, retention_hours: int) -> int:
        """Delete the lease table's files replaced more than ``retention_hours`` ago; how many.

        Every claim, renewal and release rewrites its row's file, and the table is left out of maintenance
        (compacting it would need a lease on itself); vacuuming needs none, so the replaced files go here.
        """

        def work() -> int:
            dt = DeltaTable(self._t.uri, storage_options=self._t.storage_options)
            # Our own retention (at least an hour, see Maintainer) rather than the table's 7-day default.
            removed = dt.vacuum(retention_hours, dry_run=False, enforce_retention_duration=False)
            return len(removed)

        return await asyncio.to_thread(work)

    @asynccontextmanager
    async def kept(self, name: str) -> AsyncIterator[None]:
        """Renew the claimed lease of ``name`` while inside the block, and release it when leaving."""
        stop = asyncio.Event()
        beat = asyncio.create_task(self._renew(name, stop), name=f"lease-heartbeat-{name}")
        try:
            yield
        finally:
            # Stopped, not cancelled: a cancelled renewal would leave its merge running in a worker thread
            # while the release commits from another.
            stop.set()
            await beat
            try:
                await self.release(name)
            except Exception:  # it runs out by itself; don't hide the real outcome
                log.exception("could not release the maintenance lease of %s", name)

    async def _renew(self, name: str, stop: asyncio.Event) -> None:
        while True:
            try:
                await asyncio.wait_for(stop.wait(), self._beat.total_seconds())
                return
            except TimeoutError:
                pass
            try:
                if not await self._put(name, f"t.holder = {self._me}"):
                    # Only possible after renewals failed for a whole lease lifetime.
                    log.error("lost the maintenance lease of %s to another process", name)
                    return
            except Exception:
                log.warning("could not renew the maintenance lease of %s; retrying", name, exc_info=True)
