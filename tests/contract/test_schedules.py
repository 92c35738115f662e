"""Schedules: the scheduler's work list (put, list, next_run, claim_due, release) on every backend."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from core.errors import NotFoundError, ValidationError
from core.models import Platform, Schedule, ScheduleKind, User
from core.store import Store
from storage.factory import open_store
from tests.contract.samples import OTHER, WS

T0 = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def sched(kind: ScheduleKind = ScheduleKind.reminder, workspace_id: str = WS, **fields: Any) -> Schedule:
    return Schedule(workspace_id=workspace_id, kind=kind, **fields)


@pytest.fixture
async def second(store: Store, store_url: str) -> AsyncIterator[Store]:
    """Another store instance on the same location (another replica)."""
    other = open_store(store_url)
    await other.open()
    try:
        yield other
    finally:
        await other.close()


async def _put_all(store: Store, *schedules: Schedule) -> list[Schedule]:
    return [await store.schedules.put(s) for s in schedules]


async def test_put_get_and_list_filters_soonest_first(store: Store) -> None:
    a, b, c, d, e = await _put_all(
        store,
        sched(user_id="u1", task_id="t1", offset_minutes=30, next_run_at=T0 + 2 * MINUTE),
        sched(ScheduleKind.due, id="due:t2", user_id="u1", task_id="t2", next_run_at=T0 + MINUTE),
        sched(
            ScheduleKind.digest,
            id="digest:u2",
            user_id="u2",
            rule="every weekday 9am",
            timezone="Europe/Paris",
            next_run_at=T0 + 3 * MINUTE,
        ),
        sched(
            ScheduleKind.report, project_id="p1", platform=Platform.slack, channel_id="C1", next_run_at=None
        ),
        sched(user_id="u1", next_run_at=T0, cancelled_at=T0 - MINUTE),
    )
    elsewhere = await store.schedules.put(sched(workspace_id=OTHER, user_id="u1", next_run_at=T0))
    for s in (a, b, c, d, e):
        assert await store.schedules.get(WS, s.id) == s
    assert c.timezone == "Europe/Paris" and d.platform is Platform.slack and a.offset_minutes == 30

    schedules = store.schedules
    assert await schedules.list(WS) == [b, a, c]  # active only, soonest first
    assert await schedules.list(WS, active=False) == [e, b, a, c, d]  # no next run: last
    assert await schedules.list(WS, user_id="u1") == [b, a]
    assert await schedules.list(WS, task_id="t1") == [a]
    assert await schedules.list(WS, project_id="p1", active=False) == [d]
    assert await schedules.list(WS, kinds=[ScheduleKind.digest, ScheduleKind.due]) == [b, c]
    assert await schedules.list(WS, kinds=[]) == []
    assert await schedules.list(WS, limit=2) == [b, a]
    assert await schedules.list(OTHER, active=False) == [elsewhere]


async def test_put_again_is_idempotent_and_keeps_a_stored_lease(store: Store) -> None:
    due = sched(ScheduleKind.due, id="due:t1", user_id="u1", task_id="t1", next_run_at=T0, created_at=T0)
    first = await store.schedules.put(due)
    assert await store.schedules.put(due) == first
    assert await store.schedules.list(WS, active=False) == [first]

    [claimed] = await store.schedules.claim_due(T0, "h1", T0 + 5 * MINUTE)
    moved = due.model_copy(update={"next_run_at": T0 + 60 * MINUTE, "lease_holder": "intruder"})
    stored = await store.schedules.put(moved)
    assert (stored.lease_holder, stored.lease_until) == ("h1", T0 + 5 * MINUTE)
    assert stored.next_run_at == T0 + 60 * MINUTE
    assert (
        await store.schedules.get(WS, due.id)
        == stored
        == claimed.model_copy(update={"next_run_at": T0 + 60 * MINUTE})
    )
    # The holder can still release it: the put did not take the row away from it.
    assert await store.schedules.release(WS, due.id, "h1", {}) is True


async def test_update_applies_only_the_given_fields(store: Store) -> None:
    s = await store.schedules.put(sched(user_id="u1", next_run_at=T0, explicit=True))
    changed = await store.schedules.update(WS, s.id, {"attempts": 2, "last_error": "timeout"})
    assert (changed.attempts, changed.last_error, changed.next_run_at, changed.explicit) == (
        2,
        "timeout",
        T0,
        True,
    )
    assert changed.updated_at > s.updated_at
    assert await store.schedules.get(WS, s.id) == changed
    with pytest.raises(NotFoundError):
        await store.schedules.update(WS, "missing", {"attempts": 1})
    with pytest.raises(NotFoundError):
        await store.schedules.update(OTHER, s.id, {"attempts": 1})
    with pytest.raises(ValidationError):
        await store.schedules.update(WS, s.id, {"kind": "shout"})


async def test_next_run_is_the_earliest_active_run_of_any_workspace(store: Store) -> None:
    assert await store.schedules.next_run() is None
    later = await store.schedules.put(sched(next_run_at=T0 + 10 * MINUTE))
    assert await store.schedules.next_run() == T0 + 10 * MINUTE
    assert await store.schedules.next_run() == T0 + 10 * MINUTE  # unchanged: the same answer
    await _put_all(
        store,
        sched(next_run_at=T0 - 60 * MINUTE, cancelled_at=T0),  # cancelled: ignored
        sched(next_run_at=None),  # finished: ignored
        sched(workspace_id=OTHER, next_run_at=T0 + 5 * MINUTE),
    )
    assert await store.schedules.next_run() == T0 + 5 * MINUTE
    soonest = await store.schedules.put(sched(next_run_at=T0))
    await store.schedules.claim_due(T0, "h1", T0 + MINUTE)
    assert await store.schedules.next_run() == T0  # leased rows count
    await store.schedules.update(WS, soonest.id, {"cancelled_at": T0})
    assert await store.schedules.next_run() == T0 + 5 * MINUTE
    await store.schedules.update(WS, later.id, {"next_run_at": T0 + MINUTE})
    assert await store.schedules.next_run() == T0 + MINUTE


async def test_next_run_sees_another_instances_writes(store: Store, second: Store) -> None:
    assert await store.schedules.next_run() is None
    s = await second.schedules.put(sched(next_run_at=T0 + 10 * MINUTE))
    assert await store.schedules.next_run() == T0 + 10 * MINUTE
    await second.schedules.update(WS, s.id, {"next_run_at": T0})
    assert await store.schedules.next_run() == T0
    await second.schedules.update(WS, s.id, {"cancelled_at": T0})
    assert await store.schedules.next_run() is None


async def test_claim_due_leases_due_unleased_rows_of_every_workspace_soonest_first(store: Store) -> None:
    until = T0 + 5 * MINUTE
    due, expired, elsewhere, held, future, cancelled, finished = await _put_all(
        store,
        sched(next_run_at=T0 - 5 * MINUTE),
        sched(next_run_at=T0 - 4 * MINUTE, lease_holder="gone", lease_until=T0 - timedelta(seconds=1)),
        sched(workspace_id=OTHER, next_run_at=T0 - 3 * MINUTE),
        sched(next_run_at=T0 - 2 * MINUTE, lease_holder="other", lease_until=T0 + 2 * MINUTE),
        sched(next_run_at=T0 + MINUTE),
        sched(next_run_at=T0 - 9 * MINUTE, cancelled_at=T0 - 10 * MINUTE),
        sched(next_run_at=None),
    )
    claimed = await store.schedules.claim_due(T0, "h1", until)
    assert [s.id for s in claimed] == [due.id, expired.id, elsewhere.id]
    for s in claimed:
        assert (s.lease_holder, s.lease_until) == ("h1", until)
        assert await store.schedules.get(s.workspace_id, s.id) == s
    assert (await store.schedules.get(WS, held.id)) == held  # another holder's lease still runs
    assert await store.schedules.claim_due(T0, "h2", until) == []  # all taken

    # Once the leases ran out, the same rows (and the one now due) go to the next claimant.
    later = await store.schedules.claim_due(T0 + 6 * MINUTE, "h2", T0 + 10 * MINUTE)
    assert [s.id for s in later] == [due.id, expired.id, elsewhere.id, held.id, future.id]
    assert {s.lease_holder for s in later} == {"h2"}
    assert cancelled.id not in {s.id for s in later} and finished.id not in {s.id for s in later}


async def test_claim_due_takes_at_most_limit_rows(store: Store) -> None:
    rows = await _put_all(store, *(sched(next_run_at=T0 - i * MINUTE) for i in range(5)))
    soonest_first = [s.id for s in reversed(rows)]
    first = await store.schedules.claim_due(T0, "h1", T0 + MINUTE, limit=2)
    assert [s.id for s in first] == soonest_first[:2]
    rest = await store.schedules.claim_due(T0, "h1", T0 + MINUTE, limit=10)
    assert [s.id for s in rest] == soonest_first[2:]
    assert await store.schedules.claim_due(T0, "h1", T0 + MINUTE, limit=0) == []


async def test_two_schedulers_claiming_at_once_never_share_a_row(store: Store, second: Store) -> None:
    rows = await _put_all(
        store, *(sched(workspace_id=(WS, OTHER)[i % 2], next_run_at=T0 - i * MINUTE) for i in range(24))
    )

    async def scheduler(s: Store, holder: str) -> list[Schedule]:
        got: list[Schedule] = []
        while batch := await s.schedules.claim_due(T0, holder, T0 + 60 * MINUTE, limit=5):
            got += batch
        return got

    a, b = await asyncio.gather(scheduler(store, "a"), scheduler(second, "b"))
    ids = [s.id for s in a + b]
    assert len(ids) == len(set(ids)) == len(rows)
    for holder, claimed in (("a", a), ("b", b)):
        for s in claimed:
            stored = await store.schedules.get(s.workspace_id, s.id)
            assert stored is not None and stored.lease_holder == holder


async def test_release_only_by_the_holder(store: Store) -> None:
    s = await store.schedules.put(sched(next_run_at=T0, attempts=1))
    [claimed] = await store.schedules.claim_due(T0, "h1", T0 + MINUTE)
    assert await store.schedules.release(WS, s.id, "h2", {"next_run_at": T0 + 60 * MINUTE}) is False
    assert await store.schedules.get(WS, s.id) == claimed
    assert await store.schedules.release(OTHER, s.id, "h1", {}) is False
    done = {"next_run_at": T0 + 24 * 60 * MINUTE, "occurrence_at": T0 + 24 * 60 * MINUTE, "attempts": 0}
    assert await store.schedules.release(WS, s.id, "h1", done | {"last_sent_at": T0}) is True
    stored = await store.schedules.get(WS, s.id)
    assert stored is not None
    assert (stored.lease_holder, stored.lease_until, stored.attempts, stored.last_sent_at) == (
        None,
        None,
        0,
        T0,
    )
    assert stored.next_run_at == T0 + 24 * 60 * MINUTE and stored.updated_at > s.updated_at
    assert await store.schedules.release(WS, s.id, "h1", {"attempts": 5}) is False  # no longer held
    assert (await store.schedules.get(WS, s.id)) == stored


async def test_release_many_writes_only_the_rows_still_held(store: Store) -> None:
    mine, taken, elsewhere = await _put_all(
        store,
        sched(next_run_at=T0 - 2 * MINUTE),
        sched(next_run_at=T0 - MINUTE),
        sched(workspace_id=OTHER, next_run_at=T0),
    )
    await store.schedules.claim_due(T0, "h1", T0 + MINUTE)
    # The lease of ``taken`` runs out and another scheduler claims it meanwhile.
    await store.schedules.release(WS, taken.id, "h1", {"next_run_at": T0 - MINUTE})
    await store.schedules.claim_due(T0, "h2", T0 + MINUTE)
    items: list[tuple[str, str, dict[str, Any]]] = [
        (WS, mine.id, {"attempts": 1}),
        (WS, taken.id, {"attempts": 1}),
        (OTHER, elsewhere.id, {"next_run_at": None, "last_sent_at": T0}),
        (WS, "missing", {"attempts": 1}),
    ]
    assert await store.schedules.release_many("h1", items) == {mine.id, elsewhere.id}
    assert await store.schedules.release_many("h1", []) == set()
    first = await store.schedules.get(WS, mine.id)
    second = await store.schedules.get(WS, taken.id)
    third = await store.schedules.get(OTHER, elsewhere.id)
    assert first is not None and (first.attempts, first.lease_holder) == (1, None)
    assert second is not None and (second.attempts, second.lease_holder) == (0, "h2")
    assert third is not None and (third.next_run_at, third.last_sent_at, third.lease_holder) == (
        None,
        T0,
        None,
    )


async def test_schedules_of_another_workspace_are_invisible(store: Store) -> None:
    s = await store.schedules.put(sched(user_id="u1", task_id="t1", next_run_at=T0))
    assert await store.schedules.get(OTHER, s.id) is None
    assert await store.schedules.list(OTHER, active=False) == []
    assert await store.schedules.list(OTHER, user_id="u1", task_id="t1") == []
    # The same fixed id in another workspace is another row.
    twin = await store.schedules.put(s.model_copy(update={"workspace_id": OTHER, "next_run_at": T0 + MINUTE}))
    assert await store.schedules.get(WS, s.id) == s and await store.schedules.get(OTHER, s.id) == twin


async def test_a_users_quiet_hours_and_reminder_lead_are_kept(store: Store) -> None:
    user = await store.users.add(
        User(workspace_id=WS, name="ana", quiet_hours="20:00-08:00", remind_before_minutes=1440)
    )
    assert (await store.users.get(WS, user.id)) == user
    changed = await store.users.update(WS, user.id, {"quiet_hours": "off", "remind_before_minutes": None})
    assert (changed.quiet_hours, changed.remind_before_minutes) == ("off", None)
    assert (await store.users.get(WS, user.id)) == changed
