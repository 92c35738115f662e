"""`orchestrator models` and `orchestrator usage`: the agent's providers, routing rules and spending."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from bot.wiring import runtime
from core.agent.classify import TaskType
from core.agent.config import GENAI_PROVIDER, ProviderKind
from core.agent.pricing import FREE, ModelPrice, list_price
from core.agent.router import Router
from core.agent.usage import usage_report
from core.errors import OrchestratorError
from core.settings import Settings

out = Console()
err = Console(stderr=True)


def _router() -> Router:
    try:
        return Router.from_settings(Settings())
    except OrchestratorError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(code=2) from None


def _price(kind: ProviderKind, model: str, price: ModelPrice | None) -> str:
    """The file's price, else genai-prices' list price; `?` when neither knows the model."""
    if price is None and kind.local:
        price = FREE
    if price is None and kind in GENAI_PROVIDER:
        price = list_price(GENAI_PROVIDER[kind], model)
    return f"{price.input:g} / {price.output:g}" if price is not None else "? / ?"


def models_command() -> None:
    """LLM providers, which are available (key set), and the routing rules by task type."""
    router = _router()
    providers = Table("provider", "available", "models ($ per 1M tokens in / out)")
    for status in router.statuses():
        spec = status.spec
        models = "\n".join(f"{m} ({_price(spec.kind, m, p)})" for m, p in spec.models.items())
        state = "yes" if status.available else "no: set " + ", ".join(status.missing)
        providers.add_row(f"{status.name}\n({spec.kind.value})", state, models)
    out.print(providers)
    rules = Table("task type", "answers now", "models in order (then offline)")
    for task_type in TaskType:
        chain = router.rule(task_type)
        first = next((c.label for c in chain if router.available(c.provider)), "offline")
        rules.add_row(task_type.value, first, "\n".join(c.label for c in chain))
    out.print(rules)
    budget = router.config.budget.daily_tokens
    out.print(f"Daily token budget per workspace: {f'{budget:,}' if budget is not None else 'none'}.")


def usage_command(
    days: Annotated[int, typer.Option(help="How many days back.", min=1)] = 7,
    workspace: Annotated[str | None, typer.Option(help="One workspace only.")] = None,
) -> None:
    """Agent runs, tokens and estimated cost per workspace and provider, and the share of free-form turns
    answered without an LLM (quick-add commands never reach one and are not counted)."""

    async def main() -> None:
        async with runtime() as rt:
            report = await usage_report(rt.store, days, workspace)
        lines = report.lines
        if not lines:
            out.print(f"No agent runs in the last {days} day(s).")
            return
        table = Table(
            "workspace", "provider", "model", "runs", "tokens in", "tokens out", "cost $", "avg ms", "errors"
        )
        for line in lines:
            table.add_row(
                line.workspace_id,
                line.provider,
                line.model,
                str(line.runs),
                f"{line.input_tokens:,}",
                f"{line.output_tokens:,}",
                f"{line.cost_usd:.4f}",
                f"{line.avg_latency_ms:.0f}",
                str(line.errors),
            )
        out.print(table)
        out.print(report.offline.describe())

    try:
        asyncio.run(main())
    except OrchestratorError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(code=2) from None
