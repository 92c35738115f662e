"""Integrations, conversations, audit trail, agent and sync logs, idempotency receipts."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from core.errors import NotFoundError, ValidationError
from core.models import (
    AgentLog,
    AuditAction,
    AuditEvent,
    ConflictPolicy,
    Conversation,
    EntityType,
    Integration,
    IntegrationType,
    Platform,
    Surface,
    SyncDirection,
    SyncLog,
)
from core.store import Store
from tests.contract.samples import OTHER, WS

T0 = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


async def test_integrations_add_get_list_update_remove(store: Store) -> None:
    linear = await store.integrations.add(
        Integration(
            workspace_id=WS,
            type=IntegrationType.linear,
            name="Linear",
            base_url="https://api.linear.app",
            credentials_encrypted="gAAAA-token",
            options={"team": "ENG", "labels": ["a", "b"], "nested": {"x": 1}},
            created_at=T0,
        )
    )
    notion = await store.integrations.add(
        Integration(workspace_id=OTHER, type=IntegrationType.notion, created_at=T0 + timedelta(seconds=1))
    )
    assert await store.integrations.get(WS, linear.id) == linear
    assert await store.integrations.list(WS) == [linear]
    assert await store.integrations.list() == [linear, notion]
    updated = await store.integrations.update(
        WS,
        linear.id,
        {"last_sync_cursor": "c-9", "last_sync_at": T0, "conflict_policy": "remote_wins", "enabled": False},
    )
    assert (updated.last_sync_cursor, updated.last_sync_at, updated.enabled) == ("c-9", T0, False)
    assert updated.conflict_policy is ConflictPolicy.remote_wins
    assert updated.options == linear.options and updated.updated_at > linear.updated_at
    with pytest.raises(ValidationError):
        await store.integrations.update(WS, linear.id, {"sync_direction": "sideways"})
    assert await store.integrations.remove(WS, linear.id) is True
    assert await store.integrations.remove(WS, linear.id) is False
    assert await store.integrations.get(WS, linear.id) is None
    assert await store.integrations.list() == [notion]


async def test_conversation_save_is_an_upsert_of_the_whole_row(store: Store) -> None:
    assert await store.conversations.get(WS, "slack:C1:169.1") is None
    first = Conversation(
        id="slack:C1:169.1",
        workspace_id=WS,
        user_id="u1",
        platform=Platform.slack,
        channel_id="C1",
        thread_id="169.1",
        messages_json='[{"kind":"request"}]',
        pending_action={"tool": "delete_task", "args": {"ids": ["t1"]}},
        tokens_in=10,
    )
    await store.conversations.save(first)
    assert await store.conversations.get(WS, first.id) == first
    second = first.model_copy(
        update={
            "messages_json": "[]",
            "summary": "earlier: greetings",
            "pending_action": None,
            "tokens_in": 25,
        }
    )
    await store.conversations.save(second)
    assert await store.conversations.get(WS, first.id) == second
    await store.conversations.delete(WS, first.id)
    assert await store.conversations.get(WS, first.id) is None
    await store.conversations.delete(WS, first.id)  # deleting twice is fine


def _event(n: int, **fields: object) -> AuditEvent:
    base: dict[str, object] = {
        "workspace_id": WS,
        "actor_id": "u1",
        "surface": Surface.command,
        "action": AuditAction.update,
        "entity_type": EntityType.task,
        "entity_id": "t1",
        "created_at": T0 + timedelta(seconds=n),
    }
    return AuditEvent(**(base | fields))  # type: ignore[arg-type]


async def test_audit_newest_first_with_filters_and_limit(store: Store) -> None:
    await store.audit.add(_event(1, action=AuditAction.create, after={"title": "A", "tags": ["x"]}))
    await store.audit.add_many(
        [
            _event(3, before={"title": "A"}, after={"title": "B"}, batch_id="b1"),
            _event(2, actor_id="u2", entity_id="t2", entity_ref="T-2"),
            _event(4, action=AuditAction.undo, undoes="e", batch_id="b2"),
        ]
    )
    await store.audit.add_many([])
    events = await store.audit.list(WS)
    assert [e.created_at for e in events] == [T0 + timedelta(seconds=n) for n in (4, 3, 2, 1)]
    assert (
        events[1].before == {"title": "A"}
        and events[1].after == {"title": "B"}
        and events[1].batch_id == "b1"
    )
    assert events[3].after == {"title": "A", "tags": ["x"]} and events[3].before is None
    assert [e.entity_ref for e in await store.audit.list(WS, actor_id="u2")] == ["T-2"]
    assert [e.created_at.second for e in await store.audit.list(WS, entity_id="t1")] == [4, 3, 1]
    assert [e.created_at.second for e in await store.audit.list(WS, actor_id="u1", limit=2)] == [4, 3]
    assert await store.audit.list(WS, entity_id="t1", actor_id="u2") == []


async def test_agent_logs_since_and_across_workspaces(store: Store) -> None:
    old = AgentLog(workspace_id=WS, provider="anthropic", model="m1", created_at=T0)
    new = AgentLog(
        workspace_id=WS,
        provider="openai",
        model="m2",
        task_type="quick_tasks",
        input_tokens=100,
        output_tokens=20,
        cost_usd=0.0125,
        latency_ms=812.5,
        tool_calls=["create_task", "list_tasks"],
        error="rate limited",
        created_at=T0 + timedelta(hours=1),
    )
    elsewhere = AgentLog(
        workspace_id=OTHER, provider="offline", model="rules", created_at=T0 + timedelta(hours=2)
    )
    for log in (new, old, elsewhere):
        await store.agent_logs.add(log)
    assert await store.agent_logs.list(WS) == [old, new]
    assert await store.agent_logs.list(WS, since=T0 + timedelta(hours=1)) == [new]
    assert await store.agent_logs.list(since=T0 + timedelta(minutes=30)) == [new, elsewhere]
    assert await store.agent_logs.list() == [old, new, elsewhere]


async def test_sync_logs_add_update_list_newest_first(store: Store) -> None:
    first = SyncLog(workspace_id=WS, integration_id="i1", direction=SyncDirection.pull, started_at=T0)
    second = SyncLog(
        workspace_id=WS,
        integration_id="i2",
        direction=SyncDirection.both,
        started_at=T0 + timedelta(minutes=5),
    )
    await store.sync_logs.add(first)
    await store.sync_logs.add(second)
    finished = await store.sync_logs.update(
        WS,
        first.id,
        {
            "status": "ok",
            "finished_at": T0 + timedelta(minutes=1),
            "pulled": 12,
            "conflicts": [{"field": "title", "local": "a", "remote": "b", "winner": "remote"}],
            "errors": ["one item skipped"],
        },
    )
    assert finished.pulled == 12 and finished.status == "ok" and finished.errors == ["one item skipped"]
    assert finished.conflicts == [{"field": "title", "local": "a", "remote": "b", "winner": "remote"}]
    assert [s.id for s in await store.sync_logs.list(WS)] == [second.id, first.id]
    assert await store.sync_logs.list(WS, integration_id="i1") == [finished]
    assert [s.id for s in await store.sync_logs.list(WS, limit=1)] == [second.id]
    with pytest.raises(NotFoundError):
        await store.sync_logs.update(WS, "missing", {"status": "ok"})


async def test_receipts_claim_once(store: Store) -> None:
    assert await store.receipts.claim(WS, "slack:Ev123") is True
    assert await store.receipts.claim(WS, "slack:Ev123") is False
    assert await store.receipts.claim(WS, "slack:Ev124") is True
    results = await asyncio.gather(*(store.receipts.claim(WS, "discord:42") for _ in range(5)))
    assert sorted(results) == [False, False, False, False, True]
