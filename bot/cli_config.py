"""`orchestrator config show`: the effective settings, secrets masked, and where each value came from."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import typer
from pydantic import BaseModel, SecretStr, ValidationError
from rich.table import Table

from bot.cli_output import err, out
from core.settings import SECTIONS, Settings

config_app = typer.Typer(help="The settings this process would use.", no_args_is_help=True)

# Secrets show a recognisable prefix only when it is a public, fixed marker (Slack's token kinds), never any
# part of the random body.
_KNOWN_PREFIXES = ("xoxb-", "xoxp-", "xapp-", "sk-ant-", "sk-", "xai-")


def mask(secret: SecretStr | None) -> str:
    """``xoxb-…(masked)`` for a Slack bot token, ``****`` for any other secret; empty when unset."""
    if secret is None:
        return ""
    value = secret.get_secret_value()
    if not value:
        return ""
    prefix = next((p for p in _KNOWN_PREFIXES if value.startswith(p) and len(value) > len(p) + 8), None)
    return f"{prefix}…(masked)" if prefix else "****"


def _shown(value: Any) -> str:
    if isinstance(value, SecretStr):
        return mask(value)
    if isinstance(value, dict):
        # Storage options and a custom providers file's variables carry credentials: show the names only.
        return ", ".join(f"{k}=****" for k in value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _origin(settings: Settings, path: str) -> str:
    origin = settings.origin(path)
    names = Settings.variables_of(path)
    # A default names the variable that would change it.
    return f"default ({names[0]})" if origin == "default" and names else origin


def rows(settings: Settings) -> Iterator[tuple[str, str, str]]:
    """(setting, shown value, origin) for every setting, sections first."""
    for section in SECTIONS:
        model: BaseModel = getattr(settings, section)
        for name in type(model).model_fields:
            path = f"{section}.{name}"
            yield path, _shown(getattr(model, name)), _origin(settings, path)
    for name in type(settings).model_fields:
        if name in SECTIONS or name == "origins":
            continue
        yield name, _shown(getattr(settings, name)), _origin(settings, name)


def load_settings() -> Settings:
    """The settings from the environment and `.env`; a bad value is one red line and exit code 2 (the
    message names the field, never its value)."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        err.print(f"The settings are invalid: {problems}", style="red", markup=False)
        raise typer.Exit(code=2) from None


@config_app.command("show")
def show() -> None:
    """Every setting with its value (secrets masked) and where it came from: environment, .env or default."""
    settings = load_settings()
    table = Table("setting", "value", "from")
    for path, value, origin in rows(settings):
        table.add_row(path, value, origin)
    out.print(table)
