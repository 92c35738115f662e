"""The tools added for plain requests (search, details, history, counts, reopen, restore, due_after, titles
for refs), each driven by a scripted model through the real handler, services and Delta store.

The messages are nonsense on purpose: the offline parser answers clear requests itself before any model, and
these tests are about what the tools do when a model calls them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from core.conversation.messages import ReplyKind
from core.models import AuditAction, Surface, TaskStatus, utcnow
from core.services import Services
from tests.agent.conftest import Chat, Script
from tests.conftest import make_actor

SAY = "zqx vrb"  # nothing the parser reads: the scripted model decides


async def _seed(services: Services) -> None:
    alice = await make_actor(services, name="alice")
    await make_actor(services, name="sam")
    await services.projects.create(alice, "Website relaunch")
    await services.tasks.create(alice, "Send invoices", project="Website relaunch", due=date(2020, 1, 2))
    await services.tasks.create(alice, "Book the band", description="ask about the invoice too")
    await services.tasks.create(alice, "Invoice template", assignee="sam")
    done = await services.tasks.create(alice, "Old invoices")
    await services.tasks.complete(alice, [done.number])


async def test_search_tasks_ranks_open_title_matches_first(
    chat_with: Callable[..., Chat], services: Services
) -> None:
    await _seed(services)
    script = Script(
        [
            [("search_tasks", {"text": "invocies"})],
            "Found them.",
            [("search_tasks", {"text": "invoices", "include_closed": False})],
            "Open ones.",
            [("search_tasks", {"text": "quarterly forecast"})],
            "None.",
        ]
    )
    chat = chat_with({"alpha:a-small": script})
    found = await chat.send(SAY)
    refs = [t.ref for t in found.tasks]
    assert refs[-1] == "T-4"  # the closed one last
    assert set(refs[:2]) == {"T-1", "T-3"} and refs[2] == "T-2"  # titles, then the description match
    said = script.last_request_text()
    assert "4 tasks match “invocies”, best first:" in said
    assert "T-2 Book the band" in said and "(matched in its description)" in said
    assert found.kind is ReplyKind.info  # reading changes nothing
    open_only = await chat.send(SAY)
    assert "T-4" not in [t.ref for t in open_only.tasks]
    await chat.send(SAY)
    assert "No task matches “quarterly forecast”." in script.last_request_text()


async def test_task_details_tells_the_whole_story(chat_with: Callable[..., Chat], services: Services) -> None:
    await _seed(services)
    stored = await services.store.tasks.get_by_number("local", 2)
    assert stored is not None
    await services.store.tasks.update("local", stored.id, {"external_ids": {"notion": "ab-cd"}})
    script = Script([[("task_details", {"ref": "T-2"})], "Here it is."])
    reply = await chat_with({"alpha:a-small": script}).send(SAY)
    said = script.last_request_text()
    assert said.startswith("T-2 Book the band · todo")
    assert "Description: ask about the invoice too" in said
    assert "Created by alice on " in said
    assert "Notion: https://www.notion.so/abcd" in said
    assert "Last changes: alice created T-2 'Book the band' · just now" in said
    assert [t.ref for t in reply.tasks] == ["T-2"]


async def test_activity_by_person_project_task_and_period(
    chat_with: Callable[..., Chat], services: Services
) -> None:
    await _seed(services)
    sam = await make_actor(services, name="sam")
    await services.tasks.complete(sam, [3])
    script = Script(
        [
            [("activity", {"person": "sam"})],
            "Sam finished one.",
            [("activity", {"project": "Website relaunch", "since": "today"})],
            "One.",
            [("activity", {"task": "T-3"})],
            "Two.",
            [("activity", {"since": "whenever it was"})],
            [("activity", {"since": "yesterday"})],
            "Nothing.",
        ]
    )
    chat = chat_with({"alpha:a-small": script})
    await chat.send(SAY)
    said = script.last_request_text()
    assert "1 change for @sam in the last 7 days, newest first:" in said
    assert "sam completed T-3 'Invoice template' · just now" in said
    await chat.send(SAY)
    said = script.last_request_text()
    assert "for #Website relaunch today" in said
    assert "alice created T-1 'Send invoices'" in said and "alice created project Website relaunch" in said
    await chat.send(SAY)
    assert script.last_request_text().count("T-3 'Invoice template'") == 3  # the heading and two events
    reply = await chat.send(SAY)
    retried = " ".join(str(getattr(p, "content", "")) for p in script.seen[-2][-1].parts)
    assert "I can't tell which time `whenever it was` means." in retried
    assert "No changes yesterday." in script.last_request_text()
    assert reply.kind is ReplyKind.info


async def test_count_tasks(chat_with: Callable[..., Chat], services: Services) -> None:
    await _seed(services)
    script = Script(
        [
            [("count_tasks", {})],
            "Three.",
            [("count_tasks", {"assignee": "sam"}), ("count_tasks", {"overdue": True})],
            "Counted.",
            [("count_tasks", {"status": "done", "project": "Website relaunch"})],
            "None done.",
        ]
    )
    chat = chat_with({"alpha:a-small": script})
    reply = await chat.send(SAY)
    assert "3 open tasks, 1 of them overdue." in script.last_request_text()
    assert reply.tasks == []  # a count shows no cards
    await chat.send(SAY)
    said = script.last_request_text()
    assert "1 open task for sam." in said and "1 overdue task." in said
    await chat.send(SAY)
    assert "0 done tasks in Website relaunch." in script.last_request_text()


async def test_list_tasks_due_after(chat_with: Callable[..., Chat], services: Services) -> None:
    alice = await make_actor(services, name="alice")
    today = utcnow().date()
    await services.tasks.create(alice, "Soon", due=today + timedelta(days=1))
    await services.tasks.create(alice, "Later", due=today + timedelta(days=20))
    when = (today + timedelta(days=10)).isoformat()
    script = Script([[("list_tasks", {"due_after": when})], "One later."])
    reply = await chat_with({"alpha:a-small": script}).send(SAY)
    assert [t.title for t in reply.tasks] == ["Later"]


async def test_reopen_and_restore(chat_with: Callable[..., Chat], services: Services) -> None:
    await _seed(services)
    alice = await make_actor(services, name="alice")
    await services.tasks.delete(alice, [2])
    script = Script(
        [
            [("reopen_task", {"ref": "T-4"})],
            "Reopened.",
            [("restore_task", {"ref": "T-2"})],
            "Back.",
        ]
    )
    chat = chat_with({"alpha:a-small": script})
    reopened = await chat.send(SAY)
    assert reopened.kind is ReplyKind.success and reopened.tasks[0].status is TaskStatus.todo
    assert "Reopened T-4." in script.last_request_text()
    restored = await chat.send(SAY)
    assert restored.tasks[0].ref == "T-2" and not restored.tasks[0].deleted
    for number, action in ((4, AuditAction.reopen), (2, AuditAction.restore)):
        task = await services.store.tasks.get_by_number("local", number)
        assert task is not None
        [latest, *_] = await services.store.audit.list("local", entity_id=task.id)
        assert (latest.action, latest.surface) == (action, Surface.agent)


async def test_reopening_many_waits_for_yes(chat_with: Callable[..., Chat], services: Services) -> None:
    alice = await make_actor(services, name="alice")
    for i in range(4):
        await services.tasks.create(alice, f"Done {i}")
    await services.tasks.complete(alice, [1, 2, 3, 4])
    script = Script([[("reopen_task", {"ref": "T-1, T-2, T-3, T-4"})], "Confirm?"])
    chat = chat_with({"alpha:a-small": script})
    ask = await chat.send(SAY)
    assert ask.kind is ReplyKind.confirm and "reopen T-1, T-2, T-3, T-4" in (ask.footer or "")
    page = await services.tasks.list(alice, limit=10)
    assert page.total == 0  # nothing reopened yet
    done = await chat.send("yes")
    assert done.kind is ReplyKind.success
    assert (await services.tasks.list(alice, limit=10)).total == 4


async def test_a_task_named_by_its_title(chat_with: Callable[..., Chat], services: Services) -> None:
    await _seed(services)
    script = Script(
        [
            [("complete_task", {"ref": "book the band"})],
            "Done.",
            [("assign_task", {"ref": "the invoice template", "assignee": "me"})],
            "Yours.",
        ]
    )
    chat = chat_with({"alpha:a-small": script})
    done = await chat.send(SAY)
    assert done.tasks[0].ref == "T-2" and done.tasks[0].status is TaskStatus.completed
    mine = await chat.send(SAY)
    assert mine.tasks[0].ref == "T-3" and mine.tasks[0].assignee == "alice"


async def test_refs_mixed_with_words_are_refused_clearly(
    chat_with: Callable[..., Chat], services: Services
) -> None:
    await _seed(services)
    script = Script([[("complete_task", {"ref": "T-1 and the other one"})], "Which one?"])
    await chat_with({"alpha:a-small": script}).send(SAY)
    retried = " ".join(str(getattr(p, "content", "")) for p in script.seen[-1][-1].parts)
    assert "`the` is not a task reference." in retried
