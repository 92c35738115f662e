"""`db copy`: every row moves Delta -> SQLite -> PostgreSQL -> Delta unchanged (refs too), counts verified."""

from __future__ import annotations

import asyncio
import itertools
import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bot.cli import app
from core.errors import ConfigurationError
from core.models import (
    AgentLog,
    AuditAction,
    AuditEvent,
    Conversation,
    Delivery,
    DeliveryStatus,
    EntityType,
    Integration,
    IntegrationType,
    Platform,
    Priority,
    Project,
    Schedule,
    ScheduleKind,
    Surface,
    SyncDirection,
    SyncLog,
    Task,
    TaskStatus,
    User,
    Workspace,
    delivery_key,
)
from core.store import Store
from storage.factory import open_store
from storage.transfer import copy_store
from storage.transfer.rows import TABLES, rows_of
from tests.postgres import fresh_schema

T0 = datetime(2030, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
TASKS = 1_200  # more than one copy batch


async def seed(store: Store) -> None:
    for ws in ("acme", "globex"):
        await store.workspaces.ensure(
            Workspace(id=ws, platform=Platform.slack, settings={"lang": "en", "n": [1]})
        )
        alice = await store.users.add(User(workspace_id=ws, name="alice", slack_user_id="U1"))
        await store.users.add(User(workspace_id=ws, name="gone", deleted_at=T0))
        project = await store.projects.create(
            Project(
                workspace_id=ws,
                name="Web",
                tags=["a"],
                external_ids={"linear": "L-1"},
                due_date=date(2030, 2, 1),
            )
        )
        await store.tasks.create_many(
            [
                Task(
                    workspace_id=ws,
                    title=f"task {i} ünï 'q'",
                    project_id=project.id if i % 2 else None,
                    status=list(TaskStatus)[i % 6],
                    priority=list(Priority)[i % 5],
                    due_date=date(2030, 1, 1) + timedelta(days=i % 40) if i % 3 else None,
                    due_time=time(9, 30) if i % 7 == 0 else None,
                    assignee_id=alice.id if i % 4 else None,
                    tags=["x", f"t{i % 3}"],
                    external_ids={"motion": f"m{i}"} if i % 5 == 0 else {},
                    estimate_minutes=30 * i if i % 3 == 0 else None,
                    actual_minutes=45 * i if i % 6 == 0 else None,
                    parent_id=f"parent-{i % 4}" if i % 5 == 1 else None,
                    dependencies=[f"dep-{i}", "dep-0"] if i % 4 == 2 else [],
                    deleted_at=T0 if i % 50 == 0 else None,
                    created_at=T0 + timedelta(seconds=i),
                )
                for i in range(TASKS if ws == "acme" else 10)
            ]
        )
        await store.integrations.add(
            Integration(workspace_id=ws, type=IntegrationType.linear, options={"team": "E"})
        )
        await store.conversations.save(Conversation(id="dm", workspace_id=ws, pending_action={"tool": "x"}))
        await store.audit.add_many(
            [
                AuditEvent(
                    workspace_id=ws,
                    actor_id=alice.id,
                    surface=Surface.command,
                    action=AuditAction.create,
                    entity_type=EntityType.task,
                    entity_id=f"t{i}",
                    after={"title": f"t{i}"},
                )
                for i in range(3)
            ]
        )
        await store.agent_logs.add(AgentLog(workspace_id=ws, provider="offline", model="rules", cost_usd=0.5))
        await store.sync_logs.add(
            SyncLog(workspace_id=ws, integration_id="i", direction=SyncDirection.pull, conflicts=[{"f": 1}])
        )
        await store.receipts.claim(ws, "slack:Ev1")
        schedule = await store.schedules.put(
            Schedule(
                workspace_id=ws,
                kind=ScheduleKind.report,
                project_id=project.id,
                platform=Platform.slack,
                channel_id="C1",
                rule="every monday 9am",
                timezone="Europe/Paris",
                explicit=True,
                next_run_at=T0,
                occurrence_at=T0,
            )
        )
        await store.schedules.claim_due(T0, "h1", T0 + timedelta(minutes=5))
        await store.deliveries.begin(
            Delivery(
                id=delivery_key(schedule.id, T0),
                workspace_id=ws,
                schedule_id=schedule.id,
                occurrence_at=T0,
                user_id=alice.id,
                status=DeliveryStatus.sent,
                message_ref="slack:C1:1.2",
            )
        )


async def dump(store: Store) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, keyed and sorted the same way whatever the backend."""
    rows = rows_of(store)
    out: dict[str, list[dict[str, Any]]] = {}
    for table in TABLES:
        got = [row async for batch in rows.export_rows(table, 500) for row in batch]
        out[table] = sorted(got, key=lambda r: (r.get("workspace_id", ""), r["id"]))
    return out


async def opened(url: str) -> Store:
    store = open_store(url)
    await store.open()
    return store


async def test_copy_round_trip_delta_sqlite_postgres_delta(tmp_path: Path) -> None:
    async with fresh_schema() as pg_url:
        urls = [
            str(tmp_path / "lake"),
            f"sqlite+aiosqlite:///{tmp_path}/copy.db",
            pg_url,
            str(tmp_path / "lake2"),
        ]
        stores = [await opened(url) for url in urls]
        try:
            await seed(stores[0])
            original = await dump(stores[0])
            progress: dict[str, int] = {}
            for source, target in itertools.pairwise(stores):
                progress.clear()
                report = await copy_store(
                    rows_of(source),
                    rows_of(target),
                    batch=500,
                    on_rows=lambda table, n: progress.__setitem__(table, progress.get(table, 0) + n),
                )
                assert report.source == report.target and not report.mismatches
                assert report.source["tasks"] == TASKS + 10 and report.total == sum(progress.values())
                assert await dump(target) == original
            for store in stores[1:]:
                # Refs survived and numbering carries on after them; receipts stay claimed.
                assert (await store.tasks.get_by_number("acme", TASKS)) is not None
                assert (await store.tasks.create(Task(workspace_id="acme", title="new"))).number == TASKS + 1
                assert (await store.projects.create(Project(workspace_id="globex", name="N"))).ref == "P-2"
                assert await store.receipts.claim("acme", "slack:Ev1") is False
                # Schedules keep their lease, deliveries their receipt.
                [report_schedule] = await store.schedules.list("acme", kinds=[ScheduleKind.report])
                assert report_schedule.lease_holder == "h1" and await store.schedules.next_run() == T0
                [receipt] = await store.deliveries.list("acme")
                assert await store.deliveries.begin(receipt) == receipt
            with pytest.raises(ConfigurationError, match="already holds data"):
                await copy_store(rows_of(stores[0]), rows_of(stores[1]))
        finally:
            for store in stores:
                await store.close()


def test_db_copy_command_shows_progress_and_verifies_counts(tmp_path: Path) -> None:
    async def prepare() -> None:
        store = await opened(str(tmp_path / "lake"))
        await seed(store)
        await store.close()

    asyncio.run(prepare())
    runner = CliRunner()
    target = f"sqlite+aiosqlite:///{tmp_path}/to.db"
    result = runner.invoke(
        app, ["db", "copy", "--from", str(tmp_path / "lake"), "--to", target, "--batch", "400"]
    )
    text = " ".join(result.stdout.split())
    assert result.exit_code == 0, result.stdout + result.stderr
    assert re.search(rf"tasks\W+{TASKS + 10}\W+{TASKS + 10}\W+ok", text), text
    assert "every table's count matches" in text
    again = runner.invoke(app, ["db", "copy", "--from", str(tmp_path / "lake"), "--to", target])
    assert again.exit_code == 2 and "already holds data" in " ".join(again.stderr.split())
    missing = runner.invoke(
        app, ["db", "copy", "--from", str(tmp_path / "nowhere"), "--to", str(tmp_path / "x")]
    )
    assert missing.exit_code == 2 and "no Delta tables" in " ".join(missing.stderr.split())
