"""DESIGN §1 for the agent: core/agent imports no platform, HTTP, storage or integration code."""

from __future__ import annotations

import ast
from pathlib import Path

import core.agent

FORBIDDEN = (
    "httpx",
    "httpx2",
    "slack_bolt",
    "slack_sdk",
    "discord",
    "deltalake",
    "aiohttp",
    "storage",
    "integrations",
)


def test_core_agent_imports_stay_inside_the_rules() -> None:
    root = Path(core.agent.__file__).parent
    offenders = []
    for path in sorted(root.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []
    assert len(list(root.glob("*.py"))) >= 10
    assert max(len(p.read_text().splitlines()) for p in root.glob("*.py")) < 400
