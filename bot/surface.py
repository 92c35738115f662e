"""The contract between `orchestrator serve` and each chat platform adapter (like opsdroid's Connector)."""

from __future__ import annotations

from typing import Protocol

from aiohttp import web


class ChatSurface(Protocol):
    """One platform adapter run by `serve`: mounts HTTP routes if it has any, then runs until stopped."""

    name: str

    def mount(self, app: web.Application) -> None:
        """Add HTTP routes (called before the web server starts; the router is frozen after)."""
        ...

    async def start(self) -> None:
        """Connect (Socket Mode, gateway…); return once running in the background."""
        ...

    async def stop(self) -> None:
        """Disconnect and release everything started by ``start``."""
        ...
