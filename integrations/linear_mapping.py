"""Linear's issue fields ↔ the neutral ``TaskFields`` (api-facts §2).

- priority: 0 none, 1 urgent, 2 high, 3 medium, 4 low ↔ backlog, critical, high, medium, low;
- status: the team's workflow states by type (triage/backlog/unstarted → todo, started → in progress, or
  blocked / in review when the state's name says so, completed, canceled/duplicate → cancelled);
- labels: ids on the wire, names here (the team's labels); due date: ``YYYY-MM-DD`` (no time of day);
- estimate: Linear's are points, not minutes, so it is not synced;
- structure: ``parent`` is the sub-issue's parent (``parentId`` in the inputs); ``blocked_by`` the issues of
  the ``blocks`` relations in ``inverseRelations`` (written with ``issueRelationCreate``/``Delete``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from core.integrations import RemoteTask, TaskFields
from core.models import Priority, TaskStatus
from integrations.types import linear as wire
from integrations.wire_fields import clean_tags, parse_time, status_by_words

TO_LINEAR_PRIORITY = {
    Priority.backlog: 0,
    Priority.critical: 1,
    Priority.high: 2,
    Priority.medium: 3,
    Priority.low: 4,
}
FROM_LINEAR_PRIORITY = {v: k for k, v in TO_LINEAR_PRIORITY.items()}

_TYPE_FOR = {
    TaskStatus.todo: ("unstarted", "backlog", "triage"),
    TaskStatus.in_progress: ("started",),
    TaskStatus.blocked: ("started",),
    TaskStatus.in_review: ("started",),
    TaskStatus.completed: ("completed",),
    TaskStatus.cancelled: ("canceled", "duplicate"),
}


@dataclass(frozen=True)
class LinearState:
    id: str
    name: str
    type: str
    position: float = 0.0


def status_to_local(state_type: str, name: str) -> TaskStatus:
    """Our status for a workflow state of ``state_type`` named ``name``."""
    kind = state_type.lower()
    if kind == "completed":
        return TaskStatus.completed
    if kind in ("canceled", "duplicate"):
        return TaskStatus.cancelled
    if kind == "started":
        said = status_by_words(name)
        return said if said in (TaskStatus.blocked, TaskStatus.in_review) else TaskStatus.in_progress
    return TaskStatus.todo


@dataclass(frozen=True)
class LinearTeam:
    id: str
    key: str
    name: str
    states: tuple[LinearState, ...]
    labels: dict[str, str]  # label id -> name

    @classmethod
    def from_wire(cls, obj: wire.Team) -> LinearTeam:
        states = tuple(
            LinearState(s["id"], s["name"], s["type"], s.get("position") or 0) for s in obj["states"]["nodes"]
        )
        labels = {x["id"]: x["name"] for x in obj["labels"]["nodes"]}
        return cls(obj["id"], obj["key"], obj["name"], states, labels)

    def state_for(self, status: TaskStatus) -> LinearState | None:
        """The state to send for one of ours: the same status by name first, else the first of its type."""
        ordered = sorted(self.states, key=lambda s: s.position)
        kinds = _TYPE_FOR[status]
        exact = sorted(
            (s for s in ordered if status_to_local(s.type, s.name) is status),
            key=lambda s: (
                kinds.index(s.type) if s.type in kinds else len(kinds)
            ),  # "unstarted" before "triage"
        )
        if exact:
            return exact[0]
        for kind in kinds:
            # A plain "In Progress"-like state before a "Review" or "Blocked" one of the same type.
            same = sorted(
                (s for s in ordered if s.type == kind),
                key=lambda s: (
                    status_to_local(s.type, s.name) not in (TaskStatus.in_progress, TaskStatus.todo)
                ),
            )
            if same:
                return same[0]
        return None

    def label_ids(self, tags: tuple[str, ...]) -> tuple[list[str], list[str]]:
        """(ids of the team's labels for ``tags``, tags the team has no label for)."""
        by_name = {name.lower(): label_id for label_id, name in self.labels.items()}
        known = [by_name[t.lower()] for t in tags if t.lower() in by_name]
        missing = [t for t in tags if t.lower() not in by_name]
        return known, missing


def local_ref_of(issue_id: str) -> str:
    """The local task id an issue was created for: we send our id (a UUID hex) as the issue's id."""
    return issue_id.replace("-", "").lower()


def issue_id_for(local_ref: str) -> str | None:
    """Our task id as a Linear issue id (a UUID v4 in its dashed form), or None when it isn't one."""
    ref = local_ref.replace("-", "").lower()
    if len(ref) != 32 or any(c not in "0123456789abcdef" for c in ref):
        return None
    return f"{ref[:8]}-{ref[8:12]}-{ref[12:16]}-{ref[16:20]}-{ref[20:]}"


def _due(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def task_from_wire(obj: wire.Issue, team: LinearTeam) -> RemoteTask:
    """A Linear issue as a neutral RemoteTask."""
    state, assignee, project = obj["state"], obj["assignee"], obj["project"]
    parent = obj.get("parent")
    fields = TaskFields(
        title=" ".join(obj["title"].split()) or "(untitled)",
        description=(obj["description"] or "").strip(),
        status=status_to_local(state["type"], state["name"]),
        priority=FROM_LINEAR_PRIORITY.get(int(obj["priority"] or 0), Priority.backlog),
        tags=clean_tags([team.labels.get(label_id, "") for label_id in obj["labelIds"]]),
        due_date=_due(obj["dueDate"]),
        assignee=assignee["id"] if assignee else None,
        project=project["id"] if project else None,
        parent=parent["id"] if parent else None,
        blocked_by=blockers(obj),
    )
    return RemoteTask(
        id=str(obj["id"]),
        fields=fields,
        updated_at=parse_time(obj["updatedAt"]) or parse_time(obj["createdAt"]) or datetime.now(UTC),
        created_at=parse_time(obj["createdAt"]),
        completed_at=parse_time(obj["completedAt"]),
        local_ref=local_ref_of(obj["id"]),
        url=obj["url"],
    )


def blocker_relations(obj: wire.Issue) -> dict[str, str]:
    """The issues blocking ``obj`` → the id of each ``blocks`` relation (to delete it by)."""
    nodes = (obj.get("inverseRelations") or {"nodes": []})["nodes"]
    return {r["issue"]["id"]: r["id"] for r in nodes if r["type"] == "blocks"}


def blockers(obj: wire.Issue) -> tuple[str, ...]:
    return tuple(sorted(blocker_relations(obj)))


def issue_input(
    fields: TaskFields, changed: frozenset[str], team: LinearTeam, label_ids: list[str]
) -> wire.IssueInput:
    """The ``IssueCreateInput``/``IssueUpdateInput`` carrying the ``changed`` fields."""
    body: wire.IssueInput = {}
    if "title" in changed:
        body["title"] = fields.title
    if "description" in changed:
        body["description"] = fields.description
    if "status" in changed:
        state = team.state_for(fields.status)
        if state is not None:
            body["stateId"] = state.id
    if "priority" in changed:
        body["priority"] = TO_LINEAR_PRIORITY[fields.priority]
    if "tags" in changed:
        body["labelIds"] = label_ids
    if "due_date" in changed:
        body["dueDate"] = fields.due_date.isoformat() if fields.due_date else None
    if "assignee" in changed:
        body["assigneeId"] = fields.assignee
    if "project" in changed:
        body["projectId"] = fields.project
    if "parent" in changed:
        body["parentId"] = fields.parent
    return body


def normalize(fields: TaskFields, team: LinearTeam) -> TaskFields:
    """``fields`` as Linear would give them back."""
    state = team.state_for(fields.status)
    return fields.replace(
        title=" ".join(fields.title.split()) or "(untitled)",
        description=fields.description.strip(),
        status=status_to_local(state.type, state.name) if state else fields.status,
        tags=clean_tags(fields.tags),
        due_time=None,
        estimate_minutes=None,
    )
