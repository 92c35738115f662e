"""Mapping policy between local rows and the neutral ``TaskFields``, and the per-task sync state.

Each linked task keeps, in ``Task.external_ids``:
- ``"<kind>"``: the remote id (e.g. ``"motion": "abc"``): the link, forever after;
- ``"<kind>:sync"``: the baseline, a JSON object of each synced field's fingerprint as both sides last
  agreed.
Keeping the baseline on the task row means a task's link, values and baseline change in one write, so a crash
never leaves them out of step, and changes are found by comparing values, not clocks.

Structure (``parent``, ``blocked_by``) is compared as remote ids, each side seen through the tasks both sides
know: a local link to a task the tracker doesn't have yet, or a remote one to an item not imported, is left
out of the comparison (and out of the baseline), so it is neither sent as a removal nor dropped here; it
flows once both ends are linked. A tracker without a structure field keeps it local only.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from core.integrations import SYNCED_FIELDS, RemoteTask, TaskFields
from core.models import IntegrationType, Task, TaskStatus, utcnow
from core.services.validation import MAX_TITLE  # a longer remote title is cut, not refused

Baseline = dict[str, Any]


def link_key(kind: IntegrationType) -> str:
    return kind.value


def state_key(kind: IntegrationType) -> str:
    return f"{kind.value}:sync"


def fingerprint(values: Mapping[str, Any]) -> Baseline:
    """Per-field comparable values; descriptions are hashed so the baseline stays small."""
    out: Baseline = {}
    for name in SYNCED_FIELDS:
        value = values.get(name)
        if name == "description":
            value = "h:" + hashlib.sha256(str(value or "").encode()).hexdigest()[:20]
        out[name] = value
    return out


def read_base(task: Task, kind: IntegrationType) -> Baseline | None:
    raw = task.external_ids.get(state_key(kind))
    if not raw:
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    # A baseline written before a field was synced lacks it: the field was empty on both sides then.
    return {name: data.get(name) for name in SYNCED_FIELDS}


def linked_ids(task: Task, kind: IntegrationType, remote_id: str, base: Baseline) -> dict[str, str]:
    """``external_ids`` with this integration's link and baseline set (other integrations' kept)."""
    ids = dict(task.external_ids)
    ids[link_key(kind)] = remote_id
    ids[state_key(kind)] = json.dumps(base, sort_keys=True, separators=(",", ":"))
    return ids


def unlinked_ids(task: Task, kind: IntegrationType) -> dict[str, str]:
    return {k: v for k, v in task.external_ids.items() if k not in (link_key(kind), state_key(kind))}


@dataclass
class Directory:
    """Local ↔ remote ids of people, projects and tasks for one integration run, and the structure fields
    the tracker keeps."""

    user_to_remote: dict[str, str] = field(default_factory=dict)
    remote_to_user: dict[str, str] = field(default_factory=dict)
    project_to_remote: dict[str, str] = field(default_factory=dict)
    remote_to_project: dict[str, str] = field(default_factory=dict)
    task_to_remote: dict[str, str] = field(default_factory=dict)
    remote_to_task: dict[str, str] = field(default_factory=dict)
    structure: frozenset[str] = frozenset()

    def link_task(self, task_id: str, remote_id: str) -> None:
        self.task_to_remote[task_id] = remote_id
        self.remote_to_task[remote_id] = task_id

    def link_user(self, user_id: str, remote_id: str) -> None:
        self.user_to_remote[user_id] = remote_id
        self.remote_to_user[remote_id] = user_id

    def link_project(self, project_id: str, remote_id: str) -> None:
        self.project_to_remote[project_id] = remote_id
        self.remote_to_project[remote_id] = project_id


def local_fields(task: Task, directory: Directory, base: Baseline | None) -> TaskFields:
    """A local task in neutral terms.

    A remote assignee or project with no local counterpart was stored locally as "none"; it is reported as the
    baseline's value so that it does not look like a local change that would clear it remotely.
    """
    assignee = directory.user_to_remote.get(task.assignee_id) if task.assignee_id else None
    project = directory.project_to_remote.get(task.project_id) if task.project_id else None
    if base is not None:
        if (
            task.assignee_id is None
            and base.get("assignee")
            and base["assignee"] not in directory.remote_to_user
        ):
            assignee = base["assignee"]
        if (
            task.project_id is None
            and base.get("project")
            and base["project"] not in directory.remote_to_project
        ):
            project = base["project"]
    parent = directory.task_to_remote.get(task.parent_id) if task.parent_id else None
    links = directory.task_to_remote
    blocked_by = tuple(links[d] for d in task.dependencies if d in links)
    return TaskFields(
        title=task.title,
        description=task.description,
        status=task.status,
        priority=task.priority,
        tags=tuple(sorted(task.tags)),
        due_date=task.due_date,
        due_time=task.due_time,
        estimate_minutes=task.estimate_minutes,
        assignee=assignee,
        project=project,
        parent=parent if "parent" in directory.structure else None,
        blocked_by=blocked_by if "blocked_by" in directory.structure else (),
    )


def resolved(remote: RemoteTask, directory: Directory) -> RemoteTask:
    """``remote`` with its structure narrowed to the items linked here (the tracker's own links to items this
    run doesn't know are not compared, so they are neither pulled as a removal nor recorded as agreed)."""
    f = remote.fields
    if f.parent is None and not f.blocked_by:
        return remote
    known = directory.remote_to_task
    parent = f.parent if f.parent in known and f.parent != remote.id else None
    blocked_by = tuple(r for r in f.blocked_by if r in known and r != remote.id)
    return replace(remote, fields=f.replace(parent=parent, blocked_by=blocked_by))


def local_changes(
    task: Task | None, remote: RemoteTask, names: set[str] | frozenset[str], directory: Directory
) -> dict[str, Any]:
    """Task column changes that bring the ``names`` fields of ``remote`` into the local row."""
    f = remote.fields
    changes: dict[str, Any] = {}
    for name in names:
        if name == "title":
            changes["title"] = f.title[:MAX_TITLE]
        elif name == "description":
            changes["description"] = f.description
        elif name == "status":
            changes["status"] = f.status
            was_open = task.status.is_open if task else True
            if not f.status.is_open and (was_open or (task is not None and task.completed_at is None)):
                changes["completed_at"] = _completed_at(f.status, remote.completed_at)
            elif f.status.is_open:
                changes["completed_at"] = None
        elif name == "priority":
            changes["priority"] = f.priority
        elif name == "tags":
            changes["tags"] = list(f.tags)
        elif name == "due_date":
            changes["due_date"] = f.due_date
        elif name == "due_time":
            changes["due_time"] = f.due_time
        elif name == "estimate_minutes":
            changes["estimate_minutes"] = f.estimate_minutes
        elif name == "assignee":
            changes["assignee_id"] = directory.remote_to_user.get(f.assignee) if f.assignee else None
        elif name == "project":
            changes["project_id"] = directory.remote_to_project.get(f.project) if f.project else None
        elif name == "parent":
            changes["parent_id"] = _parent(task, f.parent, directory)
        elif name == "blocked_by":
            changes["dependencies"] = _dependencies(task, f.blocked_by, directory)
    return changes


def _parent(task: Task | None, remote_parent: str | None, directory: Directory) -> str | None:
    """The local parent for the tracker's; a local parent the tracker can't know yet is kept."""
    if remote_parent is not None:
        return directory.remote_to_task.get(remote_parent)
    if task is not None and task.parent_id and task.parent_id not in directory.task_to_remote:
        return task.parent_id
    return None


def _dependencies(task: Task | None, remote_ids: tuple[str, ...], directory: Directory) -> list[str]:
    """The local blockers for the tracker's, keeping the local ones the tracker can't know yet."""
    out = [directory.remote_to_task[r] for r in remote_ids if r in directory.remote_to_task]
    if task is not None:
        out += [d for d in task.dependencies if d not in directory.task_to_remote and d not in out]
    return out


def _completed_at(status: TaskStatus, remote_time: datetime | None) -> datetime | None:
    if status is TaskStatus.completed:
        return remote_time or utcnow()
    return None


def new_local_task(
    workspace_id: str, actor_id: str, kind: IntegrationType, remote: RemoteTask, directory: Directory
) -> Task:
    """A local task for a remote one seen for the first time, linked and with its baseline."""
    changes = local_changes(None, remote, frozenset(SYNCED_FIELDS), directory)
    task = Task(workspace_id=workspace_id, created_by=actor_id, **changes)
    base = fingerprint(remote.fields.to_json())
    return task.model_copy(update={"external_ids": linked_ids(task, kind, remote.id, base)})
