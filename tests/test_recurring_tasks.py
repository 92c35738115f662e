"""Recurring tasks end to end: services, quick-add, the unit of work with its undo, and the offline parser.

Everything runs on a real Delta store at a fixed moment: Thursday Dec 3 2026, 10:00 UTC.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime, time

import pytest

from bot.render_text import plain
from core.agent.responder import AgentResponder
from core.agent.router import Router
from core.clock import FixedClock
from core.conversation.handler import ConversationHandler
from core.conversation.messages import IncomingMessage, Reply, ReplyKind
from core.errors import ValidationError
from core.models import AuditAction, Platform, Priority, Surface, Task, TaskStatus
from core.quickadd import AddTask, EditTask, QuickAddError, parse
from core.services import Actor, Services
from core.store import Store, TaskQuery, TaskSort
from tests.conftest import make_actor

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)  # a Thursday
WS = "local"

Say = Callable[[str], Awaitable[Reply]]


@pytest.fixture
async def me(services: Services) -> Actor:
    return (await make_actor(services)).at_moment(NOW)


async def by_number(store: Store, number: int) -> Task:
    found = await store.tasks.get_by_number(WS, number)
    assert found is not None
    return found


async def all_tasks(store: Store) -> list[Task]:
    query = TaskQuery(include_deleted=True, sort=TaskSort.number, limit=200)
    return list((await store.tasks.list(WS, query)).items)


# ------------------------------------------------------------------------------------------------ services


async def test_a_new_repeating_task_is_due_at_its_first_occurrence(services: Services, me: Actor) -> None:
    task = await services.tasks.create(me, "Send weekly report", repeat="Every Monday 9am")
    assert (task.repeat, task.due_date, task.due_time) == ("every monday 9am", date(2026, 12, 7), time(9))
    given = await services.tasks.create(me, "Pay rent", repeat="monthly", due="2026-12-01")
    assert (given.repeat, given.due_date) == ("every month", date(2026, 12, 1))
    plain_task = await services.tasks.create(me, "One-off", repeat="none")
    assert (plain_task.repeat, plain_task.due_date) == (None, None)


async def test_completing_creates_the_next_with_the_same_fields_and_undo_reverts_both(
    services: Services, me: Actor
) -> None:
    await services.projects.create(me, "Ops")
    await make_actor(services, name="sam")
    first = await services.tasks.create(
        me,
        "Back up the laptop",
        description="Both disks",
        project="Ops",
        due="2026-11-30",
        priority="high",
        assignee="sam",
        tags=["it"],
        estimate_minutes=20,
        repeat="every monday",
    )
    finished = await services.tasks.complete_all(me, [first.number])
    [done] = finished.tasks
    [following] = finished.following
    assert done.status is TaskStatus.completed
    assert following.number == first.number + 1 and following.status is TaskStatus.todo
    assert following.due_date == date(2026, 12, 7)  # the Monday after the one it was due
    same = (
        "title",
        "description",
        "project_id",
        "priority",
        "assignee_id",
        "tags",
        "estimate_minutes",
        "repeat",
    )
    assert {k: getattr(following, k) for k in same} == {k: getattr(first, k) for k in same}
    stored = await by_number(services.store, following.number)
    assert stored.repeat == "every monday" and stored.priority is Priority.high

    # one command, one batch: the completion and the creation are undone together
    newest = await services.store.audit.list(WS, actor_id=me.user_id, limit=2)
    batches = {e.action: e.batch_id for e in newest}
    assert set(batches) == {AuditAction.complete, AuditAction.create}
    assert len(set(batches.values())) == 1 and None not in batches.values()
    await services.undo.undo(me)
    assert (await by_number(services.store, first.number)).status is TaskStatus.todo
    assert (await by_number(services.store, following.number)).deleted_at is not None


async def test_a_task_without_a_due_date_repeats_from_today(services: Services, me: Actor) -> None:
    task = await services.tasks.create(me, "Water the plants", repeat="every day")
    await services.tasks.update(me, task.number, due=None)
    following = (await services.tasks.complete_all(me, [task.number])).following
    assert [t.due_date for t in following] == [date(2026, 12, 4)]  # after today, Thu Dec 3


async def test_completing_twice_or_a_one_off_creates_nothing_more(services: Services, me: Actor) -> None:
    repeating = await services.tasks.create(me, "Standup notes", repeat="every weekday")
    once = await services.tasks.create(me, "Ship it")
    first = await services.tasks.complete_all(me, [repeating.number, once.number])
    assert len(first.following) == 1
    again = await services.tasks.complete_all(me, [repeating.number])
    assert again.following == []
    assert len(await all_tasks(services.store)) == 3


async def test_a_status_change_to_completed_also_creates_the_next(services: Services, me: Actor) -> None:
    task = await services.tasks.create(me, "Invoice clients", repeat="every month on the 1st")
    assert task.due_date == date(2027, 1, 1)
    await services.tasks.update(me, task.number, status="completed")
    following = await by_number(services.store, task.number + 1)
    assert (following.title, following.due_date, following.repeat) == (
        "Invoice clients",
        date(2027, 2, 1),
        "every month on the 1st",
    )


async def test_update_sets_and_clears_a_rule(services: Services, me: Actor) -> None:
    task = await services.tasks.create(me, "Review metrics")
    set_rule = await services.tasks.update(me, task.number, repeat="every 2 weeks on fri")
    # it had no due date: it is now due at the first occurrence
    assert (set_rule.repeat, set_rule.due_date) == ("every 2 weeks on friday", date(2026, 12, 4))
    cleared = await services.tasks.update(me, task.number, repeat="none")
    assert cleared.repeat is None and cleared.due_date == date(2026, 12, 4)
    with pytest.raises(ValidationError, match="blursday"):
        await services.tasks.update(me, task.number, repeat="every blursday")
    assert (await by_number(services.store, task.number)).repeat is None


# ------------------------------------------------------------------------------------------------ quick-add


def test_quick_add_reads_a_rule_and_leaves_other_words_in_the_title() -> None:
    added = parse("add Send weekly report every monday 9am #ops", now=NOW)
    assert added == AddTask(title="Send weekly report", project="ops", repeat="every monday 9am")
    assert parse("add Pay rent every month on the 1st p2", now=NOW) == AddTask(
        title="Pay rent", priority=Priority.high, repeat="every month on the 1st"
    )
    assert parse("add Review every PR", now=NOW) == AddTask(title="Review every PR")
    assert parse('add "Check every day the logs"', now=NOW) == AddTask(title="Check every day the logs")
    assert parse("add Check every day the logs", now=NOW) == AddTask(
        title="Check the logs", repeat="every day"
    )
    with pytest.raises(QuickAddError, match="how often") as bad:
        parse("add Stretch every 9am", now=NOW)
    assert bad.value.hint is not None and "quotes" in bad.value.hint


def test_quick_add_edit_sets_or_clears_a_rule() -> None:
    assert parse("edit T-3 every fri", now=NOW) == EditTask(number=3, repeat="every friday")
    assert parse("edit T-3 every none", now=NOW) == EditTask(number=3, clear_repeat=True)
    assert parse("edit 3 every day at 8:30 p1", now=NOW) == EditTask(
        number=3, repeat="every day 8:30am", priority=Priority.critical
    )
    with pytest.raises(QuickAddError, match="blursday"):
        parse("edit T-3 every blursday", now=NOW)
    with pytest.raises(QuickAddError, match="two repeat rules"):
        parse("edit T-3 every fri due mon every sat", now=NOW)


# --------------------------------------------------------------------------------- through the unit of work


@pytest.fixture
async def say(store: Store, services: Services) -> AsyncIterator[Say]:
    router = Router.from_variables({})  # no provider key: the offline assistant answers
    handler = ConversationHandler(services, AgentResponder(services, router), clock=FixedClock(NOW))

    async def send(text: str) -> Reply:
        return await handler.handle(
            IncomingMessage(
                platform=Platform.console,
                workspace_id=WS,
                user_id="alice",
                user_name="alice",
                text=text,
                timezone="UTC",
            )
        )

    yield send


async def test_add_done_and_undo_in_the_chat(say: Say, store: Store) -> None:
    added = await say("add Send weekly report due 2026-11-30 every monday 9am")
    assert added.kind is ReplyKind.success, added.text
    assert "↻ every monday 9am" in plain(added)
    report = await by_number(store, 1)
    assert (report.due_date, report.due_time, report.repeat) == (
        date(2026, 11, 30),
        time(9),
        "every monday 9am",
    )

    done = await say("done T-1")
    assert done.kind is ReplyKind.success
    assert "Next: T-2 due Mon Dec 7 09:00." in done.text
    following = await by_number(store, 2)
    assert (following.due_date, following.due_time, following.repeat) == (
        date(2026, 12, 7),
        time(9),
        "every monday 9am",
    )

    shown = await say("show T-2")
    assert "↻ every monday 9am" in plain(shown)

    undone = await say("undo")
    assert undone.kind is ReplyKind.success
    assert (await by_number(store, 1)).status is TaskStatus.todo
    assert (await by_number(store, 2)).deleted_at is not None


async def test_edit_in_the_chat_sets_and_clears_the_rule(say: Say, store: Store) -> None:
    await say("add Water the plants")
    set_rule = await say("edit T-1 every fri")
    assert set_rule.kind is ReplyKind.success and "↻ every friday" in plain(set_rule)
    assert (await by_number(store, 1)).due_date == date(2026, 12, 4)
    assert "repeats every friday" in plain(await say("history T-1"))
    cleared = await say("edit T-1 every none")
    assert cleared.kind is ReplyKind.success and (await by_number(store, 1)).repeat is None
    assert "stopped T-1" in plain(await say("history T-1"))
    refused = await say("edit T-1 every blursday")
    assert refused.kind is ReplyKind.error and "blursday" in refused.text


async def test_the_offline_parser_phrasing_reaches_the_tools(say: Say, store: Store) -> None:
    made = await say("remind me to back up the laptop every friday")
    assert made.kind is ReplyKind.success, made.text
    laptop = await by_number(store, 1)
    assert (laptop.title, laptop.repeat, laptop.due_date) == (
        "back up the laptop",
        "every friday",
        date(2026, 12, 4),
    )
    assert laptop.assignee_id is not None

    monthly = await say("make T-1 repeat every month")
    assert monthly.kind is ReplyKind.success, monthly.text
    assert (await by_number(store, 1)).repeat == "every month"
    stopped = await say("stop repeating T-1")
    assert stopped.kind is ReplyKind.success, stopped.text
    assert (await by_number(store, 1)).repeat is None


async def test_the_agent_surface_is_audited_as_the_agent(say: Say, store: Store, services: Services) -> None:
    await make_actor(services, name="bob")
    await say("bob needs to check the server logs every day")
    logs = await by_number(store, 1)
    assert logs.repeat == "every day"
    events = await store.audit.list(WS, entity_id=logs.id)
    assert [(e.action, e.surface) for e in events] == [(AuditAction.create, Surface.agent)]
