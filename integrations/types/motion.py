"""Motion's REST payloads (api-facts §1): labels are names in and ``{name}`` objects out, descriptions are
Markdown in and HTML out, statuses are the workspace's own names with default/resolved flags."""

from __future__ import annotations

from typing import NotRequired, TypedDict


class Label(TypedDict):
    name: str


class Status(TypedDict):
    name: str
    isDefaultStatus: bool
    isResolvedStatus: bool


class Workspace(TypedDict):
    id: str
    name: str
    teamId: NotRequired[str]
    type: NotRequired[str]
    labels: list[Label]
    statuses: list[Status]


class User(TypedDict):
    id: str
    name: str
    email: NotRequired[str | None]


class Project(TypedDict):
    id: str
    name: str
    description: NotRequired[str | None]  # HTML
    workspaceId: NotRequired[str]
    status: NotRequired[Status]


class Task(TypedDict):
    id: str
    name: str
    description: str | None  # HTML
    duration: int | str | None  # "NONE", "REMINDER" or minutes
    dueDate: str | None  # ISO 8601 datetime
    completed: bool
    completedTime: NotRequired[str | None]
    createdTime: str
    updatedTime: str
    status: Status
    priority: str  # ASAP | HIGH | MEDIUM | LOW
    project: Project | None
    labels: list[Label]
    assignees: list[User]


class Meta(TypedDict):
    pageSize: int
    nextCursor: NotRequired[str | None]


class TaskBody(TypedDict, total=False):
    """``POST /tasks`` (name and workspaceId required there) and ``PATCH /tasks/{id}``."""

    name: str
    workspaceId: str
    description: str  # Markdown
    status: str  # a status name
    priority: str
    labels: list[str]  # names
    dueDate: str | None
    duration: int | str
    assigneeId: str | None
    projectId: str | None
