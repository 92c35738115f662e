"""Reminders printed in the terminal while `orchestrator chat` is open."""

from __future__ import annotations

from collections.abc import Callable

from core.conversation.messages import Reply
from core.models import Platform
from core.schedule.notify import Notice


class ConsoleNotifier:
    """Speaks for the console's workspaces by handing each notice's reply to ``show``."""

    def __init__(self, show: Callable[[Reply], None], *, viewer: str | None = None) -> None:
        self._show = show
        self._viewer = viewer  # the chat's own user id: others' reminders are marked as theirs

    def handles(self, platform: Platform) -> bool:
        return platform is Platform.console

    async def send(self, notice: Notice) -> str:
        reply = notice.reply
        person = notice.to.user
        if person is not None and self._viewer is not None and person.id != self._viewer:
            reply = Reply(f"(for {person.label}) {reply.text}", kind=reply.kind, tasks=reply.tasks)
        self._show(reply)
        return f"console:{notice.delivery_id}"

    async def landed(self, notice: Notice) -> str | None:
        # A terminal keeps no history to ask: after a crash mid-print the reminder is shown again.
        return None
