"""One ``Notifier`` over the platforms this process speaks on: each notice goes to the one that handles it."""

from __future__ import annotations

from collections.abc import Sequence

from core.errors import ConfigurationError
from core.models import Platform
from core.schedule.notify import Notice, Notifier


class Notifiers:
    """Routes each notice by its destination's platform (Slack, Discord, the console)."""

    def __init__(self, notifiers: Sequence[Notifier]) -> None:
        self._all = list(notifiers)

    def _for(self, platform: Platform) -> Notifier:
        for notifier in self._all:
            if notifier.handles(platform):
                return notifier
        raise ConfigurationError(f"Nothing here can send to {platform.value}.")

    def handles(self, platform: Platform) -> bool:
        return any(n.handles(platform) for n in self._all)

    async def send(self, notice: Notice) -> str:
        return await self._for(notice.to.platform).send(notice)

    async def landed(self, notice: Notice) -> str | None:
        return await self._for(notice.to.platform).landed(notice)

    def __bool__(self) -> bool:
        return bool(self._all)
