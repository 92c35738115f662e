"""DESIGN §1 for the whole tree: who may import whom, and no module past ~500 lines."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLATFORM = {
    "httpx",
    "httpx2",
    "slack_bolt",
    "slack_sdk",
    "discord",
    "deltalake",
    "aiohttp",
    "sqlalchemy",
    "alembic",
}
# Modules of the project each package may import (by top-level package, or exact module for core).
RULES: dict[str, tuple[set[str], set[str]]] = {
    # package: (forbidden top-level packages, allowed core modules or {"*"})
    "core": (PLATFORM | {"storage", "integrations", "bot"}, {"*"}),
    "storage": (
        {"bot", "integrations", "httpx", "slack_bolt", "discord"},
        {"core.models", "core.store", "core.errors"},
    ),
    "integrations": (
        {"bot", "storage", "deltalake", "sqlalchemy", "slack_bolt", "discord"},
        {"core.models", "core.errors", "core.integrations"},
    ),
}


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


@pytest.mark.parametrize("package", sorted(RULES))
def test_packages_import_only_what_the_design_allows(package: str) -> None:
    forbidden, allowed_core = RULES[package]
    offenders: list[str] = []
    files = sorted((ROOT / package).rglob("*.py"))
    assert files
    for path in files:
        for name in _imports(path):
            top = name.split(".")[0]
            if top in forbidden:
                offenders.append(f"{path.relative_to(ROOT)}: {name}")
            elif (
                top == "core"
                and "*" not in allowed_core
                and not any(name == m or name.startswith(m + ".") for m in allowed_core)
            ):
                offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert offenders == []


def test_no_module_is_a_grab_bag() -> None:
    sources = [p for pkg in ("core", "bot", "storage", "integrations") for p in (ROOT / pkg).rglob("*.py")]
    assert not [p for p in sources if p.stem in {"utils", "helpers", "misc", "common"}]
    too_long = [
        f"{p.relative_to(ROOT)}: {n}" for p in sources if (n := len(p.read_text().splitlines())) > 500
    ]
    assert too_long == []
