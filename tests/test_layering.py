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


# DESIGN §10: every user action from every surface is a Command run by the unit of work
# (ConversationHandler.execute/handle). Adapters translate; they never reach past it.
ADAPTERS = ["bot/slack", "bot/discord", "bot/console.py"]
# Attribute chains that would act on data (or resolve the actor) behind the unit of work's back.
_BYPASS = {
    ("handler", "commands"),
    ("handler", "actor_for"),
    ("services", "tasks"),
    ("services", "projects"),
    ("services", "undo"),
    ("services", "users"),
    ("services", "resolve"),
    ("services", "audit"),
}


# Not a user action on data: which server a person's DMs belong to is the Discord adapter's own routing
# state, kept in its workspace settings (`/orchestrator workspace`).
# Nor is Slack telling us an account was deactivated (`user_change`): membership, not a command.
_ROUTING_STATE = {
    ("bot/discord/workspaces.py", "services", "users"),
    ("bot/slack/events.py", "services", "users"),
}


def _adapter_files() -> list[Path]:
    files: list[Path] = []
    for entry in ADAPTERS:
        path = ROOT / entry
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return files


def _chains(tree: ast.AST) -> list[tuple[str, str, int]]:
    """(owner, attribute, line) for every ``x.owner.attribute`` / ``owner.attribute`` in the tree."""
    found: list[tuple[str, str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            inner = node.value
            if isinstance(inner, ast.Attribute):
                found.append((inner.attr, node.attr, node.lineno))
            elif isinstance(inner, ast.Name):
                found.append((inner.id, node.attr, node.lineno))
    return found


def test_adapters_act_only_through_the_unit_of_work() -> None:
    offenders: list[str] = []
    files = _adapter_files()
    assert len(files) > 10
    for path in files:
        source = path.read_text()
        tree = ast.parse(source)
        rel = path.relative_to(ROOT)
        if "CommandRunner" in source:
            offenders.append(f"{rel}: CommandRunner")
        for owner, attr, line in _chains(tree):
            owner = owner.lstrip("_")  # `self._services.tasks` is the same bypass
            if (owner, attr) in _BYPASS and (str(rel), owner, attr) not in _ROUTING_STATE:
                offenders.append(f"{rel}:{line}: {owner}.{attr}")
    assert offenders == []


# The one module that reads task refs and mentions, and the adapters' translators of platform syntax.
REF_READERS = {"core/refs.py", "bot/slack/translate.py", "bot/discord/translate.py"}
# What a regex that reads a mention (`<@…`) or a task ref (`T-3`, `t-?3`) looks like in source.
_REF_OR_MENTION = ("<@", "[tT]-", "t-?", "T-(", "T-\\d", "(?:t-?")


def _regex_literals(tree: ast.AST) -> list[tuple[str, int]]:
    """String literals handed to the ``re`` module (directly, or in module-level pattern constants)."""
    found: list[tuple[str, int]] = []
    docstrings = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr)}
    for node in ast.walk(tree):
        if id(node) in docstrings:
            continue
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "re"
        ):
            for arg in node.args[:1]:
                for sub in ast.walk(arg):
                    if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                        found.append((sub.value, node.lineno))
        elif (  # a mention pattern kept in a constant and compiled elsewhere
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and "<@" in node.value
            and any(c in node.value for c in "[(\\?")
        ):
            found.append((node.value, node.lineno))
    return found


def test_refs_and_mentions_are_read_in_one_core_module() -> None:
    offenders: list[str] = []
    for pkg in ("core", "bot"):
        for path in sorted((ROOT / pkg).rglob("*.py")):
            rel = str(path.relative_to(ROOT))
            if rel in REF_READERS:
                continue
            for literal, line in _regex_literals(ast.parse(path.read_text())):
                if any(marker in literal for marker in _REF_OR_MENTION):
                    offenders.append(f"{rel}:{line}: {literal!r}")
    assert offenders == []
