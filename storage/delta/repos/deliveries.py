"""Delivery receipts: one row per (schedule, occurrence), so that each occurrence is said at most once."""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import pyarrow as pa
from deltalake import DeltaTable

from core.models import Delivery
from storage.delta import keyed
from storage.delta.convert import to_arrow, to_models
from storage.delta.outbox import commit_properties
from storage.delta.predicates import and_, eq, is_in, ts_lit
from storage.delta.table import DeltaEntityTable


class DeltaDeliveryRepo:
    def __init__(self, table: DeltaEntityTable[Delivery]) -> None:
        self._t = table
        self._spec = table.spec

    async def begin(self, delivery: Delivery) -> Delivery | None:
        """Insert the receipt unless its id is taken: None when inserted, else the stored one."""
        existing = await self.begin_many([delivery])
        return existing[0] if existing else None

    async def begin_many(self, deliveries: Sequence[Delivery]) -> builtins.list[Delivery]:
        """Insert the receipts whose key is new in one insert-only merge; return those already there.

        Which keys are taken is read on the snapshot the merge commits on, and the commit may land only right
        after it: of two callers racing with one key, the loser's commit fails, is retried, and then finds
        the winner's row. A key given twice is inserted once; its repeat comes back as already there.
        """
        first: dict[keyed.Key, Delivery] = {}
        repeats: list[keyed.Key] = []
        for delivery in deliveries:
            key = (delivery.workspace_id, delivery.id)
            if key in first:
                repeats.append(key)
            else:
                first[key] = delivery
        if not first:
            return []
        spec = self._spec
        keys = list(first)
        source = to_arrow(spec, list(first.values()))
        ids = is_in("id", {row_id for _, row_id in keys})

        def op(dt: DeltaTable) -> dict[keyed.Key, Delivery]:
            stored = to_models(spec, pa.table(dt.scan(columns=spec.columns, predicate=ids)))
            there = {(d.workspace_id, d.id): d for d in stored if (d.workspace_id, d.id) in first}
            if len(there) < len(first):
                merge = dt.merge(
                    source,
                    keyed.match(keys),
                    source_alias="s",
                    target_alias="t",
                    commit_properties=commit_properties([], max_commit_retries=0),
                )
                merge.when_not_matched_insert_all().execute()
            return there

        there = await self._t.commit(op, action="record the deliveries")
        return [there[key] for key in keys if key in there] + [there.get(key, first[key]) for key in repeats]

    async def get(self, workspace_id: str, delivery_id: str) -> Delivery | None:
        return await self._t.get(workspace_id, delivery_id)

    async def update(self, workspace_id: str, delivery_id: str, changes: Mapping[str, Any]) -> Delivery:
        return await self._t.update(workspace_id, delivery_id, changes)

    async def update_many(self, items: Sequence[tuple[str, str, Mapping[str, Any]]]) -> None:
        """Apply each row's own changes in one merge; rows that are missing match nothing."""
        rows = keyed.validated(self._spec, items)
        if not rows:
            return
        keys = list(rows)
        source = keyed.source(self._spec, rows)

        def op(dt: DeltaTable) -> None:
            merge = dt.merge(source, keyed.match(keys), source_alias="s", target_alias="t")
            merge.when_matched_update(keyed.updates(rows)).execute()

        await self._t.commit(op, action="update the deliveries")

    async def list(
        self,
        workspace_id: str,
        *,
        schedule_id: str | None = None,
        user_id: str | None = None,
        since: datetime | None = None,
        limit: int = 100,
    ) -> builtins.list[Delivery]:
        """Newest ``created_at`` first; ``since`` is inclusive."""
        return await self._t.models(
            and_(
                eq("workspace_id", workspace_id),
                eq("schedule_id", schedule_id) if schedule_id is not None else None,
                eq("user_id", user_id) if user_id is not None else None,
                f"created_at >= {ts_lit(since)}" if since is not None else None,
            ),
            order=[("created_at", "descending"), ("id", "descending")],
            limit=limit,
        )
