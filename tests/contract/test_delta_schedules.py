"""Delta-only: ``next_run`` answers from its cache while the schedules table is unchanged (no scan at all),
and reads a single column when it must look."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from deltalake import DeltaTable

from core.models import Schedule, ScheduleKind
from storage.delta import DeltaStore
from tests.contract.samples import WS

T0 = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
async def delta(tmp_path: Path) -> AsyncIterator[DeltaStore]:
    store = DeltaStore(str(tmp_path / "lake"))
    await store.open()
    try:
        yield store
    finally:
        await store.close()


async def test_next_run_scans_only_when_the_table_changed(
    delta: DeltaStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    schedules = delta.schedules
    await schedules.put(Schedule(workspace_id=WS, kind=ScheduleKind.reminder, next_run_at=T0))
    scans: list[list[str] | None] = []
    scan = DeltaTable.scan

    def counted(self: DeltaTable, *args: Any, **kwargs: Any) -> Any:
        if self.table_uri.rstrip("/").endswith("schedules"):
            scans.append(kwargs.get("columns"))
        return scan(self, *args, **kwargs)

    monkeypatch.setattr(DeltaTable, "scan", counted)
    assert await schedules.next_run() == T0
    assert scans == [["next_run_at"]]  # one column of the active rows
    for _ in range(3):
        assert await schedules.next_run() == T0
    assert len(scans) == 1  # unchanged table: answered from the cache

    other = DeltaStore(delta.root)  # another replica writes
    await other.open()
    try:
        await other.schedules.put(
            Schedule(workspace_id=WS, kind=ScheduleKind.digest, next_run_at=T0 - timedelta(minutes=1))
        )
    finally:
        await other.close()
    scans.clear()
    assert await schedules.next_run() == T0 - timedelta(minutes=1)
    assert await schedules.next_run() == T0 - timedelta(minutes=1)
    assert scans == [["next_run_at"]]
