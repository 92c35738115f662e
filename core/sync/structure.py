"""Structure a tracker sends that our rules refuse: subtasks deeper than ``MAX_DEPTH``, a parent that is its
own subtask, or a blocker that waits on the task it blocks. Trackers allow some of these (Linear nests
sub-issues without limit; a Notion relation can point anywhere), so the engine checks each pulled link
against the workspace as this run leaves it, keeps the local value when one is refused, and says why in the
run's log. The refused value stays out of the baseline, so it is never pushed back as a removal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TypeVar

from core.integrations import RemoteTask
from core.models import Task
from core.services.structure_graph import MAX_DEPTH, depth, height, is_ancestor, waits_on
from core.store import TaskLink

T = TypeVar("T")


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


def remote_refs(remote: RemoteTask) -> list[str]:
    """The remote ids an item points at: its parent and its blockers."""
    f = remote.fields
    return [f.parent, *f.blocked_by] if f.parent else list(f.blocked_by)


def local_refs(task: Task) -> list[str]:
    """The local ids a task points at: its parent and its blockers."""
    return [task.parent_id, *task.dependencies] if task.parent_id else list(task.dependencies)


def parents_first(items: list[T], key: Callable[[T], str], refs: Callable[[T], list[str]]) -> list[T]:
    """``items`` with each one's parent and blockers (those among ``items``) before it; stable otherwise.

    A cycle (which neither side should allow) is broken where it is met, never looped on."""
    by_id = {key(item): item for item in items}
    if not any(refs(item) for item in items):
        return items
    out: list[T] = []
    state: dict[str, int] = {}  # 1 visiting, 2 placed
    for item in items:
        stack = [(key(item), iter(refs(item)))]
        state[key(item)] = state.get(key(item)) or 1
        if state[key(item)] == 2:
            continue
        while stack:
            node, pending = stack[-1]
            nxt = next((r for r in pending if r in by_id and not state.get(r)), None)
            if nxt is not None:
                state[nxt] = 1
                stack.append((nxt, iter(refs(by_id[nxt]))))
                continue
            stack.pop()
            state[node] = 2
            out.append(by_id[node])
    return out
