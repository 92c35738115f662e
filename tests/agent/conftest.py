"""Agent test helpers: a small providers file, scripted FunctionModels, a handler wired to the agent."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pydantic_ai.messages import ModelMessage, ModelRequest, ModelResponse, TextPart, ToolCallPart
from pydantic_ai.models import Model
from pydantic_ai.models.function import AgentInfo, FunctionModel
from pydantic_ai.usage import RequestUsage

from core.agent.config import ProviderSpec, load_config
from core.agent.responder import AgentResponder
from core.agent.router import Router
from core.conversation.handler import ConversationHandler
from core.conversation.messages import IncomingMessage, Reply
from core.models import Platform
from core.services import Services

# Two fake providers with prices, so routing, fallback and cost can be checked without the shipped file.
TEST_PROVIDERS = """
providers:
  alpha:
    kind: openai
    key_env: ALPHA_KEY
    models:
      a-small: {input: 1.0, output: 2.0}
      a-large: {input: 10.0, output: 20.0}
  beta:
    kind: anthropic
    key_env: BETA_KEY
    models:
      b-one: {input: 3.0, output: 15.0}
rules:
  quick_tasks: [alpha:a-small, beta:b-one]
  complex_reasoning: [beta:b-one, alpha:a-large]
  code_generation: [alpha:a-large]
  cost_optimized: [beta:b-one, alpha:a-small]
budget:
  daily_tokens: null
parser_first: false  # these tests script what the LLM does; test_parser_first.py covers the default
"""
BOTH_KEYS = {"ALPHA_KEY": "alpha-secret-key", "BETA_KEY": "beta-secret-key"}

Step = list[tuple[str, dict[str, Any]]] | str | Callable[[list[ModelMessage]], ModelResponse]


@dataclass
class Script:
    """A FunctionModel that plays ``steps`` in order: tool calls, or a final text."""

    steps: list[Step]
    usage: RequestUsage = field(default_factory=lambda: RequestUsage(input_tokens=100, output_tokens=20))
    seen: list[list[ModelMessage]] = field(default_factory=list)
    name: str = "scripted"

    def model(self) -> FunctionModel:
        async def play(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
            self.seen.append(list(messages))
            if not self.steps:
                raise AssertionError("the script ran out of steps")
            step = self.steps.pop(0)
            if callable(step):
                return step(messages)
            if isinstance(step, str):
                parts: list[Any] = [TextPart(step)]
            else:
                parts = [ToolCallPart(name, args) for name, args in step]
            return ModelResponse(parts=parts, usage=self.usage)

        return FunctionModel(play, model_name=self.name)

    def last_request_text(self) -> str:
        """Everything the model was sent in its latest request (tool returns, retry messages)."""
        last = self.seen[-1][-1]
        assert isinstance(last, ModelRequest)
        return " ".join(str(getattr(p, "content", "")) for p in last.parts)


def make_router(
    models: Mapping[str, Model | Script],
    env: Mapping[str, str],
    providers: str = TEST_PROVIDERS,
    tmp: Path | None = None,
) -> Router:
    """A router over ``providers`` whose models are the given scripts, by `provider:model`."""
    path = (tmp or Path("/tmp")) / "providers-test.yaml"
    path.write_text(providers)
    built = {k: (v.model() if isinstance(v, Script) else v) for k, v in models.items()}

    def builder(name: str, spec: ProviderSpec, model: str, environ: Mapping[str, str], http: Any) -> Model:
        return built[f"{name}:{model}"]

    return Router(load_config(path), env, builder=builder)


@dataclass
class Chat:
    """A conversation with the handler as a console user would have it."""

    handler: ConversationHandler
    user: str = "alice"
    channel: str = "terminal"
    workspace: str = "local"
    dm: bool = True

    async def send(self, text: str) -> Reply:
        return await self.handler.handle(
            IncomingMessage(
                platform=Platform.console,
                workspace_id=self.workspace,
                user_id=self.user,
                user_name=self.user,
                text=text,
                channel_id=self.channel,
                is_dm=self.dm,
                timezone="UTC",
            )
        )


@pytest.fixture
def chat_with(services: Services, tmp_path: Path) -> Callable[..., Chat]:
    """Build a Chat whose agent uses the given scripted models and environment."""

    def build(
        models: Mapping[str, Model | Script] | None = None,
        env: Mapping[str, str] | None = None,
        providers: str = TEST_PROVIDERS,
        preference: str | None = None,
        svc: Services | None = None,
    ) -> Chat:
        models = models or {}
        if env is None:  # keys for exactly the scripted providers
            env = {f"{k.split(':')[0].upper()}_KEY": "secret-" + k for k in models}
        router = make_router(models, env, providers, tmp_path)
        s = svc or services
        return Chat(ConversationHandler(s, AgentResponder(s, router, preference=preference)))

    return build
