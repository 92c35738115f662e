"""Delta-only guarantees: the tables are plain Delta tables other engines read, maintenance runs by itself,
and the factory understands storage URLs. (Backend-neutral behaviour lives in the other contract files.)"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pyarrow as pa
import pytest
from deltalake import DeltaTable

from core.errors import ConfigurationError, StorageError
from core.models import Priority
from core.store import Store, TaskQuery
from storage.delta import DeltaStore
from storage.delta.maintenance import Maintainer
from storage.delta.schema import ALL_SPECS, schema_drift
from storage.factory import open_store
from tests.contract.samples import OTHER, WS, task


@pytest.fixture
async def delta(tmp_path: Path) -> AsyncIterator[DeltaStore]:
    store = DeltaStore(str(tmp_path / "lake"), auto_maintain_files=10)
    await store.open()
    try:
        yield store
    finally:
        await store.close()


async def _seed(store: Store) -> None:
    await store.tasks.create_many(
        [
            task(
                "one", due_date=date(2030, 1, 2), due_time=time(9, 0), tags=["a", "b"], priority=Priority.high
            ),
            task("two", project_id="p1", is_overdue=True, external_ids={"linear": "L-1"}),
            task("three", workspace_id=OTHER),
        ]
    )


def test_schemas_cover_every_model_field() -> None:
    assert [p for spec in ALL_SPECS for p in schema_drift(spec)] == []


async def test_layout_and_table_properties(delta: DeltaStore, tmp_path: Path) -> None:
    for spec in ALL_SPECS:
        uri = tmp_path / "lake" / "orchestrator" / spec.name
        assert (uri / "_delta_log").is_dir()
        config = DeltaTable(str(uri)).metadata().configuration
        assert config["delta.logRetentionDuration"] == "interval 1 days"
        assert config["delta.deletedFileRetentionDuration"] == "interval 1 days"


async def test_tasks_table_is_readable_by_deltalake_duckdb_and_polars(delta: DeltaStore) -> None:
    await _seed(delta)
    uri = delta.table_uri("tasks")

    table = pa.table(DeltaTable(uri).scan(predicate=f"workspace_id = '{WS}'"))
    assert sorted(table.column("title").to_pylist()) == ["one", "two"]
    assert "is_overdue" not in table.column_names and "days_until_due" not in table.column_names

    frame = pl.read_delta(uri).sort("workspace_id", "number")
    assert frame.select("workspace_id", "number", "title").rows() == [
        (WS, 1, "one"),
        (WS, 2, "two"),
        (OTHER, 1, "three"),
    ]
    assert frame.schema["due_date"] == pl.Date
    assert frame.schema["tags"] == pl.List(pl.String)
    assert frame.schema["created_at"] == pl.Datetime("us", "UTC")
    assert frame.filter(pl.col("title") == "one").select("due_time", "tags").rows() == [
        ("09:00:00", ["a", "b"])
    ]

    dataset = DeltaTable(uri).to_pyarrow_dataset()  # noqa: F841 - DuckDB finds it by name
    relation = duckdb.sql(
        "SELECT title, due_date, list_count(tags), external_ids, created_at FROM dataset "
        f"WHERE workspace_id = '{WS}' ORDER BY number"
    )
    assert relation is not None
    rows = relation.fetchall()
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        ("one", date(2030, 1, 2), 2, "{}"),
        ("two", None, 0, '{"linear":"L-1"}'),
    ]
    assert all(isinstance(r[4], datetime) and r[4].utcoffset() is not None for r in rows)


async def test_auto_maintenance_runs_in_the_background_past_the_threshold(delta: DeltaStore) -> None:
    created = [await delta.tasks.create(task(f"t{i}")) for i in range(12)]  # threshold 10: the 11th file
    await delta.maintenance_idle()
    info = {i.name: i for i in await delta.info()}["tasks"]
    assert info.rows == 12
    assert info.files <= 2  # compacted to one file, plus possibly the write made while it ran
    page = await delta.tasks.list(WS, TaskQuery(sort="number", limit=20))  # type: ignore[arg-type]
    assert [t.id for t in page.items] == [t.id for t in created]
    assert (await delta.tasks.create(task("next"))).number == 13


async def test_background_maintenance_failures_are_logged_not_raised(
    delta: DeltaStore, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[str] = []

    def broken(self: Any, table: Any) -> bool:
        calls.append(table.name)
        raise OSError("disk on fire")

    monkeypatch.setattr(Maintainer, "_optimize_sync", broken)
    with caplog.at_level(logging.ERROR, logger="storage.delta.maintenance"):
        for i in range(12):
            await delta.tasks.create(task(f"t{i}"))
        await delta.maintenance_idle()
    assert "automatic maintenance of the tasks table failed" in caplog.text
    assert calls == ["tasks"]  # later writes don't retry a table that just failed
    assert (await delta.tasks.list(WS, TaskQuery())).total == 12


async def test_long_running_writer_reopens_its_handle(tmp_path: Path) -> None:
    store = DeltaStore(str(tmp_path / "lake"), reopen_every=5, auto_maintain_files=0)
    await store.open()
    try:
        made = [await store.tasks.create(task(f"t{i}")) for i in range(12)]
        assert [t.number for t in made] == list(range(1, 13))
        assert (await store.tasks.list(WS, TaskQuery())).total == 12
    finally:
        await store.close()


async def test_using_a_store_before_open_is_a_clear_error(tmp_path: Path) -> None:
    store = DeltaStore(str(tmp_path / "lake"))
    with pytest.raises(StorageError, match="not open"):
        await store.tasks.get(WS, "x")


def test_factory_urls(tmp_path: Path) -> None:
    local = open_store(str(tmp_path / "a"))
    assert isinstance(local, DeltaStore) and local.root == str(tmp_path / "a")
    via_file = open_store(f"file://{tmp_path}/b")
    assert isinstance(via_file, DeltaStore) and via_file.root == str(tmp_path / "b")
    bucket = open_store("s3://bucket/prefix/", storage_options={"AWS_REGION": "eu-west-1"})
    assert (
        isinstance(bucket, DeltaStore)
        and bucket.table_uri("tasks") == "s3://bucket/prefix/orchestrator/tasks"
    )
    for url in ("abfss://c@acct.dfs.core.windows.net/lake", "gs://bucket/lake"):
        assert isinstance(open_store(url), DeltaStore)
    for url in ("postgresql://u@h/db", "mysql+aiomysql://u@h/db", "ftp://host/x", "  "):
        with pytest.raises(ConfigurationError):
            open_store(url)
