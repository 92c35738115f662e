"""The offline model: a pydantic-ai ``FunctionModel`` that needs no provider and no network.

It reads the user's message with the workspace-aware parser (``core.understanding``) and answers with the tool
calls an LLM would make; once the tools have run it answers with their headlines (first lines). A request the
parser maps to something the tools cannot do yet (a reminder, a subtask) is answered with what was understood
and that it isn't available; anything not understood gets a short list of what it can do and how to configure
an LLM provider.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

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
from pydantic_ai.tools import ToolDefinition
from pydantic_ai.usage import RequestUsage

from core.agent.choices import confirmable
from core.understanding.calls import Call, Question, Understanding
from core.understanding.parser import understand
from core.understanding.vocabulary import Vocabulary

OFFLINE_HELP = (
    "I'm the built-in offline assistant. I understand plain requests about tasks, such as "
    '"make a task to book the band next friday in Wedding, high priority", "what\'s overdue in Launch", '
    '"I\'m done with the slides", "hand the budget task to sam", "where\'s the task about invoices", '
    '"what did bob do this week" or "undo", plus every quick-add command (`help` lists them). For anything '
    "else, configure an LLM provider: set ANTHROPIC_API_KEY, OPENAI_API_KEY, GEMINI_API_KEY or XAI_API_KEY, "
    "or OLLAMA_BASE_URL=http://localhost:11434/v1 for a local Ollama, and restart (see docs/providers.md)."
)
# What a request needs that the tools do not offer yet, by the tool or argument the parser named.
_NOT_YET = {
    "remind": "reminders",
    "repeat": "recurring tasks",
}


def latest_user_text(messages: list[ModelMessage]) -> str:
    """The text of the newest user prompt in ``messages``."""
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


Tools = dict[str, set[str]]  # each tool's argument names


def tools_of(definitions: list[ToolDefinition]) -> Tools:
    """The argument names of each tool the agent offers."""
    return {t.name: set((t.parameters_json_schema or {}).get("properties", {})) for t in definitions}


def missing_feature(calls: list[Call], known: Tools) -> str | None:
    """What the calls need that the tools lack ("reminders"), or None when every tool and argument exists."""
    for call in calls:
        if call.tool not in known:
            return _NOT_YET.get(call.tool, f"`{call.tool}`")
        extra = [a for a in call.args if a not in known[call.tool]]
        if extra:
            return _NOT_YET.get(extra[0], f"`{extra[0]}` on {call.tool}")
    return None


def playable(found: Understanding, tools: Tools) -> bool:
    """True when ``found`` is tool calls that ``tools`` can make as they are: no LLM is needed."""
    return isinstance(found, list) and bool(found) and missing_feature(found, tools) is None


def answer_text(found: Understanding, tools: Tools) -> str:
    """The text to send when the understanding is not calls to make now."""
    if isinstance(found, Question):
        if len(found.choices) == 1 and confirmable(found.choices[0]) is None:
            ref = found.choices[0].args.get("ref", "its number")
            return f"{found.text} Say it again with {ref} to go ahead."
        return found.text
    if isinstance(found, str):
        return found
    if isinstance(found, list) and found:
        feature = missing_feature(found, tools)
        return f"I understood that, but {feature} aren't available yet. {_instead(found)}".strip()
    return OFFLINE_HELP


def _instead(calls: list[Call]) -> str:
    refs = [str(c.args["ref"]) for c in calls if "ref" in c.args]
    if refs:
        return f"You can still change {refs[0]} with `edit {refs[0]} …` (`help edit`)."
    return "`help` lists what works today."


def offline_model(
    vocab: Vocabulary, tz: str, now: datetime, known: dict[str, Understanding] | None = None
) -> FunctionModel:
    """The offline model for one turn: the workspace's names, the writer's zone and the turn's moment;
    ``known`` holds what was already understood of a text (read off the event loop)."""

    async def respond(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        last = messages[-1] if messages else None
        results = [p for p in last.parts if isinstance(p, ToolReturnPart | RetryPromptPart)] if last else []
        if results:
            text = " ".join(_headline(p) for p in results)
        else:
            text = latest_user_text(messages)
            found = known[text] if known and text in known else understand(text, vocab, tz=tz, now=now)
            tools = tools_of(info.function_tools)
            if isinstance(found, list) and playable(found, tools):
                calls: list[Any] = [ToolCallPart(c.tool, dict(c.args)) for c in found]
                return ModelResponse(parts=calls, usage=RequestUsage())
            text = answer_text(found, tools)
        # FunctionModel fills in an estimate when usage is empty; the responder logs offline runs as 0 tokens.
        return ModelResponse(parts=[TextPart(text)], usage=RequestUsage())

    return FunctionModel(respond, model_name="offline")
