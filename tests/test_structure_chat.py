"""The structure commands in chat: parsing (`under T-3`, `~2h`, `took 3h`, `T-5 blocks T-3`, `unblock`,
`list blocked|ready`) and what the handler answers, including "complete them too?"."""

from __future__ import annotations

import pytest

from core.conversation.handler import ConversationHandler
from core.conversation.messages import IncomingMessage, ReplyKind
from core.models import Platform, TaskStatus
from core.quickadd import parse
from core.quickadd_commands import (
    AddTask,
    BlockTask,
    CompleteTask,
    EditTask,
    ListTasks,
    QuickAddError,
    UnblockTask,
)
from core.services import Services

WS = "slack:T1"


def msg(text: str, *, user: str = "U1", name: str = "alice") -> IncomingMessage:
    return IncomingMessage(
        platform=Platform.slack, workspace_id=WS, user_id=user, user_name=name, text=text, channel_id="C1"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("add Confirm the menu under T-3", AddTask("Confirm the menu", parent=3)),
        ("add Plan for under 5 guests", AddTask("Plan for under 5 guests")),
        ("add Write spec ~2h", AddTask("Write spec", estimate_minutes=120)),
        ("add Draft ~1.5h under t4", AddTask("Draft", parent=4, estimate_minutes=90)),
        ("T-5 blocks T-3", BlockTask(blocker=5, blocked=3)),
        ("T-3 after T-5", BlockTask(blocker=5, blocked=3)),
        ("T-3 is blocked by T-5", BlockTask(blocker=5, blocked=3)),
        ("/task T-3 depends on 5", BlockTask(blocker=5, blocked=3)),
        ("unblock T-3", UnblockTask(3)),
        ("unblock T-3 from T-5", UnblockTask(3, 5)),
        ("list blocked", ListTasks(state="blocked")),
        ("list ready #Launch", ListTasks(project="Launch", state="ready")),
        ("edit T-3 ~30m", EditTask(3, estimate_minutes=30)),
        ("edit T-3 ~none", EditTask(3, clear_estimate=True)),
        ("done T-3 took 3h", CompleteTask((3,), took_minutes=180)),
        ("done T-3 took 1h30m", CompleteTask((3,), took_minutes=90)),
    ],
)
def test_the_grammar(text: str, expected: object) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize("text", ["add Thing ~soon", "done T-3 took ages", "unblock", "unblock T-3 T-4 T-5"])
def test_malformed_structure_is_a_usage_error(text: str) -> None:
    with pytest.raises(QuickAddError):
        parse(text)


def test_plain_sentences_about_tasks_are_not_links() -> None:
    assert parse("T-3 is late") is None


async def test_subtasks_blockers_and_ready_in_chat(services: Services) -> None:
    chat = ConversationHandler(services)
    await chat.handle(msg("list", user="U2", name="bob"))
    await chat.handle(msg("project add Launch"))
    await chat.handle(msg("add Plan the launch #Launch"))  # T-1
    sub = await chat.handle(msg("add Confirm the menu under T-1 ~2h"))  # T-2
    assert sub.kind is ReplyKind.success and "T-2 under T-1" in sub.text
    assert sub.tasks[0].project == "Launch"
    await chat.handle(msg("add Book the band @bob"))  # T-3
    linked = await chat.handle(msg("T-2 blocks T-3"))
    assert linked.kind is ReplyKind.success and linked.tasks[0].blocked_by == ("T-2",)

    shown = await chat.handle(msg("show T-1"))
    assert shown.detail is not None and shown.detail.subtasks == ("T-2 'Confirm the menu' (todo)",)
    assert shown.detail.rollup == "0 of 1 subtasks done · 2h estimated open"
    child = await chat.handle(msg("show T-3"))
    assert child.detail is not None and child.detail.blocked_by == ("T-2 'Confirm the menu'",)

    blocked = await chat.handle(msg("list blocked"))
    assert [t.ref for t in blocked.tasks] == ["T-3"]
    ready = await chat.handle(msg("list ready"))
    assert [t.ref for t in ready.tasks] == ["T-1", "T-2"]

    done = await chat.handle(msg("done T-2 took 3h"))
    assert done.kind is ReplyKind.success and "T-3 is ready now (@bob)." in done.text
    stored = await services.store.tasks.get_by_number(WS, 2)
    assert stored is not None and stored.actual_minutes == 180 and stored.status is TaskStatus.completed

    project = await chat.handle(msg("project show Launch"))
    assert project.footer is not None and "2h of 2h estimated done" in project.footer

    gone = await chat.handle(msg("unblock T-3"))
    assert gone.kind is ReplyKind.success and gone.tasks[0].blocked_by == ()


async def test_completing_a_parent_asks_about_its_open_subtasks(services: Services) -> None:
    chat = ConversationHandler(services)
    await chat.handle(msg("add Plan"))
    await chat.handle(msg("add Venue under T-1"))
    await chat.handle(msg("add Menu under T-1"))
    ask = await chat.handle(msg("done T-1"))
    assert ask.kind is ReplyKind.confirm and ask.confirm_action == "complete_all"
    assert ask.text.startswith("T-1 has 2 open subtasks: complete them too?")
    kept = await chat.handle(msg("no"))
    assert "nothing was changed" in kept.text
    parent = await services.store.tasks.get_by_number(WS, 1)
    assert parent is not None and parent.status is TaskStatus.todo

    await chat.handle(msg("done T-1"))
    done = await chat.handle(msg("yes"))
    assert done.kind is ReplyKind.success and "Completed T-1 and 2 subtasks" in done.text
    for n in (1, 2, 3):
        task = await services.store.tasks.get_by_number(WS, n)
        assert task is not None and task.status is TaskStatus.completed
    await chat.handle(msg("undo"))
    for n in (1, 2, 3):
        task = await services.store.tasks.get_by_number(WS, n)
        assert task is not None and task.status is TaskStatus.todo


async def test_an_estimate_is_set_and_cleared_in_chat(services: Services) -> None:
    chat = ConversationHandler(services)
    await chat.handle(msg("add Write spec ~2h"))
    task = await services.store.tasks.get_by_number(WS, 1)
    assert task is not None and task.estimate_minutes == 120
    await chat.handle(msg("edit T-1 ~30m"))
    task = await services.store.tasks.get_by_number(WS, 1)
    assert task is not None and task.estimate_minutes == 30
    await chat.handle(msg("edit T-1 ~none"))
    task = await services.store.tasks.get_by_number(WS, 1)
    assert task is not None and task.estimate_minutes is None
