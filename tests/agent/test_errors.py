"""Tool errors reach the model as ModelRetry with the service's message; the user always gets an answer."""

from __future__ import annotations

from collections.abc import Callable

from core.conversation.messages import ReplyKind
from core.services import Services
from core.store import TaskQuery
from tests.agent.conftest import Chat, Script


async def test_unknown_project_goes_back_to_the_model_which_fixes_it(
    chat_with: Callable[..., Chat], services: Services
) -> None:
    script = Script(
        [
            [("create_task", {"title": "Ship it", "project": "Nope"})],
            [("create_task", {"title": "Ship it"})],
            "There's no Nope project, so I created T-1 without one.",
        ]
    )
    reply = await chat_with({"alpha:a-small": script}).send("file 'ship it' under Nope")
    retry = " ".join(str(getattr(p, "content", "")) for p in script.seen[1][-1].parts)
    assert "There is no project `Nope` in this workspace." in retry
    assert reply.text.startswith("There's no Nope project") and [t.ref for t in reply.tasks] == ["T-1"]
    [log] = await services.store.agent_logs.list("local")
    assert log.tool_calls == ["create_task", "create_task"]
    assert log.error is not None and "create_task: There is no project `Nope`" in log.error


async def test_bad_date_message_reaches_the_model(chat_with: Callable[..., Chat]) -> None:
    script = Script([[("create_task", {"title": "Party", "due": "blursday"})], "Which day did you mean?"])
    reply = await chat_with({"alpha:a-small": script}).send("party on blursday please")
    assert 'I couldn\'t understand the date "blursday"' in script.last_request_text()
    assert reply.text == "Which day did you mean?" and reply.tasks == []


async def test_retries_exhausted_still_answers_and_keeps_the_conversation_usable(
    chat_with: Callable[..., Chat], services: Services
) -> None:
    bad = [("complete_task", {"ref": "T-99"})]
    script = Script([bad, bad, bad, "Nothing to do."])
    chat = chat_with({"alpha:a-small": script})
    reply = await chat.send("close task 99")
    assert reply.kind is ReplyKind.error
    assert reply.text.startswith("I couldn't finish that: Task T-99 doesn't exist")
    [log] = await services.store.agent_logs.list("local")
    assert log.error is not None and "UnexpectedModelBehavior" in log.error
    # The failed turn was not saved half-way: the next one runs on a clean history.
    assert (await chat.send("anything else?")).text == "Nothing to do."


async def test_a_model_that_loops_is_stopped(chat_with: Callable[..., Chat], services: Services) -> None:
    script = Script([[("list_projects", {})] for _ in range(20)])
    reply = await chat_with({"alpha:a-small": script}).send("keep looking at projects")
    assert reply.kind is ReplyKind.error and reply.text.startswith("I couldn't finish that")
    assert len(script.seen) == 8  # MAX_REQUESTS
    assert (await services.store.tasks.list("local", TaskQuery())).total == 0


async def test_invalid_tool_arguments_are_retried(chat_with: Callable[..., Chat]) -> None:
    script = Script([[("create_task", {"due": "fri"})], [("create_task", {"title": "Call"})], "Created."])
    reply = await chat_with({"alpha:a-small": script}).send("new call reminder")
    assert [t.title for t in reply.tasks] == ["Call"]
    retry = " ".join(str(getattr(p, "content", "")) for p in script.seen[1][-1].parts)
    assert "title" in retry
