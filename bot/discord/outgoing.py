"""A core Reply as everything one Discord message needs: content, embeds and the task buttons."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import discord
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential

from bot.discord.embeds import render
from bot.discord.views import confirm_delete, task_actions
from core.conversation.messages import Reply, ReplyKind


@dataclass
class Outgoing:
    content: str
    embeds: list[discord.Embed] = field(default_factory=list)
    view: discord.ui.View | None = None

    @classmethod
    def of(cls, reply: Reply, workspace_id: str | None) -> Outgoing:
        """Buttons only for replies in a known workspace (their custom_ids name it)."""
        rendered = render(reply)
        view: discord.ui.View | None = None
        if workspace_id and reply.kind is ReplyKind.confirm and reply.confirm_action == "delete":
            view = confirm_delete(reply.tasks, workspace_id)
        elif workspace_id and not reply.is_error:
            view = task_actions(reply.tasks, workspace_id)
        return cls(rendered.content, rendered.embeds, view)

    @classmethod
    def text(cls, content: str) -> Outgoing:
        return cls(content)


def _unavailable(exc: BaseException) -> bool:
    # discord.py retries 500, 502, 504 and 429 itself, but not 503: an answer refused once would be lost
    # while the change it reports is already stored.
    return isinstance(exc, discord.HTTPException) and exc.status == 503


async def deliver(send: Callable[[], Awaitable[object]]) -> None:
    """Send an answer, trying again (up to 3 times, backing off) when Discord is briefly unavailable."""
    async for attempt in AsyncRetrying(
        retry=retry_if_exception(_unavailable),
        stop=stop_after_attempt(3),
        wait=wait_exponential(multiplier=0.5, max=4),
        reraise=True,
    ):
        with attempt:
            await send()
