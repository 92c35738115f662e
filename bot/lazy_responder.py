"""The agent, loaded on the first free-form message instead of at start.

pydantic-ai and its model machinery are about 25 MB of a process that otherwise idles on slash commands and
quick-add text, which never need them. The first free-form message imports them in a worker thread (about a
second, once; the event loop keeps serving) and every later one goes straight to the AgentResponder.
"""

from __future__ import annotations

import asyncio
import importlib
from typing import TYPE_CHECKING, Any

from core.agent.router import Router
from core.conversation.messages import Reply
from core.models import Conversation
from core.services import Actor, Services

if TYPE_CHECKING:
    from core.agent.responder import AgentResponder
    from core.quickadd import QuickAddError


def _load() -> Any:
    """Import the agent, and build one throwaway model: the first model built loads pydantic-ai's price
    tables (genai-prices, about a second when its bytecode isn't cached yet), which must not happen on the
    loop in someone's first turn."""
    module = importlib.import_module("core.agent.responder")
    from pydantic_ai.models.function import FunctionModel

    FunctionModel(lambda messages, info: None, model_name="warm-up")  # type: ignore[arg-type, return-value]
    return module


class LazyResponder:
    """A ``FreeFormResponder`` that builds the real AgentResponder when first asked."""

    def __init__(self, services: Services, router: Router, *, preference: str | None = None) -> None:
        self._services = services
        self._router = router
        self._preference = preference
        self._agent: AgentResponder | None = None
        self._loading = asyncio.Lock()

    @property
    def understands_free_text(self) -> bool:
        """True when an LLM provider is configured (answered by the router, without loading the agent)."""
        return any(status.available for status in self._router.statuses())

    async def agent(self) -> AgentResponder:
        """The AgentResponder, imported off the event loop the first time."""
        if self._agent is None:
            async with self._loading:
                if self._agent is None:
                    module = await asyncio.to_thread(_load)
                    self._agent = module.AgentResponder(
                        self._services, self._router, preference=self._preference
                    )
        return self._agent

    async def respond(
        self, actor: Actor, conversation: Conversation, text: str, *, malformed: QuickAddError | None = None
    ) -> Reply:
        """Run one agent turn for ``text``."""
        return await (await self.agent()).respond(actor, conversation, text, malformed=malformed)
