"""Every agent tool, driven by a scripted model through the real handler, services and Delta store."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

from core.agent.tools import TOOL_NAMES
from core.conversation.messages import ReplyKind
from core.dates import parse_due
from core.models import Surface, TaskStatus
from core.services import Services
from core.store import TaskQuery
from tests.agent.conftest import Chat, Script
from tests.conftest import make_actor


def due(phrase: str) -> date:
    return parse_due(phrase, "UTC").date


async def test_create_task_resolves_date_person_project_and_is_audited(
    chat_with: Callable[..., Chat], services: Services
) -> None:
    await make_actor(services, name="alice")
    await make_actor(services, name="sam")
    alice = await make_actor(services, name="alice")
    await services.projects.create(alice, "Launch")
    args = {
        "title": "Send the deck",
        "due": "fri",
        "project": "Launch",
        "assignee": "@sam",
        "priority": "high",
    }
    script = Script([[("create_task", {**args, "tags": ["sales"]})], "T-1 is set for Friday."])
    reply = await chat_with({"alpha:a-small": script}).send("remind Sam to send the deck before Friday")

    assert reply.text == "T-1 is set for Friday." and reply.kind is ReplyKind.success
    [view] = reply.tasks
    assert (view.ref, view.project, view.assignee, view.due_date) == ("T-1", "Launch", "sam", due("fri"))
    assert "Created T-1." in script.last_request_text()
    stored = await services.store.tasks.get_by_number("local", 1)
    assert stored is not None and stored.tags == ["sales"] and stored.priority.value == "high"
    events = await services.store.audit.list("local", entity_id=stored.id)
    assert [(e.action.value, e.surface) for e in events] == [("create", Surface.agent)]


async def test_list_tasks_filters_and_shows_what_it_listed(
    chat_with: Callable[..., Chat], services: Services
) -> None:
    alice = await make_actor(services, name="alice")
    await make_actor(services, name="sam")
    await services.projects.create(alice, "Launch")
    await services.tasks.create(alice, "Late one", project="Launch", due=date(2020, 1, 3))
    await services.tasks.create(alice, "Sam's", assignee="sam", due="tomorrow")
    done = await services.tasks.create(alice, "Finished", project="Launch")
    await services.tasks.complete(alice, [done.number])

    script = Script(
        [
            [("list_tasks", {"project": "Launch", "overdue": True})],
            "One overdue task in Launch.",
            [("list_tasks", {"assignee": "sam", "due_before": "in 2 days"})],
            "Sam has one.",
            [("list_tasks", {"status": "done"}), ("list_tasks", {"text": "late"})],
            "Here you go.",
        ]
    )
    chat = chat_with({"alpha:a-small": script})
    overdue = await chat.send("what is overdue in Launch?")
    assert [t.ref for t in overdue.tasks] == ["T-1"] and overdue.tasks[0].is_overdue
    assert "T-1 Late one" in script.last_request_text() and "(overdue)" in script.last_request_text()
    sams = await chat.send("what does sam have this week?")
    assert [t.ref for t in sams.tasks] == ["T-2"]
    both = await chat.send("what did we finish, and anything about late?")
    assert sorted(t.ref for t in both.tasks) == ["T-1", "T-3"]
    assert both.kind is ReplyKind.info  # reading changes nothing


async def test_update_assign_and_complete(chat_with: Callable[..., Chat], services: Services) -> None:
    alice = await make_actor(services, name="alice")
    await make_actor(services, name="sam")
    await services.tasks.create(alice, "Draft", due="tomorrow")
    script = Script(
        [
            [("update_task", {"ref": "T-1", "title": "Draft v2", "due": "next fri", "priority": "p1"})],
            "Updated.",
            [("assign_task", {"ref": "T-1", "assignee": "sam"})],
            "Assigned.",
            [
                ("update_task", {"ref": "T-1", "due": "none", "add_tags": ["q4"]}),
                ("assign_task", {"ref": "1"}),
            ],
            "Cleared.",
            [("complete_task", {"ref": "T-1"})],
            "Done!",
        ]
    )
    chat = chat_with({"alpha:a-small": script})
    updated = await chat.send("rename it Draft v2, due next friday, top priority")
    assert (updated.tasks[0].title, updated.tasks[0].due_date) == ("Draft v2", due("next fri"))
    assert updated.tasks[0].priority.value == "critical"
    assigned = await chat.send("give it to sam")
    assert assigned.tasks[0].assignee == "sam"
    cleared = await chat.send("no date, tag it q4 and take sam off it")
    assert (cleared.tasks[0].due_date, cleared.tasks[0].assignee, cleared.tasks[0].tags) == (
        None,
        None,
        ("q4",),
    )
    finished = await chat.send("it's finished")
    assert finished.kind is ReplyKind.success and finished.tasks[0].status is TaskStatus.completed
    stored = await services.store.tasks.get_by_number("local", 1)
    assert stored is not None and stored.status is TaskStatus.completed and stored.completed_at is not None


async def test_projects_and_the_active_project(chat_with: Callable[..., Chat], services: Services) -> None:
    script = Script(
        [
            [("create_project", {"name": "Launch", "description": "Q4 launch", "due": "dec 5"})],
            "Created Launch.",
            [("list_projects", {})],
            "One project.",
            [("show_project", {"name_or_ref": "launch"})],
            "Here is Launch.",
            [("create_task", {"title": "Not placed"})],
            "Added.",
            [("use_project", {"name_or_ref": "launch"})],
            "Using Launch.",
            [("create_task", {"title": "Book venue"})],
            "Added to Launch.",
        ]
    )
    chat = chat_with({"alpha:a-small": script})
    created = await chat.send("start a project for the Q4 launch, due dec 5")
    assert [p.name for p in created.projects] == ["Launch"] and created.projects[0].due_date == due("dec 5")
    listed = await chat.send("which projects do we have?")
    assert [p.ref for p in listed.projects] == ["P-1"]
    shown = await chat.send("let's look at launch")
    assert shown.projects[0].name == "Launch"
    unplaced = await chat.send("we need something else")
    assert unplaced.tasks[0].project is None  # looking at a project is a question, not a switch
    used = await chat.send("let's work on launch")
    assert used.projects[0].name == "Launch"
    added = await chat.send("we need to book a venue")
    assert added.tasks[0].project == "Launch"  # no project given: the active one
    # Quick-add remembers it too, in the same conversation.
    quick = await chat.send("add Order badges")
    assert quick.tasks[0].project == "Launch"
    elsewhere = Chat(chat.handler, channel="general", user="alice", dm=False)  # another conversation
    elsewhere_reply = await elsewhere.send("add Unrelated")
    assert elsewhere_reply.tasks[0].project is None


async def test_only_use_sets_where_quick_add_tasks_go(chat_with: Callable[..., Chat]) -> None:
    chat = chat_with()
    await chat.send("project add Website")
    await chat.send("project show Website")
    assert (await chat.send("add Fix header")).tasks[0].project is None
    await chat.send("use #Website")
    reply = await chat.send("add Fix footer")
    assert reply.tasks[0].project == "Website"
    assert reply.footer is not None and "Using #Website" in reply.footer


async def test_undo_reverts_the_agents_last_change(
    chat_with: Callable[..., Chat], services: Services
) -> None:
    script = Script([[("create_task", {"title": "Oops"})], "Created.", [("undo", {})], "Undone."])
    chat = chat_with({"alpha:a-small": script})
    await chat.send("make a task called oops")
    reply = await chat.send("please revert what you just did")
    assert (
        reply.kind is ReplyKind.success
        and "Undid the last change: create of T-1" in script.last_request_text()
    )
    page = await services.store.tasks.list("local", TaskQuery())
    assert page.items == []


async def test_tools_take_no_workspace_and_cannot_reach_another_one(
    chat_with: Callable[..., Chat], services: Services
) -> None:
    seen: dict[str, list[str]] = {}

    def inspect(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        for tool in info.function_tools:
            seen[tool.name] = list(tool.parameters_json_schema.get("properties", {}))
        return ModelResponse(parts=[TextPart("ok")])

    await chat_with({"alpha:a-small": FunctionModel(inspect)}).send("what tools do you have?")
    assert set(seen) == TOOL_NAMES
    assert not [name for params in seen.values() for name in params if "workspace" in name.lower()]

    other = await make_actor(services, workspace="other", name="bob")
    await services.tasks.create(other, "Bob's secret")
    script = Script([[("complete_task", {"ref": "T-1"})], "I couldn't find it."])
    reply = await chat_with({"alpha:a-small": script}).send("close out task one for me")
    assert "T-1 doesn't exist in this workspace" in script.last_request_text()
    assert reply.tasks == []
    theirs = await services.store.tasks.get_by_number("other", 1)
    assert theirs is not None and theirs.status is TaskStatus.todo
