"""The agent's repeat argument: create_task and update_task take a rule as the user said it, complete_task
names the next occurrence, and a rule the tools can't read goes back to the model as a retry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time

import pytest

from core.agent import responder as responder_module
from core.agent.tools import create_task, update_task
from core.conversation.messages import ReplyKind
from core.models import TaskStatus
from core.services import Services
from tests.agent.conftest import Chat, Script
from tests.conftest import make_actor


@pytest.fixture(autouse=True)
def model_reads_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    """The scripted model answers every message (the offline parser would read some of these itself)."""
    monkeypatch.setattr(responder_module, "understand", lambda *args, **kwargs: None, raising=False)


async def test_create_update_and_complete_a_repeating_task(
    chat_with: Callable[..., Chat], services: Services
) -> None:
    await make_actor(services, name="alice")
    script = Script(
        [
            [("create_task", {"title": "Send weekly report", "repeat": "every monday 9am"})],
            "T-1 repeats every Monday.",
            [("complete_task", {"ref": "T-1"})],
            "Done; the next one is there.",
            [("update_task", {"ref": "T-2", "repeat": "every 2 weeks on fri"})],
            "Now every other Friday.",
            [("update_task", {"ref": "T-2", "repeat": "none"})],
            "It no longer repeats.",
        ]
    )
    chat = chat_with({"alpha:a-small": script})
    made = await chat.send("I need a weekly report, mondays at 9")
    assert made.kind is ReplyKind.success
    [view] = made.tasks
    assert (view.ref, view.repeat, view.due_time) == ("T-1", "every monday 9am", time(9))
    assert "repeats every monday 9am" in script.last_request_text()

    await chat.send("I sent the report")
    assert "Next: T-2 due" in script.last_request_text()
    first = await services.store.tasks.get_by_number("local", 1)
    following = await services.store.tasks.get_by_number("local", 2)
    assert first is not None and first.status is TaskStatus.completed
    assert following is not None and following.repeat == "every monday 9am" and following.is_open

    await chat.send("make it every other friday")
    stored = await services.store.tasks.get_by_number("local", 2)
    assert stored is not None and stored.repeat == "every 2 weeks on friday"
    await chat.send("stop repeating it")
    stored = await services.store.tasks.get_by_number("local", 2)
    assert stored is not None and stored.repeat is None


async def test_a_rule_the_tools_cannot_read_is_a_retry_not_a_change(
    chat_with: Callable[..., Chat], services: Services
) -> None:
    alice = await make_actor(services, name="alice")
    await services.tasks.create(alice, "Water the plants")
    script = Script([[("update_task", {"ref": "T-1", "repeat": "every blursday"})], "I couldn't."])
    await chat_with({"alpha:a-small": script}).send("water the plants every blursday")
    assert "blursday" in script.last_request_text()
    stored = await services.store.tasks.get_by_number("local", 1)
    assert stored is not None and stored.repeat is None


def test_the_tools_document_the_repeat_argument() -> None:
    for tool in (create_task, update_task):
        assert tool.__doc__ is not None and "repeat:" in tool.__doc__
