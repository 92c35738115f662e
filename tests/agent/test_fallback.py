"""The fallback chain moves on only when a provider fails as a provider; costs come from the right price."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from pydantic_ai import Agent
from pydantic_ai.exceptions import ModelHTTPError
from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart
from pydantic_ai.models.function import AgentInfo, FunctionModel
from pydantic_ai.usage import RequestUsage

from core.agent.pricing import ModelPrice, list_price, response_cost
from core.agent.router import OFFLINE, Router
from tests.agent.conftest import BOTH_KEYS, make_router


def answering(text: str, calls: list[str]) -> FunctionModel:
    async def play(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        calls.append(text)
        return ModelResponse(parts=[TextPart(text)], usage=RequestUsage(input_tokens=1000, output_tokens=100))

    return FunctionModel(play, model_name=text)


def raising(exc: Exception, calls: list[str]) -> FunctionModel:
    async def play(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        calls.append(type(exc).__name__)
        raise exc

    return FunctionModel(play)


def offline(calls: list[str]) -> FunctionModel:
    return answering("offline answer", calls)


def router_with(first: FunctionModel, second: FunctionModel, tmp_path: Path) -> Router:
    return make_router({"alpha:a-small": first, "beta:b-one": second}, BOTH_KEYS, tmp=tmp_path)


async def test_a_provider_http_error_falls_back_to_the_next(tmp_path: Path) -> None:
    calls: list[str] = []
    overloaded = ModelHTTPError(status_code=503, model_name="a-small", body={"error": "overloaded"})
    router = router_with(raising(overloaded, calls), answering("from beta", calls), tmp_path)
    route = router.route("add milk")
    assert [c.label for c in route.candidates] == ["alpha:a-small", "beta:b-one", OFFLINE]
    model, trace = router.build(route, offline(calls))

    result = await Agent(model).run("add milk")

    assert result.output == "from beta"
    assert calls == ["ModelHTTPError", "from beta"]
    assert [c.label for c, _ in trace.failed] == ["alpha:a-small"]
    assert [c.label for c, _ in trace.answered] == ["beta:b-one"]
    # beta's file price: 1000 in x $3/M + 100 out x $15/M
    assert trace.cost_usd == pytest.approx(0.0045)


@pytest.mark.parametrize(
    "failure",
    [TimeoutError(), httpx.ConnectError("connection refused"), httpx.ReadTimeout("read timed out")],
    ids=["timeout", "httpx-connect", "httpx-read-timeout"],
)
async def test_timeouts_and_transport_errors_fall_back_too(failure: Exception, tmp_path: Path) -> None:
    calls: list[str] = []
    router = router_with(raising(failure, calls), answering("from beta", calls), tmp_path)
    model, _ = router.build(router.route("add milk"), offline(calls))
    assert (await Agent(model).run("add milk")).output == "from beta"


async def test_a_bug_in_our_code_is_raised_not_hidden_by_a_fallback(tmp_path: Path) -> None:
    calls: list[str] = []
    router = router_with(raising(ValueError("our bug"), calls), answering("from beta", calls), tmp_path)
    model, trace = router.build(router.route("add milk"), offline(calls))

    with pytest.raises(ValueError, match="our bug"):
        await Agent(model).run("add milk")

    assert calls == ["ValueError"]  # neither beta nor the offline model was asked
    assert [c.label for c, _ in trace.failed] == ["alpha:a-small"]


def test_cloud_models_cost_their_list_price_local_models_the_files() -> None:
    usage = RequestUsage(input_tokens=1_000_000, output_tokens=1_000_000)
    listed = ModelResponse(
        parts=[TextPart("x")], usage=usage, model_name="gpt-4.1-mini", provider_name="openai"
    )
    price = list_price("openai", "gpt-4.1-mini")
    assert price is not None and price.input > 0 and price.output > price.input
    assert response_cost(listed, None) == pytest.approx(price.input + price.output)
    # A price in the file wins (local models, which no list knows).
    local = ModelResponse(
        parts=[TextPart("x")], usage=usage, model_name="llama3.1:8b", provider_name="ollama"
    )
    assert response_cost(local, ModelPrice(input=0.5, output=0.25)) == pytest.approx(0.75)
    # An unknown cloud model costs 0 rather than failing the reply.
    unknown = ModelResponse(
        parts=[TextPart("x")], usage=usage, model_name="no-such-model-9", provider_name="openai"
    )
    assert response_cost(unknown, None) == 0.0
    assert list_price("openai", "no-such-model-9") is None
