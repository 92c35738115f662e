"""``AuditRepo.list`` by entity, several entities, actor and time range: newest first, since inclusive and
until exclusive, every filter narrowing, one workspace only; and events carried by audited writes are found
by the same filters."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone

from core.models import AuditAction, AuditEvent, EntityType, Surface, Task
from core.store import Recorder, RowChange, Store
from tests.contract.samples import OTHER, WS, task

T0 = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)


def _event(minute: int, *, actor: str | None = "bob", entity: str = "t1", workspace: str = WS) -> AuditEvent:
    return AuditEvent(
        workspace_id=workspace,
        actor_id=actor,
        surface=Surface.command,
        action=AuditAction.update,
        entity_type=EntityType.task,
        entity_id=entity,
        entity_ref=entity.upper(),
        created_at=T0 + timedelta(minutes=minute),
    )


async def _seed(store: Store) -> None:
    await store.audit.add_many(
        [
            _event(0, entity="t1"),
            _event(10, entity="t2", actor="sam"),
            _event(20, entity="t1", actor="sam"),
            _event(30, entity="t3"),
            _event(40, entity="t2", actor=None),
            _event(25, entity="t1", workspace=OTHER),
            _event(26, entity="t1", actor="sam", workspace=OTHER),
        ]
    )


def _minutes(events: list[AuditEvent]) -> list[int]:
    return [int((e.created_at - T0).total_seconds() // 60) for e in events]


async def test_time_range_is_since_inclusive_until_exclusive(store: Store) -> None:
    await _seed(store)
    assert _minutes(await store.audit.list(WS, since=T0 + timedelta(minutes=10))) == [40, 30, 20, 10]
    assert _minutes(await store.audit.list(WS, until=T0 + timedelta(minutes=30))) == [20, 10, 0]
    window = await store.audit.list(WS, since=T0 + timedelta(minutes=10), until=T0 + timedelta(minutes=40))
    assert _minutes(window) == [30, 20, 10]
    assert await store.audit.list(WS, since=T0 + timedelta(minutes=41)) == []
    assert (
        await store.audit.list(WS, since=T0 + timedelta(minutes=20), until=T0 + timedelta(minutes=20)) == []
    )


async def test_bounds_in_other_timezones_and_naive_utc(store: Store) -> None:
    await _seed(store)
    plus_two = timezone(timedelta(hours=2))
    since = (T0 + timedelta(minutes=20)).astimezone(plus_two)
    assert _minutes(await store.audit.list(WS, since=since)) == [40, 30, 20]
    naive = (T0 + timedelta(minutes=30)).replace(tzinfo=None)
    assert _minutes(await store.audit.list(WS, until=naive)) == [20, 10, 0]


async def test_actor_and_entity_filters_combine(store: Store) -> None:
    await _seed(store)
    assert _minutes(await store.audit.list(WS, actor_id="sam")) == [20, 10]
    assert _minutes(await store.audit.list(WS, entity_id="t1")) == [20, 0]
    assert _minutes(await store.audit.list(WS, entity_id="t1", actor_id="sam")) == [20]
    assert _minutes(await store.audit.list(WS, actor_id="bob", since=T0 + timedelta(minutes=5))) == [30]
    assert _minutes(await store.audit.list(WS, entity_id="t2", until=T0 + timedelta(minutes=40))) == [10]
    assert _minutes(await store.audit.list(WS, actor_id="sam", limit=1)) == [20]


async def test_any_of_several_entities(store: Store) -> None:
    await _seed(store)
    assert _minutes(await store.audit.list(WS, entity_ids=["t1", "t3"])) == [30, 20, 0]
    assert _minutes(await store.audit.list(WS, entity_ids=("t2",), actor_id="sam")) == [10]
    assert _minutes(await store.audit.list(WS, entity_ids=["t1", "t1", "nope"], limit=1)) == [20]
    assert _minutes(await store.audit.list(WS, entity_ids=["t1"], entity_id="t1")) == [20, 0]
    assert await store.audit.list(WS, entity_ids=["t1"], entity_id="t2") == []
    assert await store.audit.list(WS, entity_ids=[]) == []


async def test_other_workspaces_never(store: Store) -> None:
    await _seed(store)
    assert _minutes(await store.audit.list(OTHER)) == [26, 25]
    assert _minutes(await store.audit.list(OTHER, actor_id="sam", entity_ids=["t1"])) == [26]
    assert (
        _minutes(
            await store.audit.list(WS, since=T0 + timedelta(minutes=21), until=T0 + timedelta(minutes=29))
        )
        == []
    )
    assert await store.audit.list("nobody", since=T0) == []


def _recorder(actor: str) -> Recorder:
    def record(changes: Sequence[RowChange], /) -> list[AuditEvent]:
        out = []
        for before, after in changes:
            assert isinstance(after, Task)
            out.append(
                AuditEvent(
                    workspace_id=after.workspace_id,
                    actor_id=actor,
                    surface=Surface.command,
                    action=AuditAction.create if before is None else AuditAction.update,
                    entity_type=EntityType.task,
                    entity_id=after.id,
                    entity_ref=after.ref,
                )
            )
        return out

    return record


async def test_events_of_audited_writes_are_found_by_every_filter(store: Store) -> None:
    start = datetime.now(UTC) - timedelta(seconds=1)
    [a, b] = await store.tasks.create_many([task("A"), task("B")], audit=_recorder("bob"))
    await store.tasks.update(WS, a.id, {"title": "A2"}, audit=_recorder("sam"))
    by_sam = await store.audit.list(WS, actor_id="sam", since=start)
    assert [(e.entity_id, e.action) for e in by_sam] == [(a.id, AuditAction.update)]
    assert {e.entity_ref for e in await store.audit.list(WS, entity_ids=[a.id, b.id])} == {"T-1", "T-2"}
    assert len(await store.audit.list(WS, entity_id=a.id, since=start)) == 2
    assert await store.audit.list(WS, until=start) == []


async def test_a_long_history_comes_back_whole_and_in_order(store: Store) -> None:
    await store.audit.add_many([_event(n, entity=f"t{n % 7}") for n in range(1500)])
    events = await store.audit.list(WS, limit=10_000)
    assert _minutes(events) == list(range(1499, -1, -1))
    by_entity = await store.audit.list(WS, entity_id="t3", limit=10_000)
    assert _minutes(by_entity) == [n for n in range(1499, -1, -1) if n % 7 == 3]
