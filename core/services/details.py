"""Everything `show T-n` tells about one task: who made it and when, where it came from, its tracker links,
its place among other tasks, and its last few changes."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from core.models import IntegrationType, Project, Task, User
from core.services.actor import Actor
from core.services.history import ActivityLine, ActivityService
from core.services.resolve import Resolver
from core.services.structure import StructureService
from core.services.structure_graph import Rollup, rollup
from core.services.timing import annotate_task
from core.store import Store, TaskLink

RECENT_EVENTS = 5
_TRACKERS = {kind.value: kind.value.capitalize() for kind in IntegrationType}
_TRACKERS["gitlab"] = "GitLab"


@dataclass(frozen=True)
class TrackerLink:
    """The task's item in a tracker: which one, its id there, and a link when one is known."""

    tracker: str  # "Linear"
    remote_id: str
    url: str | None = None


@dataclass(frozen=True)
class TaskDetails:
    task: Task
    creator: User | None = None
    project: Project | None = None
    links: list[TrackerLink] = field(default_factory=list)
    recent: list[ActivityLine] = field(default_factory=list)
    parent: Task | None = None
    blocked_by: list[Task] = field(default_factory=list)
    subtasks: list[Task] = field(default_factory=list)  # the direct ones, by number
    rollup: Rollup | None = None  # over every subtask below (None: it has none)


def tracker_links(task: Task) -> list[TrackerLink]:
    """One link per linked tracker, read from ``external_ids`` (``linear`` → the item's id).

    The sync keeps ``<kind>`` (the remote id) and ``<kind>:sync`` (its baseline); a ``<kind>:url`` entry is
    the item's web address when the sync recorded one. Notion's address follows from the page id alone.
    """
    ids = task.external_ids
    links: list[TrackerLink] = []
    for kind, label in _TRACKERS.items():
        remote = ids.get(kind)
        if not remote:
            continue
        url = ids.get(f"{kind}:url")
        if url is None and kind == IntegrationType.notion.value:
            url = f"https://www.notion.so/{remote.replace('-', '')}"
        links.append(TrackerLink(label, remote, url))
    return links


class DetailsService:
    """Reads for `show T-n` and the agent's ``task_details``; it changes nothing."""

    def __init__(
        self, store: Store, resolver: Resolver, activity: ActivityService, structure: StructureService
    ) -> None:
        self._store = store
        self._resolve = resolver
        self._activity = activity
        self._structure = structure

    async def details(self, actor: Actor, ref: str | int, *, recent: int = RECENT_EVENTS) -> TaskDetails:
        task = annotate_task(await self._resolve.task(actor, ref), actor.now())
        ws = actor.workspace_id
        related = [task.parent_id, *task.dependencies] if task.parent_id else list(task.dependencies)
        creator, project, lines, others, below = await asyncio.gather(
            self._store.users.get(ws, task.created_by) if task.created_by else _none(),
            self._store.projects.get(ws, task.project_id) if task.project_id else _none(),
            self._activity.recent(actor, task, limit=recent),
            asyncio.gather(*(self._store.tasks.get(ws, i) for i in related)),
            self._structure.subtasks_of(actor, [task]),
        )
        by_id = {t.id: t for t in others if t is not None and t.deleted_at is None}
        direct = sorted((t for t in below if t.parent_id == task.id), key=lambda t: t.number)
        return TaskDetails(
            task=task,
            creator=creator,
            project=project,
            links=tracker_links(task),
            recent=lines,
            parent=by_id.get(task.parent_id) if task.parent_id else None,
            blocked_by=[by_id[i] for i in task.dependencies if i in by_id],
            subtasks=direct,
            rollup=rollup([_link(t) for t in below], actor.today()) if below else None,
        )


def _link(task: Task) -> TaskLink:
    return TaskLink(
        id=task.id,
        number=task.number,
        status=task.status,
        estimate_minutes=task.estimate_minutes,
        due_date=task.due_date,
    )


async def _none() -> None:
    return None
