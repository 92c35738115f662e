"""Structure a tracker sends that our rules refuse: subtasks deeper than ``MAX_DEPTH``, a parent that is its
own subtask, or a blocker that waits on the task it blocks. Trackers allow some of these (Linear nests
sub-issues without limit; a Notion relation can point anywhere), so the engine checks each pulled link
against the workspace as this run leaves it, keeps the local value when one is refused, and says why in the
run's log. The refused value stays out of the baseline, so it is never pushed back as a removal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from core.models import Task
from core.services.structure_graph import MAX_DEPTH, depth, height, is_ancestor, waits_on
from core.store import TaskLink


class StructureCheck:
    """The workspace's parents and blockers, kept current as the run queues its changes."""

    def __init__(self, tasks: Iterable[Task]) -> None:
        self.links: dict[str, TaskLink] = {}
        for task in tasks:
            if task.deleted_at is None:
                self.add(task)

    def add(self, task: Task) -> None:
        self.links[task.id] = TaskLink(
            task.id, task.number, task.status, task.parent_id, tuple(task.dependencies)
        )

    def refuse_parent(self, task_id: str, parent_id: str | None) -> str | None:
        """Why ``parent_id`` can't be ``task_id``'s parent, or None when it can."""
        if parent_id is None:
            return None
        if parent_id == task_id or is_ancestor(self.links, task_id, parent_id):
            return "its parent there is one of its own subtasks"
        below = height(self.links, task_id) if task_id in self.links else 1
        if depth(self.links, parent_id) + below > MAX_DEPTH:
            return f"subtasks nest {MAX_DEPTH} levels deep at most"
        return None

    def refused_blockers(self, task_id: str, blockers: Iterable[str]) -> list[str]:
        """The ``blockers`` that would close a loop (each waits on ``task_id``)."""
        return [b for b in blockers if b == task_id or waits_on(self.links, b, task_id)]

    def set(self, task_id: str, *, parent_id: str | None, dependencies: Iterable[str]) -> None:
        link = self.links.get(task_id)
        if link is not None:
            self.links[task_id] = replace(link, parent_id=parent_id, dependencies=tuple(dependencies))
