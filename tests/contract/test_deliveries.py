"""Delivery receipts: each (schedule, occurrence) is begun once, even by racing schedulers, on every
backend."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from core.errors import NotFoundError
from core.models import Delivery, DeliveryStatus, delivery_key
from core.store import Store
from storage.factory import open_store
from tests.contract.samples import OTHER, WS

T0 = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def receipt(schedule_id: str, occurrence: datetime, workspace_id: str = WS, **fields: Any) -> Delivery:
    return Delivery(
        id=delivery_key(schedule_id, occurrence),
        workspace_id=workspace_id,
        schedule_id=schedule_id,
        occurrence_at=occurrence,
        **fields,
    )


async def test_begin_inserts_once_then_returns_the_receipt_there(store: Store) -> None:
    first = receipt("s1", T0, user_id="u1", holder="h1")
    assert await store.deliveries.begin(first) is None
    assert await store.deliveries.get(WS, first.id) == first
    again = receipt("s1", T0, user_id="u1", holder="h2", attempts=3)
    assert await store.deliveries.begin(again) == first
    assert await store.deliveries.get(WS, first.id) == first  # the second begin wrote nothing


async def test_begin_racing_inserts_exactly_once(store: Store, store_url: str) -> None:
    second = open_store(store_url)
    await second.open()
    try:
        mine = [receipt(f"s{i}", T0, holder="a") for i in range(6)]
        theirs = [d.model_copy(update={"holder": "b"}) for d in mine]
        outcomes = await asyncio.gather(
            *(store.deliveries.begin(d) for d in mine), *(second.deliveries.begin(d) for d in theirs)
        )
    finally:
        await second.close()
    for i, d in enumerate(mine):
        a, b = outcomes[i], outcomes[i + len(mine)]
        assert (a is None) != (b is None)  # exactly one inserted
        stored = await store.deliveries.get(WS, d.id)
        assert stored is not None and stored == (a or b)
        assert stored.holder == ("a" if a is None else "b")


async def test_begin_many_inserts_the_new_keys_and_returns_the_taken_ones(store: Store) -> None:
    taken = receipt("s1", T0, holder="before")
    await store.deliveries.begin(taken)
    fresh = receipt("s2", T0)
    elsewhere = receipt("s1", T0, workspace_id=OTHER)  # the same key in another workspace is another row
    batch = [receipt("s1", T0, holder="now"), fresh, elsewhere, fresh.model_copy(update={"holder": "dup"})]
    assert await store.deliveries.begin_many(batch) == [taken, fresh]
    assert await store.deliveries.get(WS, fresh.id) == fresh
    assert await store.deliveries.get(OTHER, elsewhere.id) == elsewhere
    assert await store.deliveries.get(WS, taken.id) == taken
    assert await store.deliveries.begin_many([]) == []


async def test_update_and_update_many(store: Store) -> None:
    a, b = receipt("s1", T0), receipt("s2", T0, workspace_id=OTHER)
    await store.deliveries.begin_many([a, b])
    sent = await store.deliveries.update(WS, a.id, {"status": "sent", "message_ref": "slack:C1:1.2"})
    assert (sent.status, sent.message_ref, sent.attempts) == (DeliveryStatus.sent, "slack:C1:1.2", 1)
    assert sent.updated_at > a.updated_at and await store.deliveries.get(WS, a.id) == sent
    with pytest.raises(NotFoundError):
        await store.deliveries.update(OTHER, a.id, {"status": "sent"})

    await store.deliveries.update_many(
        [
            (WS, a.id, {"attempts": 2}),
            (OTHER, b.id, {"status": DeliveryStatus.failed, "error": "channel_not_found"}),
            (WS, "missing", {"attempts": 9}),
        ]
    )
    first, second = await store.deliveries.get(WS, a.id), await store.deliveries.get(OTHER, b.id)
    assert first is not None and (first.attempts, first.status) == (2, DeliveryStatus.sent)
    assert second is not None and (second.status, second.error) == (
        DeliveryStatus.failed,
        "channel_not_found",
    )
    assert await store.deliveries.get(WS, "missing") is None
    await store.deliveries.update_many([])


async def test_list_filters_newest_first_within_the_workspace(store: Store) -> None:
    rows = [
        receipt("s1", T0, user_id="u1", created_at=T0),
        receipt("s1", T0 + MINUTE, user_id="u1", created_at=T0 + MINUTE),
        receipt("s2", T0, user_id="u2", created_at=T0 + 2 * MINUTE),
        receipt("s1", T0, workspace_id=OTHER, user_id="u1", created_at=T0 + 3 * MINUTE),
    ]
    await store.deliveries.begin_many(rows)
    a, b, c, elsewhere = rows
    deliveries = store.deliveries
    assert await deliveries.list(WS) == [c, b, a]
    assert await deliveries.list(WS, schedule_id="s1") == [b, a]
    assert await deliveries.list(WS, user_id="u2") == [c]
    assert await deliveries.list(WS, since=T0 + MINUTE) == [c, b]  # inclusive
    assert await deliveries.list(WS, limit=1) == [c]
    assert await deliveries.list(OTHER) == [elsewhere]
    assert await deliveries.get(OTHER, c.id) is None
    assert await deliveries.list(OTHER, schedule_id="s2") == []
