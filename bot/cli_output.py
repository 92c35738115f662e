"""Output and error handling shared by every `orchestrator` sub-command."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, NoReturn, TypeVar

import typer
from rich.console import Console

from core.errors import OrchestratorError

T = TypeVar("T")

out = Console()
err = Console(stderr=True)


def fail(exc: OrchestratorError) -> NoReturn:
    """Print the error's chat-friendly message in red and exit with code 2 (never a traceback)."""
    err.print(f"[red]{exc}[/red]")
    raise typer.Exit(code=2)


def run(main: Coroutine[Any, Any, T]) -> T:
    """Run a command's coroutine; the project's own errors become ``fail``."""
    try:
        return asyncio.run(main)
    except OrchestratorError as exc:
        fail(exc)
