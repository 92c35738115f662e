"""The real provider path: pydantic-ai's OpenAI Chat model over HTTP to the loopback fake server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from deltalake import DeltaTable
from pydantic_ai.models import override_allow_model_requests

from core.agent.responder import AgentResponder
from core.agent.router import Router
from core.agent.tools import TOOL_NAMES
from core.conversation.handler import ConversationHandler
from core.conversation.messages import ReplyKind
from core.services import Services
from tests.agent.conftest import Chat
from tests.fakes.openai_server import FakeOpenAI, error, serve, text, tool_call

PROVIDER_KEYS = (
    "ANTHROPIC_API_KEY",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "GEMINI_API_KEY",
    "GOOGLE_API_KEY",
    "XAI_API_KEY",
    "OLLAMA_BASE_URL",
    "LOCAL_LLM_BASE_URL",
    "ORCHESTRATOR_PROVIDERS",
)


@pytest.fixture
def openai_server() -> Iterator[FakeOpenAI]:
    with serve() as state:
        yield state


def script_create(fake: FakeOpenAI) -> None:
    fake.replies += [
        tool_call(
            "create_task", {"title": "Send the deck", "due": "fri"}, prompt_tokens=321, completion_tokens=17
        ),
        text("Done: T-1 is on your list for Friday.", prompt_tokens=400, completion_tokens=12),
    ]


async def test_chat_completions_round_trip_with_tools_and_usage(
    openai_server: FakeOpenAI, services: Services
) -> None:
    script_create(openai_server)
    router = Router.from_variables({"OPENAI_API_KEY": "test", "OPENAI_BASE_URL": openai_server.base_url})
    chat = Chat(ConversationHandler(services, AgentResponder(services, router)))
    with override_allow_model_requests(True):  # loopback only: the fake server on 127.0.0.1
        reply = await chat.send("the deck needs sending by friday, can you track it for me")

    assert reply.text == "Done: T-1 is on your list for Friday." and reply.kind is ReplyKind.success
    assert [t.title for t in reply.tasks] == ["Send the deck"] and reply.footer is None
    first, second = openai_server.requests
    assert first["model"] == "gpt-4.1-mini"
    assert {t["function"]["name"] for t in first["tools"]} == TOOL_NAMES
    said = "the deck needs sending by friday, can you track it for me"
    assert first["messages"][-1] == {"role": "user", "content": said}
    tool_result = second["messages"][-1]
    assert tool_result["role"] == "tool" and tool_result["content"].startswith("Created T-1.")
    assert all(h["authorization"] == "Bearer test" for h in openai_server.headers)
    [log] = await services.store.agent_logs.list("local")
    assert (log.provider, log.model, log.task_type) == ("openai", "gpt-4.1-mini", "quick_tasks")
    assert (log.input_tokens, log.output_tokens) == (721, 29)
    assert log.cost_usd == pytest.approx((721 * 0.40 + 29 * 1.60) / 1e6)
    assert log.tool_calls == ["create_task"] and log.error is None and log.latency_ms > 0


PAIR = """
providers:
  first:
    kind: openai-compatible
    key_env: FIRST_KEY
    base_url_env: FAKE_URL
    models: {m1: {input: 1, output: 1}}
  second:
    kind: openai-compatible
    key_env: SECOND_KEY
    base_url_env: FAKE_URL
    models: {m2: {input: 2, output: 2}}
rules:
  quick_tasks: [first, second]
sdk_retries: 0
"""


@pytest.mark.parametrize("failure", ["auth", "server"])
async def test_a_failing_provider_falls_back_over_the_wire(
    openai_server: FakeOpenAI, services: Services, tmp_path: Path, failure: str
) -> None:
    path = tmp_path / "pair.yaml"
    path.write_text(PAIR)
    env = {"FAKE_URL": openai_server.base_url, "SECOND_KEY": "test"}
    if failure == "auth":
        env["FIRST_KEY"] = "wrong-key-123"  # the fake answers 401
    else:
        env["FIRST_KEY"] = "test"
        openai_server.replies.append(error(503, "overloaded"))
    openai_server.replies.append(text("Hello from the second provider."))
    # An injected HTTP client (proxies, custom CA bundles, tests) is what the provider SDK sends through.
    async with httpx2.AsyncClient(headers={"X-Orchestrator-Test": "1"}) as client:
        router = Router.from_variables(env, path=str(path), http_client=client)
        chat = Chat(ConversationHandler(services, AgentResponder(services, router)))
        with override_allow_model_requests(True):
            reply = await chat.send("hello there")
    status = 401 if failure == "auth" else 503
    assert reply.text == "Hello from the second provider."
    assert reply.footer == f"Answered by second:m2 because first:m1 failed (HTTP {status})."
    assert [r["model"] for r in openai_server.requests] == ["m1", "m2"]
    assert all(h.get("x-orchestrator-test") == "1" for h in openai_server.headers)
    [log] = await services.store.agent_logs.list("local")
    assert (log.provider, log.model) == ("second", "m2") and log.error == f"first:m1: HTTP {status}"
    assert "wrong-key-123" not in json.dumps(log.model_dump(mode="json"))


def _console(data: Path, script: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in PROVIDER_KEYS}
    return subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--user", "alice", "--tz", "UTC"],
        input=script,
        capture_output=True,
        text=True,
        env={**clean, "ORCHESTRATOR_STORAGE_URL": str(data), **env},
        timeout=120,
        check=False,
    )


def test_console_end_to_end_with_an_openai_compatible_server(
    openai_server: FakeOpenAI, tmp_path: Path
) -> None:
    script_create(openai_server)
    openai_server.api_key = "sk-e2e-secret"
    data = tmp_path / "data"
    env = {"OPENAI_API_KEY": "sk-e2e-secret", "OPENAI_BASE_URL": openai_server.base_url}
    result = _console(data, "the deck needs sending by friday, can you track it for me\nlist\n", env)

    assert result.returncode == 0, result.stderr
    assert "Done: T-1 is on your list for Friday." in result.stdout
    assert "T-1  Send the deck" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert "sk-e2e-secret" not in result.stdout + result.stderr
    assert len(openai_server.requests) == 2
    tasks = DeltaTable(str(data / "orchestrator" / "tasks")).to_pyarrow_table().to_pylist()
    assert [(row["number"], row["title"]) for row in tasks] == [(1, "Send the deck")]
    [log] = DeltaTable(str(data / "orchestrator" / "agent_logs")).to_pyarrow_table().to_pylist()
    assert (log["provider"], log["model"]) == ("openai", "gpt-4.1-mini")
    assert (log["input_tokens"], log["output_tokens"]) == (721, 29)
    assert "create_task" in str(log["tool_calls"])
    assert "sk-e2e-secret" not in json.dumps(log, default=str)


def test_console_without_any_key_uses_the_offline_model(tmp_path: Path) -> None:
    result = _console(
        tmp_path / "data", "remind me to water the plants tomorrow\nwhat's due this week?\n", {}
    )
    assert result.returncode == 0, result.stderr
    assert "Created T-1." in result.stdout and "T-1  water the plants" in result.stdout
    assert "1 task:" in result.stdout
