"""What a model request costs: list prices from genai-prices for the cloud vendors, the providers file's own
prices for local models (Ollama, vLLM, any OpenAI-compatible server), which no price list can know."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:  # both load with the first priced response, not with every process that reads prices
    from pydantic_ai.messages import ModelResponse

log = logging.getLogger(__name__)


class ModelPrice(BaseModel):
    """USD per million input and output tokens, as the provider publishes them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    input: float = Field(default=0.0, ge=0)
    output: float = Field(default=0.0, ge=0)


FREE = ModelPrice()
_PER_MILLION = 1_000_000
# A sample size below every price tier (Anthropic's long-context prices start at 200k input tokens), scaled up
# to the per-million figure `orchestrator models` shows.
_SAMPLE = 1_000


def cost_usd(price: ModelPrice, input_tokens: int, output_tokens: int) -> float:
    """The estimated cost in USD (unrounded: callers sum several requests first)."""
    return (input_tokens * price.input + output_tokens * price.output) / _PER_MILLION


def response_cost(response: ModelResponse, price: ModelPrice | None) -> float:
    """The cost of one model response: ``price`` when the providers file gives one (local models), else
    pydantic-ai's ``ModelResponse.cost()`` (genai-prices: cache reads, tiers, the price on that date).

    A model genai-prices doesn't know (a proxy's alias, a brand-new model) costs 0 here, with a debug line:
    the estimate is for budgets and reports, and must never fail a reply.
    """
    usage = response.usage
    if price is not None:
        return cost_usd(price, usage.input_tokens, usage.output_tokens)
    if not response.model_name:
        return 0.0
    try:
        return float(response.cost().total_price)
    except (LookupError, ValueError) as exc:
        log.debug("no list price for %s (%s): cost counted as 0", response.model_name, exc)
        return 0.0


def list_price(genai_provider: str, model: str) -> ModelPrice | None:
    """genai-prices' price of ``model`` per million tokens (below any tier), or None when it isn't listed."""
    from genai_prices import Usage, calc_price

    try:
        inp = calc_price(Usage(input_tokens=_SAMPLE), model, provider_id=genai_provider).total_price
        out = calc_price(Usage(output_tokens=_SAMPLE), model, provider_id=genai_provider).total_price
    except LookupError:
        return None
    scale = Decimal(_PER_MILLION // _SAMPLE)
    return ModelPrice(input=float(inp * scale), output=float(out * scale))
