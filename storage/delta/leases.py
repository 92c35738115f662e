"""Cross-process leases so that only one process maintains a given table at a time.

Why: deltalake treats two compactions removing the same files as compatible (their removes carry
``dataChange=false``, delta-io/delta-rs#3982), so two processes compacting one table at once both commit and
every row of the compacted files ends up twice. A lease row per table, claimed with a conditional merge
(conflict-safe, like receipts), keeps a second maintainer out; it expires so a crashed holder blocks nothing
for long.
"""

from __future__ import annotations

from datetime import timedelta

from core.models import new_id, utcnow
from storage.delta.predicates import lit, ts_lit
from storage.delta.schema import MaintenanceLease
from storage.delta.table import DeltaEntityTable


class MaintenanceLeases:
    """Claim and release the right to maintain one table, for this store instance."""

    def __init__(self, table: DeltaEntityTable[MaintenanceLease], *, ttl: timedelta) -> None:
        self._t = table
        self._ttl = ttl
        self.holder = new_id()

    async def claim(self, name: str) -> bool:
        """True if this instance now holds the lease of table ``name``."""
        now = utcnow()
        lease = MaintenanceLease(id=name, holder=self.holder, expires_at=now + self._ttl)
        free = f"t.expires_at < {ts_lit(now)} OR t.holder = {lit(self.holder)}"
        return await self._t.put_if(name, lease, free)

    async def release(self, name: str) -> None:
        lease = MaintenanceLease(id=name, holder=self.holder, expires_at=utcnow())
        await self._t.put_if(name, lease, f"t.holder = {lit(self.holder)}")
