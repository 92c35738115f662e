"""The model chain of one message: members tagged for the Trace, joined by a FallbackModel that moves on
only when a provider fails as a provider.

Imported by ``Router.build`` on the first agent run, so a process that never runs the agent never loads
pydantic-ai's model machinery.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic_ai.exceptions import ModelAPIError
from pydantic_ai.messages import ModelMessage, ModelResponse
from pydantic_ai.models import Model, ModelRequestParameters
from pydantic_ai.models.fallback import FallbackModel
from pydantic_ai.models.wrapper import WrapperModel
from pydantic_ai.settings import ModelSettings

from core.agent.pricing import response_cost
from core.agent.router import OFFLINE, Candidate, Trace


class Tagged(WrapperModel):
    """A chain member that reports to the run's Trace."""

    def __init__(self, wrapped: Model, candidate: Candidate, trace: Trace) -> None:
        super().__init__(wrapped)
        self.candidate = candidate
        self.trace = trace

    async def request(
        self,
        messages: list[ModelMessage],
        model_settings: ModelSettings | None,
        model_request_parameters: ModelRequestParameters,
    ) -> ModelResponse:
        try:
            response = await super().request(messages, model_settings, model_request_parameters)
        except Exception as exc:
            self.trace.failed.append((self.candidate, exc))
            raise
        self.trace.answered.append((self.candidate, response.usage))
        if self.candidate.provider != OFFLINE:
            self.trace.cost_usd += response_cost(response, self.candidate.price)
        return response


def _is_transport_error(exc: Exception) -> bool:
    # httpx's TransportError (connect/read failures the SDK didn't wrap), matched by name: core never imports
    # httpx (DESIGN §1), and pydantic-ai wraps most of them in ModelAPIError already.
    return any(c.__name__ == "TransportError" and c.__module__.startswith("httpx") for c in type(exc).__mro__)


def fall_back(exc: Exception) -> bool:
    """Try the next provider only when this one failed as a provider: its API answered with an error, timed
    out or couldn't be reached. A bug in our own code (a ValueError in a wrapper, a tool crash) is raised
    as it is: every other provider would hit it too, and falling back would only hide it."""
    return isinstance(exc, ModelAPIError | TimeoutError | ConnectionError) or _is_transport_error(exc)


def chain(members: Sequence[Model]) -> Model:
    """One member as it is; several as a FallbackModel in order."""
    if len(members) == 1:
        return members[0]
    return FallbackModel(members[0], *members[1:], fallback_on=fall_back)
