"""Conversation context in the store: survives restarts, stays bounded, `reset` clears it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    TextPart,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)
from pydantic_ai.models.function import AgentInfo, FunctionModel

from core.agent import history
from core.agent.responder import AgentResponder
from core.conversation.handler import ConversationHandler
from core.models import Conversation
from core.services import Services
from storage.factory import open_store
from tests.agent.conftest import Chat, Script, make_router


def prompts(messages: list[ModelMessage]) -> list[str]:
    return [
        str(p.content)
        for m in messages
        if isinstance(m, ModelRequest)
        for p in m.parts
        if isinstance(p, UserPromptPart)
    ]


class Recorder:
    """A model that answers "ok" and remembers the prompts and instructions of each request."""

    def __init__(self) -> None:
        self.prompts: list[list[str]] = []
        self.instructions: list[str] = []

    def model(self) -> FunctionModel:
        def answer(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
            self.prompts.append(prompts(messages))
            self.instructions.append(info.instructions or "")
            return ModelResponse(parts=[TextPart(f"ok {len(self.prompts)}")])

        return FunctionModel(answer)


async def test_context_survives_a_new_store_and_handler(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    first = Script(
        [
            [("create_project", {"name": "Apollo"})],
            "Created Apollo.",
            [("use_project", {"name_or_ref": "Apollo"})],
            "Here.",
        ]
    )
    recorder = Recorder()
    for model in (first, recorder.model()):
        store = open_store(data)
        await store.open()
        try:
            services = Services(store)
            router = make_router({"alpha:a-small": model}, {"ALPHA_KEY": "k"}, tmp=tmp_path)
            chat = Chat(ConversationHandler(services, AgentResponder(services, router)))
            if isinstance(model, Script):
                await chat.send("start a project called Apollo")
                await chat.send("let's work on apollo")
            else:
                await chat.send("what were we talking about?")
                conv = await store.conversations.get("local", "console:dm:alice")
        finally:
            await store.close()
    assert recorder.prompts[0] == [
        "start a project called Apollo",
        "let's work on apollo",
        "what were we talking about?",
    ]
    assert "Active project: Apollo (P-1)" in recorder.instructions[0]
    assert conv is not None and conv.tokens_in > 0 and conv.tokens_out > 0
    assert len(history.load(conv)) == 10  # three turns: 4 + 4 messages with tools, 2 without


async def test_older_turns_leave_the_window_and_are_summarised(
    chat_with: Callable[..., Chat], services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history, "MAX_TURNS", 3)
    recorder = Recorder()
    chat = chat_with({"alpha:a-small": recorder.model()})
    for n in range(1, 6):
        await chat.send(f"message number {n}")
    # Three stored turns plus the new message; the first turn only lives on in the summary.
    assert recorder.prompts[-1] == [f"message number {n}" for n in (2, 3, 4, 5)]
    assert "user: message number 1 | answer: ok 1" in recorder.instructions[-1]
    assert "message number 2" not in recorder.instructions[-1]
    conv = await services.store.conversations.get("local", "console:dm:alice")
    assert conv is not None and prompts(history.load(conv)) == [f"message number {n}" for n in (3, 4, 5)]
    assert conv.summary.splitlines() == [
        "user: message number 1 | answer: ok 1",
        "user: message number 2 | answer: ok 2",
    ]


def test_the_window_also_bounds_size_and_keeps_tool_calls_with_their_turn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    conv = Conversation(id="c", workspace_id="w")
    big = "x" * 3000
    messages: list[ModelMessage] = []
    for n in range(4):
        messages.append(ModelRequest(parts=[UserPromptPart(f"turn {n} {big}")]))
        if n == 2:  # a turn with a tool round trip
            messages.append(ModelResponse(parts=[ToolCallPart("list_projects", {}, tool_call_id="c2")]))
            messages.append(ModelRequest(parts=[ToolReturnPart("list_projects", "none", tool_call_id="c2")]))
        messages.append(ModelResponse(parts=[TextPart(f"answer {n}")]))
    monkeypatch.setattr(history, "MAX_CHARS", 11_000)
    history.save(conv, messages)
    kept = history.load(conv)
    assert [p.split()[1] for p in prompts(kept)] == ["2", "3"]
    assert isinstance(kept[0], ModelRequest) and len(conv.messages_json) <= 11_000
    assert [type(m).__name__ for m in kept[:4]] == [
        "ModelRequest",
        "ModelResponse",
        "ModelRequest",
        "ModelResponse",
    ]
    assert conv.summary.count("user: turn") == 2


async def test_reset_forgets_history_and_active_project(
    chat_with: Callable[..., Chat], services: Services
) -> None:
    recorder = Recorder()
    chat = chat_with({"alpha:a-small": recorder.model()})
    await chat.send("project add Launch")
    await chat.send("project show Launch")
    await chat.send("remember this please")
    assert (await chat.send("reset")).text == "Conversation cleared."
    assert await services.store.conversations.get("local", "console:dm:alice") is None
    await chat.send("fresh start?")
    assert recorder.prompts[-1] == ["fresh start?"]
    assert "Active project" not in recorder.instructions[-1]
    assert (await chat.send("add Loose task")).tasks[0].project is None


async def test_reset_helper_and_unreadable_history(services: Services) -> None:
    conv = Conversation(
        id="c1", workspace_id="local", messages_json="not json", summary="old", active_project_id="p"
    )
    assert history.load(conv) == []
    await services.store.conversations.save(conv)
    fresh = await history.reset(services.store, conv)
    assert (fresh.messages_json, fresh.summary, fresh.active_project_id) == ("[]", "", None)
    assert await services.store.conversations.get("local", "c1") is None
