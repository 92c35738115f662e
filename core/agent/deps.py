"""What every tool call gets: who is acting, the services, the conversation, and a record of the turn."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.models import Conversation, Project, Task
from core.services import Actor, Services
from core.services.details import TaskDetails
from core.services.history import ActivityLine


@dataclass
class TurnRecord:
    """What the tools did during one agent run; the reply and the AgentLog are built from it."""

    tasks: dict[str, Task] = field(default_factory=dict)  # by id, latest version, in first-touch order
    projects: dict[str, Project] = field(default_factory=dict)
    tool_calls: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    changed: int = 0  # existing tasks changed without confirmation this turn
    queued: list[dict[str, Any]] = field(default_factory=list)  # operations waiting for the user's yes
    activity: list[ActivityLine] = field(default_factory=list)  # history the answer should show, in words
    details: TaskDetails | None = None  # the task whose whole story the answer should show

    def touch(self, tasks: list[Task]) -> None:
        """Remember tasks the user should see under the answer."""
        for task in tasks:
            self.tasks.pop(task.id, None)
            self.tasks[task.id] = task

    def touch_project(self, project: Project) -> None:
        self.projects[project.id] = project

    @property
    def mutated(self) -> bool:
        """True when a tool call changed data (not only read it)."""
        return any(name not in _READ_ONLY for name in self.tool_calls)


_READ_ONLY = frozenset(
    {
        "list_tasks",
        "list_projects",
        "show_project",
        "search_tasks",
        "task_details",
        "activity",
        "count_tasks",
        "list_reminders",
    }
)
READ_ONLY_TOOLS = _READ_ONLY  # the tools that only read: an answer made of them changed nothing


@dataclass
class AgentDeps:
    """The agent's dependencies. The workspace comes only from ``actor``: no tool takes one."""

    actor: Actor
    services: Services
    conversation: Conversation
    turn: TurnRecord = field(default_factory=TurnRecord)
    _names: tuple[dict[str, str], dict[str, str]] | None = field(default=None, repr=False)

    async def names(self) -> tuple[dict[str, str], dict[str, str]]:
        """People's and projects' names by id, read once per turn: listing 25 tasks costs 2 reads, not 50."""
        if self._names is None:
            store, ws = self.services.store, self.actor.workspace_id
            users = {u.id: u.label for u in await store.users.list(ws)}
            projects = {p.id: p.name for p in await store.projects.list(ws, include_deleted=True)}
            self._names = (users, projects)
        return self._names

    def forget_names(self) -> None:
        """After creating a project: the next lookup reads the names again."""
        self._names = None
