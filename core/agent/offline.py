"""The offline model: a pydantic-ai ``FunctionModel`` that needs no provider and no network.

It reads the user's message with ``core.agent.intents`` and answers with the tool calls an LLM would make;
once the tools have run it answers with their headlines (first lines). Anything it does not understand gets a
short list of what it can do and how to configure an LLM provider.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from pydantic_ai.messages import (
    ModelMessage,
    ModelRequest,
    ModelResponse,
    RetryPromptPart,
    TextPart,
    ToolCallPart,
    ToolReturnPart,
    UserPromptPart,
)
from pydantic_ai.models.function import AgentInfo, FunctionModel
from pydantic_ai.usage import RequestUsage

from core.agent.intents import interpret

OFFLINE_HELP = (
    "I'm the built-in offline assistant, so I understand simple requests such as "
    '"remind me to call Sam tomorrow", "what\'s due this week", "what is overdue in Launch", '
    '"mark T-3 as done", "assign T-2 to @sam", "move T-4 to friday", "show project Launch" or "undo", '
    "plus every quick-add command (`help` lists them). For anything else, configure an LLM provider: set "
    "ANTHROPIC_API_KEY, OPENAI_API_KEY, GEMINI_API_KEY or XAI_API_KEY, or OLLAMA_BASE_URL="
    "http://localhost:11434/v1 for a local Ollama, and restart (see docs/providers.md)."
)


def _latest_user_text(messages: list[ModelMessage]) -> str:
    for message in reversed(messages):
        if isinstance(message, ModelRequest):
            for part in reversed(message.parts):
                if isinstance(part, UserPromptPart) and isinstance(part.content, str):
                    return part.content
    return ""


def _headline(part: ToolReturnPart | RetryPromptPart) -> str:
    if isinstance(part, RetryPromptPart):
        content = part.content if isinstance(part.content, str) else "the request was not valid"
        return f"I couldn't do that: {content}"
    text = part.content if isinstance(part.content, str) else part.model_response_str()
    if part.outcome == "retried":
        return f"I couldn't do that: {text}"
    return text.strip().splitlines()[0] if text.strip() else "Done."


def offline_model(tz: str, now: Callable[[], datetime] | None = None) -> FunctionModel:
    """The offline model for a user in zone ``tz`` (dates in their messages are checked in that zone)."""

    async def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        last = messages[-1] if messages else None
        results = [p for p in last.parts if isinstance(p, ToolReturnPart | RetryPromptPart)] if last else []
        if results:
            text = " ".join(_headline(p) for p in results)
        else:
            found = interpret(_latest_user_text(messages), tz=tz, now=now() if now else None)
            known = {t.name for t in info.function_tools}
            if isinstance(found, list) and found and all(c.tool in known for c in found):
                calls = [ToolCallPart(c.tool, dict(c.args)) for c in found]
                return ModelResponse(parts=list(calls), usage=RequestUsage())
            text = found if isinstance(found, str) else OFFLINE_HELP
        # FunctionModel fills in an estimate when usage is empty; the responder logs offline runs as 0 tokens.
        return ModelResponse(parts=[TextPart(text)], usage=RequestUsage())

    return FunctionModel(respond, model_name="offline")
