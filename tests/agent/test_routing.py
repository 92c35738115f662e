"""Routing: task types, rules, availability, preferences, budgets, fallback and the providers file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic_ai.exceptions import ModelHTTPError
from pydantic_ai.messages import ModelMessage, ModelResponse
from pydantic_ai.models.function import AgentInfo, FunctionModel

from core.agent.classify import TaskType, classify
from core.agent.config import DEFAULT_PATH, load_config
from core.agent.router import OFFLINE, Budget, Router
from core.conversation.messages import ReplyKind
from core.errors import ConfigurationError
from core.services import Services
from core.store import TaskQuery
from tests.agent.conftest import BOTH_KEYS, TEST_PROVIDERS, Chat, Script, make_router


def labels(router: Router, text: str, **kw: object) -> list[str]:
    return [c.label for c in router.route(text, **kw).candidates]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("remind me to call Bob tomorrow", TaskType.quick_tasks),
        ("what's overdue?", TaskType.quick_tasks),
        ("help me plan the launch and prioritize what matters", TaskType.complex_reasoning),
        ("write a python script that exports my tasks", TaskType.code_generation),
        ("can you fix this regex: ^T-\\d+$", TaskType.code_generation),
        ("first do this. then that. then the other. and finally one more thing.", TaskType.complex_reasoning),
    ],
)
def test_classifier(text: str, expected: TaskType) -> None:
    assert classify(text) is expected


def test_rules_pick_available_models_then_offline(tmp_path: Path) -> None:
    assert labels(make_router({}, {}, tmp=tmp_path), "hi") == [OFFLINE]
    assert labels(make_router({}, {"BETA_KEY": "k"}, tmp=tmp_path), "hi") == ["beta:b-one", OFFLINE]
    both = make_router({}, BOTH_KEYS, tmp=tmp_path)
    assert labels(both, "add milk") == ["alpha:a-small", "beta:b-one", OFFLINE]
    assert labels(both, "plan my week") == ["beta:b-one", "alpha:a-large", OFFLINE]
    assert labels(both, "write some sql") == ["alpha:a-large", OFFLINE]


def test_preferences(tmp_path: Path) -> None:
    router = make_router({}, BOTH_KEYS, tmp=tmp_path)
    assert labels(router, "add milk", preference="beta")[0] == "beta:b-one"
    assert labels(router, "add milk", preference="alpha:a-large")[:2] == ["alpha:a-large", "alpha:a-small"]
    assert labels(router, "add milk", preference="a-large")[0] == "alpha:a-large"
    assert labels(router, "add milk", preference="offline") == [OFFLINE]
    assert labels(router, "add milk", preference="auto")[0] == "alpha:a-small"
    unknown = router.route("add milk", preference="gpt-9")
    assert unknown.usual.label == "alpha:a-small" and "I don't know the model `gpt-9`" in unknown.notes[0]
    missing = make_router({}, {"ALPHA_KEY": "k"}, tmp=tmp_path).route("add milk", preference="beta")
    assert missing.usual.label == "alpha:a-small" and "set BETA_KEY" in missing.notes[0]


def test_budgets(tmp_path: Path) -> None:
    router = make_router({}, BOTH_KEYS, tmp=tmp_path)
    spent = router.route("add milk", budget=Budget(limit=1000, used=1000))
    assert [c.label for c in spent.candidates] == [OFFLINE] and "token budget (1,000 tokens)" in spent.notes[
        0
    ]
    near = router.route("add milk", budget=Budget(limit=1000, used=850))
    assert near.task_type is TaskType.cost_optimized and near.usual.label == "beta:b-one"
    assert router.route("add milk", budget=Budget(limit=None, used=10**9)).usual.label == "alpha:a-small"


def test_max_models_bounds_the_chain(tmp_path: Path) -> None:
    router = make_router({}, BOTH_KEYS, TEST_PROVIDERS + "max_models: 1\n", tmp_path)
    assert labels(router, "add milk") == ["alpha:a-small", OFFLINE]


def test_the_shipped_file_covers_every_provider_and_task_type() -> None:
    config = load_config(DEFAULT_PATH)
    assert {"anthropic", "openai", "gemini", "xai", "ollama", "local"} <= set(config.providers)
    assert set(config.rules) == set(TaskType)
    assert config.providers["openai"].key_env == "OPENAI_API_KEY"
    assert config.providers["openai"].base_url_env == "OPENAI_BASE_URL"
    assert config.providers["ollama"].url({}) == "http://localhost:11434/v1"
    # Cloud models carry no price (genai-prices has it); local ones carry the file's.
    assert all(
        p is None
        for name in ("anthropic", "openai", "gemini", "xai")
        for p in config.providers[name].models.values()
    )
    assert all(p is not None for p in config.providers["ollama"].models.values())


def test_the_shipped_file_builds_real_provider_models_without_network() -> None:
    env = {
        "ANTHROPIC_API_KEY": "a",
        "OPENAI_API_KEY": "o",
        "GEMINI_API_KEY": "g",
        "XAI_API_KEY": "x",
        "OLLAMA_BASE_URL": "http://127.0.0.1:1/v1",
    }
    router = Router.from_variables(env)
    kinds = {}
    for status in router.statuses():
        if not status.available:  # `local` needs LOCAL_LLM_BASE_URL
            continue
        route = router.route("x", preference=status.name)
        route.candidates = route.candidates[:1]  # build only the preferred model
        model, _ = router.build(route, FunctionModel(lambda m, i: ModelResponse(parts=[])))
        kinds[status.name] = (type(model.wrapped).__name__, model.wrapped.system)  # type: ignore[attr-defined]
    assert kinds["anthropic"] == ("AnthropicModel", "anthropic")
    assert kinds["openai"] == ("OpenAIChatModel", "openai")
    assert kinds["gemini"][0] == "GoogleModel"
    assert kinds["xai"] == ("XaiModel", "xai")  # pydantic-ai's native providers
    assert kinds["ollama"][0] == "OllamaModel"


def test_providers_file_errors_are_clear(tmp_path: Path) -> None:
    bad_rule = tmp_path / "bad.yaml"
    bad_rule.write_text(TEST_PROVIDERS.replace("[alpha:a-small, beta:b-one]", "[gamma:g1]"))
    with pytest.raises(ConfigurationError, match="unknown provider `gamma`"):
        load_config(bad_rule)
    broken = tmp_path / "broken.yaml"
    broken.write_text("providers: [\n")
    with pytest.raises(ConfigurationError, match="not valid YAML"):
        load_config(broken)
    with pytest.raises(ConfigurationError, match="Can't read the providers file"):
        Router.from_variables({}, path=str(tmp_path / "missing.yaml"))
    good = tmp_path / "good.yaml"
    good.write_text(TEST_PROVIDERS)
    assert set(Router.from_variables({}, path=str(good)).config.providers) == {"alpha", "beta"}


def test_redact_hides_configured_keys(tmp_path: Path) -> None:
    router = make_router({}, BOTH_KEYS, tmp=tmp_path)
    assert router.redact("401 for key alpha-secret-key at https://x") == "401 for key *** at https://x"


def _down(status: int) -> FunctionModel:
    def fail(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        raise ModelHTTPError(status, "a-small", body={"error": "overloaded"})

    return FunctionModel(fail)


async def test_fallback_to_the_next_provider_is_noted(
    chat_with: Callable[..., Chat], services: Services
) -> None:
    beta = Script([[("create_task", {"title": "Water plants"})], "Created T-1."])
    chat = chat_with({"alpha:a-small": _down(503), "beta:b-one": beta})
    reply = await chat.send("water the plants at some point")
    assert reply.text == "Created T-1." and [t.ref for t in reply.tasks] == ["T-1"]
    assert reply.kind is ReplyKind.success
    assert reply.footer == "Answered by beta:b-one because alpha:a-small failed (HTTP 503)."
    [log] = await services.store.agent_logs.list("local")
    assert (log.provider, log.model) == ("beta", "b-one")
    assert log.error is not None and "alpha:a-small: HTTP 503" in log.error


async def test_when_every_llm_fails_the_offline_model_answers(
    chat_with: Callable[..., Chat], services: Services
) -> None:
    chat = chat_with({"alpha:a-small": _down(500), "beta:b-one": _down(429)})
    reply = await chat.send("remind me to call the bank tomorrow")
    assert [t.title for t in reply.tasks] == ["call the bank"] and reply.text == "Created T-1."
    assert reply.footer is not None and reply.footer.startswith("Answered by the offline assistant")
    [log] = await services.store.agent_logs.list("local")
    assert log.provider == OFFLINE and (log.input_tokens, log.output_tokens) == (0, 0)


async def test_daily_budget_switches_to_offline_with_a_note(
    chat_with: Callable[..., Chat], services: Services
) -> None:
    script = Script(["First answer."])  # 100 in + 20 out per request
    chat = chat_with({"alpha:a-small": script})
    await chat.send("hello there")
    await services.store.workspaces.update("local", {"daily_token_budget": 100})
    reply = await chat.send("remind me to stretch tomorrow")
    assert (
        reply.text == "Created T-1." and reply.footer and "today's token budget (100 tokens)" in reply.footer
    )
    logs = sorted(await services.store.agent_logs.list("local"), key=lambda x: x.created_at)
    assert [(x.provider, x.input_tokens + x.output_tokens) for x in logs] == [("alpha", 120), (OFFLINE, 0)]


async def test_budget_from_the_providers_file(chat_with: Callable[..., Chat], services: Services) -> None:
    providers = TEST_PROVIDERS.replace("daily_tokens: null", "daily_tokens: 50")
    chat = chat_with({"alpha:a-small": Script(["One.", "Two."])}, providers=providers)
    assert (await chat.send("hello there")).text == "One."
    second = await chat.send("hello again")
    assert second.footer and "token budget (50 tokens)" in second.footer


async def test_explicit_preference_and_the_model_command(
    chat_with: Callable[..., Chat], services: Services
) -> None:
    alpha, beta = Script(["alpha here"]), Script(["beta here", "beta again"])
    chat = chat_with(
        {"alpha:a-small": alpha, "beta:b-one": beta}, preference="beta"
    )  # like `chat --model beta`
    assert (await chat.send("who are you?")).text == "beta here"
    assert "alpha:a-small" in (await chat.send("model alpha")).text
    assert (await chat.send("who are you now?")).text == "alpha here"
    shown = await chat.send("model")
    assert "alpha:a-small" in shown.text and "alpha, beta" in shown.text
    assert (await chat.send("model nope")).kind.value == "error"
    await chat.send("/orchestrator model auto")
    assert (await chat.send("and now?")).text == "beta again"  # back to the console's --model
    assert (await services.store.tasks.list("local", TaskQuery())).total == 0
