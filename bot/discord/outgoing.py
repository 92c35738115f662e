"""A core Reply as everything one Discord message needs: content, embeds and the task buttons."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import discord
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential

from bot.charts import chart_png
from bot.discord.embeds import render
from bot.discord.files import png_file
from bot.discord.views import confirm_complete_all, confirm_delete, task_actions
from core.conversation.messages import Reply, ReplyKind
from core.schedule.chart_data import ChartData

log = logging.getLogger(__name__)


@dataclass
class Outgoing:
    content: str
    embeds: list[discord.Embed] = field(default_factory=list)
    view: discord.ui.View | None = None
    chart: tuple[bytes, ChartData] | None = None  # a drawn chart to attach (``drawn``)

    @classmethod
    def of(cls, reply: Reply, workspace_id: str | None) -> Outgoing:
        """Buttons only for replies in a known workspace (their custom_ids name it)."""
        rendered = render(reply)
        view: discord.ui.View | None = None
        if workspace_id and reply.kind is ReplyKind.confirm and reply.confirm_action == "delete":
            view = confirm_delete(reply.tasks, workspace_id)
        elif workspace_id and reply.kind is ReplyKind.confirm and reply.confirm_action == "complete_all":
            view = confirm_complete_all(reply.tasks, workspace_id)
        elif workspace_id and not reply.is_error:
            view = task_actions(reply.tasks, workspace_id)
        return cls(rendered.content, rendered.embeds, view)

    @classmethod
    async def drawn(cls, reply: Reply, workspace_id: str | None) -> Outgoing:
        """``of``, with the reply's chart drawn (in a worker thread) to go along as an attachment."""
        out = cls.of(reply, workspace_id)
        if reply.chart is not None:
            try:
                out.chart = (await chart_png(reply.chart), reply.chart)
            except Exception:  # a drawing bug must not leave the answer unsent
                log.exception("drawing the chart %r failed", reply.chart.title)
                out.content += "\n-# I couldn't draw the chart this time."
        return out

    def files(self) -> list[discord.File]:
        """The attachments, fresh for each attempt of a send (a request reads and closes its files)."""
        return [png_file(*self.chart)] if self.chart is not None else []

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
