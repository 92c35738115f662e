"""The agent's structure tools with a scripted model: add_subtask, set_dependency, remove_dependency and
set_estimate change the tasks as the parser's arguments say, completing the last blocker names who can start,
and a loop goes back to the model as a retry."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from core.agent import responder as responder_module
from core.agent.tools import TOOL_NAMES
from core.models import Task
from core.services import Services
from core.understanding.calls import FUTURE_TOOLS
from tests.agent.conftest import Chat, Script
from tests.conftest import make_actor


@pytest.fixture(autouse=True)
def model_reads_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    """The scripted model answers every message (the offline parser would read some of these itself)."""
    monkeypatch.setattr(responder_module, "understand", lambda *args, **kwargs: None, raising=False)


async def _task(services: Services, number: int) -> Task:
    task = await services.store.tasks.get_by_number("local", number)
    assert task is not None
    return task


def test_the_structure_tools_are_built() -> None:
    assert {"add_subtask", "set_dependency", "remove_dependency", "set_estimate"} <= TOOL_NAMES
    assert not FUTURE_TOOLS & TOOL_NAMES


async def test_subtasks_dependencies_and_estimates(
    chat_with: Callable[..., Chat], services: Services
) -> None:
    alice = await make_actor(services, name="alice")
    bob = await make_actor(services, name="bob")
    await services.projects.create(alice, "Wedding")
    await services.tasks.create(alice, "Plan the wedding", project="Wedding")  # T-1
    await services.tasks.create(alice, "Book the band", assignee="bob")  # T-2
    script = Script(
        [
            [
                (
                    "add_subtask",
                    {"parent": "T-1", "title": "Confirm the menu", "due": "fri", "priority": "high"},
                )
            ],
            "T-3 is under T-1.",
            [("set_dependency", {"ref": "T-2", "blocked_by": "T-3"})],
            "T-2 waits on T-3.",
            [("set_estimate", {"ref": "T-3", "estimate": "120m"})],
            "Two hours.",
            [("complete_task", {"ref": "T-3"})],
            "Done.",
            [("remove_dependency", {"ref": "T-2", "blocked_by": "T-3"})],
            "Unlinked.",
            [("set_estimate", {"ref": "T-3", "estimate": "none"})],
            "Cleared.",
        ]
    )
    chat = chat_with({"alpha:a-small": script, "alpha:a-large": script})

    await chat.send("the wedding plan needs a subtask: confirm the menu by friday, high priority")
    assert "Created T-3 under T-1" in script.last_request_text()
    parent, sub = await _task(services, 1), await _task(services, 3)
    assert sub.parent_id == parent.id and sub.project_id == parent.project_id
    assert sub.priority.value == "high" and sub.due_date is not None

    await chat.send("the band has to wait for the menu")
    assert "T-2 now waits on T-3" in script.last_request_text()
    assert (await _task(services, 2)).dependencies == [sub.id]

    await chat.send("the menu should take about 2 hours")
    assert (await _task(services, 3)).estimate_minutes == 120

    await chat.send("the menu is confirmed")
    assert "T-2 is ready now (@bob)." in script.last_request_text()
    notices = [
        r for r in await services.store.schedules.list("local") if r.task_id == (await _task(services, 2)).id
    ]
    assert [r.user_id for r in notices if r.explicit] == [bob.user_id]

    await chat.send("the band doesn't depend on the menu any more")
    assert (await _task(services, 2)).dependencies == []
    await chat.send("drop the estimate on the menu")
    assert (await _task(services, 3)).estimate_minutes is None


async def test_a_loop_is_a_retry_not_a_change(chat_with: Callable[..., Chat], services: Services) -> None:
    alice = await make_actor(services, name="alice")
    a = await services.tasks.create(alice, "A")
    b = await services.tasks.create(alice, "B")
    await services.structure.block(alice, a.ref, b.ref)  # A blocks B
    script = Script([[("set_dependency", {"ref": "T-1", "blocked_by": "T-2"})], "I couldn't."])
    await chat_with({"alpha:a-small": script, "alpha:a-large": script}).send("A waits on B")
    assert "loop" in script.last_request_text()
    assert (await _task(services, 1)).dependencies == []


async def test_an_estimate_the_tool_cannot_read_is_a_retry(
    chat_with: Callable[..., Chat], services: Services
) -> None:
    alice = await make_actor(services, name="alice")
    await services.tasks.create(alice, "Write spec")
    script = Script([[("set_estimate", {"ref": "T-1", "estimate": "a while"})], "I couldn't."])
    await chat_with({"alpha:a-small": script, "alpha:a-large": script}).send("the spec takes a while")
    assert "isn't a duration" in script.last_request_text()
    assert (await _task(services, 1)).estimate_minutes is None
