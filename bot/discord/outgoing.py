"""A core Reply as everything one Discord message needs: content, embeds and the task buttons."""

from __future__ import annotations

from dataclasses import dataclass, field

import discord

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
