"""Conversation context: pydantic-ai messages in ``Conversation.messages_json``, within a bounded window.

Turns older than the window are dropped from the messages and folded into ``Conversation.summary``, one short
line each, which the instructions carry; so long chats stay cheap and the prompt stays bounded.
"""

from __future__ import annotations

import logging

from pydantic_ai.messages import (
    ModelMessage,
    ModelMessagesTypeAdapter,
    ModelRequest,
    ModelResponse,
    TextPart,
    ToolCallPart,
    UserPromptPart,
)
from pydantic_core import ValidationError as CoreValidationError

from core.models import Conversation, utcnow
from core.store import Store

log = logging.getLogger(__name__)

MAX_TURNS = 8  # user messages kept verbatim
MAX_CHARS = 40_000  # serialized size kept; older turns go first past it
SUMMARY_LINES = 12


def load(conversation: Conversation) -> list[ModelMessage]:
    """The stored history; empty (and logged) when it can't be read, e.g. after a library upgrade."""
    try:
        return list(ModelMessagesTypeAdapter.validate_json(conversation.messages_json or "[]"))
    except (CoreValidationError, ValueError):
        log.warning("conversation %s: unreadable history dropped", conversation.id)
        return []


def turns(messages: list[ModelMessage]) -> list[list[ModelMessage]]:
    """Split at each request that carries a user prompt; tool calls stay with the turn that made them."""
    out: list[list[ModelMessage]] = []
    for message in messages:
        starts = isinstance(message, ModelRequest) and any(
            isinstance(p, UserPromptPart) for p in message.parts
        )
        if starts or not out:
            out.append([])
        out[-1].append(message)
    return out


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def summarize_turn(turn: list[ModelMessage]) -> str:
    """One line: what the user asked, which tools ran, how it was answered."""
    asked, tools, answer = "", [], ""
    for message in turn:
        for part in message.parts:
            if isinstance(part, UserPromptPart) and isinstance(part.content, str):
                asked = part.content
            elif isinstance(part, ToolCallPart):
                tools.append(part.tool_name)
            elif isinstance(part, TextPart) and isinstance(message, ModelResponse):
                answer = part.content
    line = f"user: {_clip(asked, 100)}"
    if tools:
        line += f" | tools: {', '.join(dict.fromkeys(tools))}"
    if answer:
        line += f" | answer: {_clip(answer, 100)}"
    return line


def save(conversation: Conversation, messages: list[ModelMessage]) -> None:
    """Keep the newest turns within the bounds; fold the dropped ones into the summary."""
    kept = turns(messages)
    dropped: list[list[ModelMessage]] = []
    while len(kept) > MAX_TURNS:
        dropped.append(kept.pop(0))
    data = ModelMessagesTypeAdapter.dump_json([m for t in kept for m in t])
    while len(data) > MAX_CHARS and len(kept) > 1:
        dropped.append(kept.pop(0))
        data = ModelMessagesTypeAdapter.dump_json([m for t in kept for m in t])
    if dropped:
        lines = [line for line in conversation.summary.splitlines() if line.strip()]
        lines += [summarize_turn(t) for t in dropped]
        conversation.summary = "\n".join(lines[-SUMMARY_LINES:])
    conversation.messages_json = data.decode()
    conversation.updated_at = utcnow()


async def reset(store: Store, conversation: Conversation) -> Conversation:
    """Forget the conversation's history, summary, active project and pending question."""
    await store.conversations.delete(conversation.workspace_id, conversation.id)
    return conversation.model_copy(
        update={
            "messages_json": "[]",
            "summary": "",
            "active_project_id": None,
            "pending_action": None,
            "updated_at": utcnow(),
        }
    )
