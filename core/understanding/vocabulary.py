"""The names a workspace's messages can use: its projects, people and open tasks, read once per turn."""

from __future__ import annotations

import asyncio
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace

from core.models import Project, Task, User
from core.store import Store, TaskName

MAX_TITLES = 2000  # the open tasks a message may name by title: the most recently updated ones
MAX_CLOSED = 200  # and the closed or deleted ones, for "reopen the slides" and "restore the budget task"


def slug(text: str) -> str:
    """`Website Relaunch!` → `website-relaunch`: lower case, no accents, other runs as one dash."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


@dataclass(frozen=True)
class ProjectName:
    ref: str  # "P-2"
    name: str


@dataclass(frozen=True)
class PersonName:
    id: str
    name: str
    display_name: str | None = None
    slack_user_id: str | None = None
    discord_user_id: str | None = None

    @property
    def label(self) -> str:
        return self.display_name or self.name


@dataclass(frozen=True)
class TaskTitle:
    number: int
    title: str
    project_ref: str | None = None
    assignee_id: str | None = None

    @property
    def ref(self) -> str:
        return f"T-{self.number}"


@dataclass(frozen=True)
class Vocabulary:
    """Everything the parser may resolve a word to; ``me`` is the id of the person who is writing."""

    me: str
    projects: tuple[ProjectName, ...] = ()
    people: tuple[PersonName, ...] = ()
    tasks: tuple[TaskTitle, ...] = ()  # open tasks only
    closed: tuple[TaskTitle, ...] = ()  # recently completed or deleted ones: what `reopen`/`restore` can name

    @classmethod
    def of(
        cls,
        me: str,
        projects: list[Project],
        people: list[User],
        tasks: list[Task],
        closed: Sequence[Task] = (),
    ) -> Vocabulary:
        """Build from store rows (deleted projects and people are left out)."""
        by_id = {p.id: p.ref for p in projects}

        def title(t: Task) -> TaskTitle:
            return TaskTitle(t.number, t.title, by_id.get(t.project_id or ""), t.assignee_id)

        return cls(
            me=me,
            projects=tuple(ProjectName(p.ref, p.name) for p in projects if p.deleted_at is None),
            people=tuple(
                PersonName(u.id, u.name, u.display_name, u.slack_user_id, u.discord_user_id)
                for u in people
                if u.deleted_at is None
            ),
            tasks=tuple(title(t) for t in tasks if t.is_open),
            closed=tuple(title(t) for t in closed if not t.is_open),
        )


async def load_vocabulary(store: Store, workspace_id: str, me: str) -> Vocabulary:
    """The workspace's names: projects, people, and the numbers and titles of at most ``MAX_TITLES`` open and
    ``MAX_CLOSED`` closed tasks (a narrow read: no whole task rows)."""
    # Four independent reads: at once, not one after the other (each is a scan on Delta).
    projects, people, open_names, closed_names = await asyncio.gather(
        store.projects.list(workspace_id),
        store.users.list(workspace_id),
        store.tasks.names(workspace_id, open_tasks=True, limit=MAX_TITLES),
        store.tasks.names(workspace_id, open_tasks=False, limit=MAX_CLOSED),
    )
    refs = {p.id: p.ref for p in projects}

    def title(t: TaskName) -> TaskTitle:
        return TaskTitle(t.number, t.title, refs.get(t.project_id or ""), t.assignee_id)

    vocab = Vocabulary.of(me, projects, people, [])
    return replace(vocab, tasks=tuple(map(title, open_names)), closed=tuple(map(title, closed_names)))
