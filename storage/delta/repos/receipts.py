"""Idempotency receipts: a delivered event acts once, even across processes and restarts."""

from __future__ import annotations

from storage.delta.schema import Receipt
from storage.delta.table import DeltaEntityTable


class DeltaReceiptRepo:
    def __init__(self, table: DeltaEntityTable[Receipt]) -> None:
        self._t = table

    async def claim(self, workspace_id: str, key: str) -> bool:
        """Record ``key``; True only for the first caller.

        An insert-only merge on the literal key: when two processes race, the loser's commit conflicts
        (the winner added a row its merge should have matched), is retried, and then finds the key taken.
        """
        return await self._t.insert_if_absent(workspace_id, Receipt(id=key, workspace_id=workspace_id))
