"""Delta's audit outbox (storage/delta/outbox.py): what the backend-neutral crash tests can't see.

The events ride in the entity commit and are copied to ``audit_events`` after it, in the background: a turn
gains no commits and does not wait for the copy, a failed copy is made good by the next read, maintenance
copies before it drops old log entries, and the repeats an at-least-once copy can leave are read once.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from core.models import AuditAction, EntityType, Platform, Surface
from core.services import Actor, Services
from storage.delta import DeltaStore, outbox
from tests.contract.faults import Crash, crash_before_events

WS = "local"


async def _open(root: Path) -> tuple[DeltaStore, Services, Actor]:
    store = DeltaStore(str(root), auto_maintain_files=0)
    await store.open()
    services = Services(store)
    await services.users.ensure_workspace(WS, Platform.console)
    user = await services.users.ensure_user(WS, "alice")
    return store, services, Actor(user, Surface.command)


@pytest.fixture
async def lake(tmp_path: Path) -> AsyncIterator[tuple[DeltaStore, Services, Actor]]:
    opened = await _open(tmp_path / "lake")
    try:
        yield opened
    finally:
        await opened[0].close()


async def _versions(store: DeltaStore) -> dict[str, int]:
    return {i.name: i.version for i in await store.info()}


async def _audit_rows(store: DeltaStore) -> int:
    """Rows in the audit table as stored, without the reconcile a read through the store does."""
    return {i.name: i.rows for i in await store.info()}["audit_events"]


async def test_a_command_costs_one_entity_commit_and_one_audit_commit(
    lake: tuple[DeltaStore, Services, Actor],
) -> None:
    store, services, alice = lake
    await services.tasks.create(alice, "One")
    await services.tasks.create(alice, "Two")
    for command in (
        lambda: services.tasks.create(alice, "Three"),
        lambda: services.tasks.update(alice, "T-1", title="Renamed"),
        lambda: services.tasks.complete(alice, ["T-1", "T-2"]),
    ):
        await store.outbox.idle()
        before = await _versions(store)
        await command()
        await store.outbox.idle()
        after = await _versions(store)
        grew = {name: after[name] - before[name] for name in after if after[name] != before[name]}
        assert grew == {"tasks": 1, "audit_events": 1}  # as before the outbox: no extra commit


async def test_a_failed_copy_is_made_good_by_the_next_read(
    lake: tuple[DeltaStore, Services, Actor], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, services, alice = lake
    audit_table = store.outbox.target
    real_append = audit_table.append

    async def unreachable(*_args: object, **_kwargs: object) -> None:
        raise OSError("object store unreachable")

    monkeypatch.setattr(audit_table, "append", unreachable)
    task = await services.tasks.create(alice, "Landed")  # the change landed: the command succeeds
    await store.outbox.idle()  # the background copy failed
    monkeypatch.setattr(audit_table, "append", real_append)
    rows = await _audit_rows(store)

    events = await store.audit.list(WS, entity_id=task.id)
    assert [e.action for e in events] == [AuditAction.create]
    assert await _audit_rows(store) == rows + 1  # copied once, by the read
    assert await store.outbox.reconcile() == 0  # and never again
    undone = await services.undo.undo(alice)
    assert undone.undone.id == events[0].id


async def test_maintenance_copies_orphaned_events_before_dropping_old_log_entries(tmp_path: Path) -> None:
    store, services, alice = await _open(tmp_path / "lake")
    with crash_before_events(store), pytest.raises(Crash):
        await services.tasks.create(alice, "Orphan")
    await store.close()

    store, services, alice = await _open(tmp_path / "lake")
    try:
        rows = await _audit_rows(store)
        await store.maintain(force=True)  # checkpoints and cleans the log of every table
        assert await _audit_rows(store) == rows + 1
        [event] = [e for e in await store.audit.list(WS) if e.entity_ref == "T-1"]
        assert event.action is AuditAction.create and event.after is not None
        assert event.after["title"] == "Orphan"
    finally:
        await store.close()


async def test_repeated_copies_of_an_event_are_read_once(lake: tuple[DeltaStore, Services, Actor]) -> None:
    store, services, alice = lake
    task = await services.tasks.create(alice, "Once")
    [event] = await store.audit.list(WS, entity_id=task.id)
    await store.audit.add(event)  # what a reconcile racing the writer's own copy can leave
    assert await _audit_rows(store) >= 2
    assert [e.id for e in await store.audit.list(WS, entity_id=task.id)] == [event.id]


async def test_a_running_process_sees_the_events_of_another_that_died(tmp_path: Path) -> None:
    survivor, _, alice = await _open(tmp_path / "lake")
    doomed, doomed_services, doomed_alice = await _open(tmp_path / "lake")
    try:
        assert await survivor.audit.list(WS, entity_id="nothing yet") == []  # the survivor is up to date
        with crash_before_events(doomed), pytest.raises(Crash):
            await doomed_services.tasks.create(doomed_alice, "Made by the other process")
        [event] = [e for e in await survivor.audit.list(WS) if e.entity_type is EntityType.task]
        assert event.entity_ref == "T-1" and event.actor_id == alice.user_id
        undone = await Services(survivor).undo.undo(alice)
        assert undone.undone.id == event.id
    finally:
        await doomed.close()
        await survivor.close()


async def test_an_orphan_behind_later_commits_is_still_found(tmp_path: Path) -> None:
    survivor, survivor_services, alice = await _open(tmp_path / "lake")
    doomed, doomed_services, doomed_alice = await _open(tmp_path / "lake")
    try:
        await survivor.audit.list(WS)
        with crash_before_events(doomed), pytest.raises(Crash):
            await doomed_services.tasks.create(doomed_alice, "Orphan")
        for title in ("Later", "Later still"):  # the orphan's commit is no longer the newest
            await survivor_services.tasks.create(alice, title)
        refs = {e.entity_ref for e in await survivor.audit.list(WS) if e.entity_type is EntityType.task}
        assert refs == {"T-1", "T-2", "T-3"}
    finally:
        await doomed.close()
        await survivor.close()


async def test_a_stuck_copy_does_not_hold_readers_up(
    lake: tuple[DeltaStore, Services, Actor], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, services, alice = lake
    monkeypatch.setattr(outbox, "_OWN_COPY_WAIT", 0.05)
    real_append = store.outbox.target.append
    release = asyncio.Event()
    calls = 0

    async def first_copy_hangs(*args: Any, **kwargs: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:  # the background copy of the command below: stuck (a hung object store)
            await release.wait()
        await real_append(*args, **kwargs)

    monkeypatch.setattr(store.outbox.target, "append", first_copy_hangs)
    task = await services.tasks.create(alice, "Copy stuck")  # the command doesn't wait for its copy
    events = await asyncio.wait_for(store.audit.list(WS, entity_id=task.id), timeout=5)
    assert [e.action for e in events] == [AuditAction.create]  # the reader copied it itself
    release.set()
    await store.outbox.idle()
    assert [e.id for e in await store.audit.list(WS, entity_id=task.id)] == [events[0].id]  # read once
