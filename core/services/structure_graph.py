"""Walking the structure of work (``TaskLink`` rows): depth, subtasks, blockers, cycles and roll-ups.

Pure functions over one workspace's links, read once per command (``TaskRepo.links``), so a check never
reads a task row twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from core.store import TaskLink

MAX_DEPTH = 3  # a task, its subtask, and the subtask's subtask
Links = Mapping[str, TaskLink]


def depth(links: Links, task_id: str) -> int:
    """1 for a top-level task, 2 for its subtask, …; a broken chain stops where the parent is unknown."""
    level, seen, current = 1, {task_id}, links.get(task_id)
    while current is not None and current.parent_id and current.parent_id not in seen:
        seen.add(current.parent_id)
        level += 1
        current = links.get(current.parent_id)
    return level


def children(links: Links, task_id: str) -> list[TaskLink]:
    """The direct subtasks of ``task_id``, by number."""
    return sorted((x for x in links.values() if x.parent_id == task_id), key=lambda x: x.number)


def descendants(links: Links, task_id: str) -> list[TaskLink]:
    """Every subtask below ``task_id``, parents before their own subtasks."""
    by_parent: dict[str, list[TaskLink]] = {}
    for link in links.values():
        if link.parent_id:
            by_parent.setdefault(link.parent_id, []).append(link)
    out: list[TaskLink] = []
    seen = {task_id}
    queue = [task_id]
    while queue:
        for child in sorted(by_parent.get(queue.pop(0), []), key=lambda x: x.number):
            if child.id not in seen:
                seen.add(child.id)
                out.append(child)
                queue.append(child.id)
    return out


def height(links: Links, task_id: str) -> int:
    """How many levels ``task_id`` and its subtasks take: 1 for a task without subtasks."""
    below = descendants(links, task_id)
    if not below:
        return 1
    base = depth(links, task_id)
    return max(depth(links, x.id) for x in below) - base + 1


def is_ancestor(links: Links, maybe_ancestor: str, task_id: str) -> bool:
    """True when ``maybe_ancestor`` is ``task_id``'s parent, grandparent, …"""
    seen: set[str] = set()
    current = links.get(task_id)
    while current is not None and current.parent_id and current.parent_id not in seen:
        if current.parent_id == maybe_ancestor:
            return True
        seen.add(current.parent_id)
        current = links.get(current.parent_id)
    return False


def waits_on(links: Links, task_id: str, other: str) -> bool:
    """True when ``task_id`` is blocked by ``other``, directly or through a chain of blockers."""
    seen: set[str] = set()
    stack = [task_id]
    while stack:
        link = links.get(stack.pop())
        if link is None:
            continue
        for dep in link.dependencies:
            if dep == other:
                return True
            if dep not in seen:
                seen.add(dep)
                stack.append(dep)
    return False


def open_blockers(links: Links, link: TaskLink) -> list[TaskLink]:
    """The blockers of ``link`` still open (a deleted blocker blocks nothing: it isn't in ``links``)."""
    found = (links.get(d) for d in link.dependencies)
    return [b for b in found if b is not None and b.status.is_open]


def blocking(links: Links, task_id: str) -> list[TaskLink]:
    """The tasks whose dependencies hold ``task_id``, by number."""
    return sorted((x for x in links.values() if task_id in x.dependencies), key=lambda x: x.number)


@dataclass(frozen=True)
class Rollup:
    """Counts, overdue and progress of a set of tasks (a parent's subtasks, a project's tasks), on read."""

    total: int = 0
    done: int = 0
    overdue: int = 0
    estimate_total: int = 0  # minutes, over the tasks that have an estimate
    estimate_done: int = 0
    estimate_open: int = 0

    @property
    def progress(self) -> float:
        """Done over all, by count (0 when there is nothing)."""
        return self.done / self.total if self.total else 0.0

    @property
    def progress_by_estimate(self) -> float | None:
        """Done over all, by estimated minutes; None when nothing has an estimate."""
        return self.estimate_done / self.estimate_total if self.estimate_total else None


def rollup(tasks: Iterable[TaskLink], today: date) -> Rollup:
    """The roll-up of ``tasks`` for a reader whose day is ``today``; cancelled tasks count as neither."""
    total = done = overdue = est_total = est_done = 0
    for t in tasks:
        if t.status.value == "cancelled":
            continue
        total += 1
        finished = not t.status.is_open
        done += finished
        overdue += (not finished) and t.due_date is not None and t.due_date < today
        if t.estimate_minutes:
            est_total += t.estimate_minutes
            est_done += t.estimate_minutes if finished else 0
    return Rollup(total, done, overdue, est_total, est_done, est_total - est_done)


def minutes_label(minutes: int) -> str:
    """`45m`, `2h`, `1h30m`."""
    hours, mins = divmod(minutes, 60)
    if not hours:
        return f"{mins}m"
    return f"{hours}h{mins:02d}m" if mins else f"{hours}h"
