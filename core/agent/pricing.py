"""Prices per million tokens and the cost estimate of a run."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ModelPrice(BaseModel):
    """USD per million input and output tokens, as the provider publishes them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    input: float = Field(default=0.0, ge=0)
    output: float = Field(default=0.0, ge=0)


FREE = ModelPrice()


def cost_usd(price: ModelPrice, input_tokens: int, output_tokens: int) -> float:
    """The estimated cost in USD (unrounded: callers sum several requests first)."""
    return (input_tokens * price.input + output_tokens * price.output) / 1_000_000
