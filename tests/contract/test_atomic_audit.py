"""A change and its audit events land together on every backend, even when the writer dies in between.

Each scenario runs a command with a fault injected between the change and its events (contract/faults.py),
then "restarts" (a new store on the same location) and checks, row by row, that a changed row has its event
and an unchanged one has none; then that undo reverts exactly what landed, and never a change that didn't.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from core.errors import NothingToUndo
from core.models import AuditAction, Platform, Surface, snapshot
from core.services import Actor, Services
from core.store import Store, TaskQuery
from storage.factory import open_store
from tests.contract.backends import Backend
from tests.contract.faults import Crash, crash_before_events

WS = "local"
Step = Callable[[Services, Actor], Awaitable[Any]]


async def _nothing(services: Services, alice: Actor) -> None:
    return None


@dataclass(frozen=True)
class Scenario:
    name: str
    action: AuditAction
    command: Step
    setup: Step = _nothing


async def _delete_both(s: Services, a: Actor) -> None:
    await s.tasks.delete(a, ["T-1", "T-2"])


async def _with_project(s: Services, a: Actor) -> None:
    await s.projects.create(a, "Launch")


SCENARIOS = [
    Scenario("create", AuditAction.create, lambda s, a: s.tasks.create(a, "New one")),
    Scenario(
        "update", AuditAction.update, lambda s, a: s.tasks.update(a, "T-1", title="Renamed", priority="p1")
    ),
    Scenario("bulk complete", AuditAction.complete, lambda s, a: s.tasks.complete(a, ["T-1", "T-2"])),
    Scenario("bulk delete", AuditAction.delete, lambda s, a: s.tasks.delete(a, ["T-1", "T-2"])),
    Scenario("restore", AuditAction.restore, lambda s, a: s.tasks.restore(a, "T-2"), _delete_both),
    Scenario(
        "project update",
        AuditAction.update,
        lambda s, a: s.projects.update(a, "Launch", name="Launched"),
        _with_project,
    ),
]


async def _open(url: str) -> tuple[Store, Services, Actor]:
    store = open_store(url)
    await store.open()
    services = Services(store)
    await services.users.ensure_workspace(WS, Platform.console)
    user = await services.users.ensure_user(WS, "alice")
    return store, services, Actor(user, Surface.command)


async def _rows(store: Store) -> dict[str, dict[str, Any]]:
    """Every task and project, deleted ones too, as stored (minus the write stamp)."""
    page = await store.tasks.list(WS, TaskQuery(include_deleted=True, limit=200))
    projects = await store.projects.list(WS, include_deleted=True)
    rows = {t.id: snapshot(t) for t in page.items} | {p.id: snapshot(p) for p in projects}
    for row in rows.values():
        row.pop("updated_at")
    return rows


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
async def test_a_crash_between_change_and_events_leaves_both_or_neither(
    backend: Backend, store_url: str, scenario: Scenario
) -> None:
    store, services, alice = await _open(store_url)
    await services.tasks.create(alice, "First")
    await services.tasks.create(alice, "Second")
    await scenario.setup(services, alice)
    before = await _rows(store)
    seen = {e.id for e in await store.audit.list(WS, limit=1000)}
    with crash_before_events(store), pytest.raises(Crash):
        await scenario.command(services, alice)
    await store.close()

    store, services, alice = await _open(store_url)  # the restart
    try:
        after = await _rows(store)
        events = [e for e in await store.audit.list(WS, limit=1000) if e.id not in seen]
        changed = {row_id for row_id, row in after.items() if before.get(row_id) != row}
        assert sorted(e.entity_id for e in events) == sorted(changed)  # both or neither, row by row
        # SQL rolled the transaction back; Delta's entity commit had landed, carrying its events.
        assert bool(changed) == (backend.name == "delta")
        for event in events:
            assert event.action is scenario.action and event.actor_id == alice.user_id
            stored = after[event.entity_id]
            assert {
                k: v for k, v in (event.after or {}).items() if k != "updated_at"
            }.items() <= stored.items()

        result = await services.undo.undo(alice)
        reverted = await _rows(store)
        if changed:  # undo takes back exactly the change that landed
            assert result.undone.id in {e.id for e in events}
            assert {i: reverted[i] for i in before} == before
            assert all(reverted[i]["deleted_at"] is not None for i in set(after) - set(before))
        else:  # never a change that didn't land: the command before it is undone instead
            assert result.undone.id in seen
    finally:
        await store.close()


async def test_a_crash_inside_undo_leaves_it_done_and_recorded_or_not_done(
    backend: Backend, store_url: str
) -> None:
    store, services, alice = await _open(store_url)
    await services.tasks.create(alice, "Original")
    await services.tasks.update(alice, "T-1", title="Renamed")
    with crash_before_events(store), pytest.raises(Crash):
        await services.undo.undo(alice)
    await store.close()

    store, services, alice = await _open(store_url)
    try:
        current = await services.tasks.get(alice, "T-1")
        undos = [e for e in await store.audit.list(WS) if e.action is AuditAction.undo]
        assert (current.title == "Original") == bool(undos)
        assert bool(undos) == (backend.name == "delta")
        if not undos:  # the rename is still there, and still undoable
            await services.undo.undo(alice)
            assert (await services.tasks.get(alice, "T-1")).title == "Original"
        # Either way exactly one more command is left to undo: the creation (never the rename twice).
        result = await services.undo.undo(alice)
        assert result.undone.action is AuditAction.create
        assert (await services.tasks.get(alice, "T-1", include_deleted=True)).deleted_at is not None
        with pytest.raises(NothingToUndo):
            await services.undo.undo(alice)
    finally:
        await store.close()
