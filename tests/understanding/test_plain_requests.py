"""The issue's own examples, typed into the chat with no LLM key: what each one does to the store.

Each runs through the unit of work (ConversationHandler → quick-add → parser → offline model → tools) on the
seeded fixture workspace, at a fixed moment, so the effects can be checked row by row.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date
from pathlib import Path

import pytest

from core.agent.responder import AgentResponder
from core.agent.router import Router
from core.clock import FixedClock
from core.conversation.handler import ConversationHandler
from core.conversation.messages import IncomingMessage, Reply, ReplyKind
from core.dates import parse_due
from core.models import Platform, Priority, ScheduleKind, Task
from core.store import Store, TaskQuery
from storage.factory import open_store
from tests.understanding.workspace import NOW, WORKSPACE, seed

Say = Callable[[str], Awaitable[Reply]]


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[tuple[Store, Say]]:
    store = open_store(f"sqlite+aiosqlite:///{tmp_path / 'plain.db'}")
    await store.open()
    try:
        seeded = await seed(store)
        router = Router.from_variables({})  # no provider key: the offline assistant answers
        handler = ConversationHandler(
            seeded.services, AgentResponder(seeded.services, router), clock=FixedClock(NOW)
        )

        async def say(text: str) -> Reply:
            return await handler.handle(
                IncomingMessage(
                    platform=Platform.console,
                    workspace_id=WORKSPACE,
                    user_id="alice",
                    user_name="alice",
                    text=text,
                    timezone="UTC",
                )
            )

        yield store, say
    finally:
        await store.close()


async def task(store: Store, number: int) -> Task:
    found = await store.tasks.get_by_number(WORKSPACE, number)
    assert found is not None
    return found


async def newest(store: Store) -> Task:
    page = await store.tasks.list(WORKSPACE, TaskQuery(sort="number", descending=True, limit=1))  # type: ignore[arg-type]
    return page.items[0]


def day(phrase: str) -> date:
    return parse_due(phrase, "UTC", NOW).date


async def test_a_new_task_with_its_options_in_words(world: tuple[Store, Say]) -> None:
    store, say = world
    reply = await say("make a task to book the band next friday in Wedding, high priority")
    made = await newest(store)
    assert (made.title, made.due_date, made.priority) == ("book the band", day("next friday"), Priority.high)
    project = await store.projects.get(WORKSPACE, made.project_id or "")
    assert project is not None and project.name == "Wedding" and reply.kind is ReplyKind.success


async def test_someone_has_to_do_something_by_a_date(world: tuple[Store, Say]) -> None:
    store, say = world
    await say("sam has to renew the insurance by march 3")
    made = await newest(store)
    assert (made.title, made.due_date, made.assignee_id) == ("renew the insurance", day("march 3"), "u-sam")


async def test_quick_add_words_name_a_project_and_a_priority(world: tuple[Store, Say]) -> None:
    store, say = world
    await say("add book a hotel for the guests in wedding by dec 1, high priority")
    made = await newest(store)
    project = await store.projects.get(WORKSPACE, made.project_id or "")
    assert (made.title, made.due_date, made.priority) == (
        "book a hotel for the guests",
        day("dec 1"),
        Priority.high,
    )
    assert project is not None and project.name == "Wedding"
    await say("add Fix signup bug #website")  # a prefix of "Website relaunch"
    fixed = await newest(store)
    relaunch = await store.projects.get(WORKSPACE, fixed.project_id or "")
    assert relaunch is not None and relaunch.name == "Website relaunch"


async def test_tasks_named_by_their_titles(world: tuple[Store, Say]) -> None:
    store, say = world
    await say("put 'print flyers' in Marketing")
    flyers = await task(store, 9)
    marketing = await store.projects.get(WORKSPACE, flyers.project_id or "")
    assert marketing is not None and marketing.name == "Marketing"
    await say("hand the budget task to sam")
    assert (await task(store, 7)).assignee_id == "u-sam"
    await say("I sent the invoices to clients")
    assert not (await task(store, 6)).is_open


async def test_two_close_titles_get_a_question_and_nothing_changes(world: tuple[Store, Say]) -> None:
    store, say = world
    reply = await say("I'm done with the slides")
    assert "T-3" in reply.text and "T-4" in reply.text and reply.text.rstrip().endswith("number.")
    assert (await task(store, 3)).is_open and (await task(store, 4)).is_open


async def test_overdue_search_reminders_and_subtasks(world: tuple[Store, Say]) -> None:
    store, say = world
    overdue = await say("show me all the overdue stuff")
    assert overdue.tasks and all(t.is_overdue for t in overdue.tasks)
    found = await say("where's the task about invoices")
    assert found.tasks and found.tasks[0].ref == "T-6"
    before = (await store.tasks.list(WORKSPACE, TaskQuery(limit=100))).total
    later = await say("ping me about T-3 on friday morning")
    assert later.text.startswith("I'll remind you about T-3") and "at 9:00" in later.text
    [reminder] = [r for r in await store.schedules.list(WORKSPACE) if r.kind is ScheduleKind.reminder]
    assert reminder.next_run_at is not None and reminder.next_run_at.weekday() == 4  # friday
    sub = await say("add a subtask to T-3: confirm the menu")
    assert sub.kind is ReplyKind.success and "under T-3" in sub.text
    child = await newest(store)
    assert child.title == "confirm the menu" and child.parent_id == (await task(store, 3)).id
    assert (await store.tasks.list(WORKSPACE, TaskQuery(limit=100))).total == before + 1


async def test_what_it_cannot_read_gets_the_help_not_a_task(world: tuple[Store, Say]) -> None:
    store, say = world
    before = (await store.tasks.list(WORKSPACE, TaskQuery(limit=100))).total
    puzzled = await say("what is the meaning of life?")
    assert "offline assistant" in puzzled.text
    assert (await store.tasks.list(WORKSPACE, TaskQuery(limit=100))).total == before


async def test_did_you_mean_takes_a_yes(world: tuple[Store, Say]) -> None:
    store, say = world
    asked = await say("finished the flyers for the fair")  # only "flyers" matches: T-9 "Print flyers"
    if "Did you mean" not in asked.text:
        pytest.fail(f"expected a did-you-mean question, got {asked.text!r}")
    assert asked.kind is ReplyKind.confirm and asked.footer and "Reply `yes`" in asked.footer
    assert (await task(store, 9)).is_open
    done = await say("yes")
    assert done.kind is ReplyKind.success and not (await task(store, 9)).is_open


async def test_a_repeat_said_first_makes_a_recurring_task(world: tuple[Store, Say]) -> None:
    store, say = world
    await say("every monday remind me to send the report")
    made = await newest(store)
    assert (made.title, made.assignee_id, made.repeat) == ("send the report", "u-alice", "every monday")
    assert made.due_date == day("monday")  # the first occurrence
    done = await say(f"done {made.ref}")
    assert "Next:" in done.text
    following = await newest(store)
    assert following.number == made.number + 1 and following.repeat == "every monday"
    assert following.due_date is not None and made.due_date is not None
    assert (following.due_date - made.due_date).days == 7
