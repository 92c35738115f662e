"""Deletes and bulk changes from the agent wait for the user's `yes` on the next message."""

from __future__ import annotations

from collections.abc import Callable

from core.conversation.messages import ReplyKind
from core.models import Surface, TaskStatus
from core.services import Services
from core.store import TaskQuery
from tests.agent.conftest import Chat, Script
from tests.conftest import make_actor


async def _tasks(services: Services, n: int) -> None:
    alice = await make_actor(services, name="alice")
    for i in range(1, n + 1):
        await services.tasks.create(alice, f"Task {i}")


async def test_delete_waits_for_yes_then_deletes(chat_with: Callable[..., Chat], services: Services) -> None:
    await _tasks(services, 2)
    script = Script([[("delete_task", {"ref": "T-1, T-2"})], "Delete T-1 and T-2? Say yes to confirm."])
    chat = chat_with({"alpha:a-small": script})
    ask = await chat.send("get rid of the first two tasks")
    assert ask.kind is ReplyKind.confirm
    assert ask.footer is not None and "Reply `yes` to delete T-1, T-2" in ask.footer
    assert sorted(t.ref for t in ask.tasks) == ["T-1", "T-2"]
    assert "Not done yet" in script.last_request_text()
    assert (await services.store.tasks.list("local", TaskQuery())).total == 2  # nothing deleted yet

    done = await chat.send("yes")
    assert done.kind is ReplyKind.success and "delete T-1, T-2" in done.text
    assert (await services.store.tasks.list("local", TaskQuery())).total == 0
    gone = await services.store.tasks.get_by_number("local", 1)
    assert gone is not None
    events = await services.store.audit.list("local", entity_id=gone.id)
    assert events[0].action.value == "delete" and events[0].surface is Surface.agent


async def test_no_or_another_message_keeps_the_tasks(
    chat_with: Callable[..., Chat], services: Services
) -> None:
    await _tasks(services, 1)
    script = Script(
        [[("delete_task", {"ref": "T-1"})], "Sure?", [("delete_task", {"ref": "T-1"})], "Sure?", "Okay."]
    )
    chat = chat_with({"alpha:a-small": script})
    await chat.send("please remove that task")
    assert "nothing was changed" in (await chat.send("no")).text
    await chat.send("please remove that task")
    await chat.send("actually, tell me a joke")  # anything but yes/no drops the question
    assert (await chat.send("yes")).text == "There is nothing waiting for a yes or no."
    assert (await services.store.tasks.list("local", TaskQuery())).total == 1


async def test_bulk_complete_needs_confirmation(chat_with: Callable[..., Chat], services: Services) -> None:
    await _tasks(services, 4)
    script = Script([[("complete_task", {"ref": "T-1, T-2, T-3, T-4"})], "That's 4 tasks — confirm?"])
    chat = chat_with({"alpha:a-small": script})
    ask = await chat.send("mark everything as done")
    assert ask.kind is ReplyKind.confirm and ask.footer and "complete T-1, T-2, T-3, T-4" in ask.footer
    page = await services.store.tasks.list("local", TaskQuery())
    assert {t.status for t in page.items} == {TaskStatus.todo}
    done = await chat.send("yes")
    assert done.kind is ReplyKind.success and len(done.tasks) == 4
    assert {t.status for t in done.tasks} == {TaskStatus.completed}


async def test_many_separate_changes_in_one_message_queue_the_rest(
    chat_with: Callable[..., Chat], services: Services
) -> None:
    await _tasks(services, 4)
    moves = [("update_task", {"ref": f"T-{n}", "due": "fri"}) for n in range(1, 5)]
    script = Script([moves, "Moved three; the fourth needs your yes."])
    chat = chat_with({"alpha:a-small": script})
    ask = await chat.send("push all my tasks to friday")
    assert ask.kind is ReplyKind.confirm and ask.footer and "update T-4 (due: fri)" in ask.footer
    t4 = await services.store.tasks.get_by_number("local", 4)
    t3 = await services.store.tasks.get_by_number("local", 3)
    assert t3 is not None and t3.due_date is not None  # within the limit: done at once
    assert t4 is not None and t4.due_date is None
    await chat.send("yes")
    t4 = await services.store.tasks.get_by_number("local", 4)
    assert t4 is not None and t4.due_date == t3.due_date


async def test_a_bad_reference_is_an_error_not_a_question(
    chat_with: Callable[..., Chat], services: Services
) -> None:
    await _tasks(services, 1)
    script = Script([[("delete_task", {"ref": "T-9"})], "There is no T-9."])
    reply = await chat_with({"alpha:a-small": script}).send("please remove task nine")
    assert reply.kind is ReplyKind.info and reply.footer is None
    assert "T-9 doesn't exist" in script.last_request_text()
