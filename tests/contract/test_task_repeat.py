"""A task's repeat rule (``Task.repeat``) is kept by every backend: created, read, listed, changed."""

from __future__ import annotations

from datetime import date, time

from core.store import Store, TaskQuery
from tests.contract.samples import WS, task


async def test_repeat_round_trips(store: Store) -> None:
    rule = "every 2 weeks on friday 9am"
    created = await store.tasks.create(task("Send report", repeat=rule, due_date=date(2030, 5, 17)))
    plain = await store.tasks.create(task("One-off"))
    assert created.repeat == rule and plain.repeat is None
    assert (await store.tasks.get(WS, created.id)) == created
    assert (await store.tasks.get_by_number(WS, plain.number)) == plain
    listed = {t.id: t.repeat for t in (await store.tasks.list(WS, TaskQuery())).items}
    assert listed == {created.id: rule, plain.id: None}

    changed = await store.tasks.update(WS, created.id, {"repeat": "every monday", "due_time": time(8)})
    assert changed.repeat == "every monday"
    assert (await store.tasks.get(WS, created.id)) == changed
    cleared = await store.tasks.update(WS, created.id, {"repeat": None})
    assert cleared.repeat is None and (await store.tasks.get(WS, created.id)) == cleared


async def test_repeat_in_a_batch_of_new_tasks(store: Store) -> None:
    made = await store.tasks.create_many(
        [task("Standup notes", repeat="every weekday"), task("Pay rent", repeat="every month on the 1st")]
    )
    assert [t.repeat for t in made] == ["every weekday", "every month on the 1st"]
    assert [(await store.tasks.get(WS, t.id)) for t in made] == made
