"""Small builders of domain objects for the contract tests."""

from __future__ import annotations

from typing import Any

from core.models import Project, Task

WS = "acme"
OTHER = "globex"


def task(title: str = "Task", workspace_id: str = WS, **fields: Any) -> Task:
    return Task(workspace_id=workspace_id, title=title, **fields)


def project(name: str = "Project", workspace_id: str = WS, **fields: Any) -> Project:
    return Project(workspace_id=workspace_id, name=name, **fields)
