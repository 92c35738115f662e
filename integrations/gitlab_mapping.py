"""GitLab issue fields ↔ the neutral ``TaskFields`` (api-facts §3).

GitLab has two states (``opened``/``closed``) and no priority, so the rest travels as scoped labels:
``status::in-progress|blocked|in-review|cancelled`` and ``priority::critical|high|low|backlog`` (medium is
no label). Every other label is a tag, spelled as the project's label when it has one. Labels go out as
one comma-separated string and come back as an array. Milestones are the containers; due dates are
``YYYY-MM-DD``; GitLab's time estimates live behind their own endpoint and are not synced.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from core.integrations import RemoteTask, TaskFields
from core.models import Priority, TaskStatus
from integrations.types import gitlab as wire
from integrations.wire_fields import clean_tags, parse_time, strip_marker, with_marker

STATUS_SCOPE = "status::"
PRIORITY_SCOPE = "priority::"
# Put on an issue we closed because this token may not delete it (only owners can): gone for the sync.
DELETED_LABEL = "orchestrator::deleted"

_STATUS_LABEL = {
    TaskStatus.in_progress: "status::in-progress",
    TaskStatus.blocked: "status::blocked",
    TaskStatus.in_review: "status::in-review",
    TaskStatus.cancelled: "status::cancelled",
}
_FROM_STATUS_LABEL = {v: k for k, v in _STATUS_LABEL.items()}
_PRIORITY_LABEL = {
    Priority.critical: "priority::critical",
    Priority.high: "priority::high",
    Priority.low: "priority::low",
    Priority.backlog: "priority::backlog",
}
_FROM_PRIORITY_LABEL = {v: k for k, v in _PRIORITY_LABEL.items()}


def status_of(state: str, labels: list[str]) -> TaskStatus:
    lowered = [x.lower() for x in labels]
    if state == "closed":
        return TaskStatus.cancelled if "status::cancelled" in lowered else TaskStatus.completed
    for label in lowered:
        found = _FROM_STATUS_LABEL.get(label)
        if found is not None and found is not TaskStatus.cancelled:
            return found
    return TaskStatus.todo


def priority_of(labels: list[str]) -> Priority:
    for label in labels:
        found = _FROM_PRIORITY_LABEL.get(label.lower())
        if found is not None:
            return found
    return Priority.medium  # no label, or priority::medium


def tags_of(labels: list[str]) -> tuple[str, ...]:
    managed = (STATUS_SCOPE, PRIORITY_SCOPE, "orchestrator::")
    return clean_tags([x for x in labels if not x.lower().startswith(managed)])


def labels_for(fields: TaskFields, spelling: dict[str, str]) -> list[str]:
    """Every label the issue should carry: tags (as the project spells them) plus status and priority."""
    labels = [spelling.get(t.lower(), t) for t in sorted(fields.tags)]
    if fields.status in _STATUS_LABEL:
        labels.append(_STATUS_LABEL[fields.status])
    if fields.priority in _PRIORITY_LABEL:
        labels.append(_PRIORITY_LABEL[fields.priority])
    return labels


def _due(value: str | None) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def is_deleted(obj: wire.Issue) -> bool:
    return any(x.lower() == DELETED_LABEL for x in obj["labels"])


def task_from_wire(obj: wire.Issue) -> RemoteTask:
    """A GitLab issue as a neutral RemoteTask; its id here is the project-scoped ``iid``."""
    labels, assignees, milestone = obj["labels"], obj["assignees"], obj["milestone"]
    description, local_ref = strip_marker(obj["description"] or "")
    fields = TaskFields(
        title=" ".join(obj["title"].split()) or "(untitled)",
        description=description.strip(),
        status=status_of(obj["state"], labels),
        priority=priority_of(labels),
        tags=tags_of(labels),
        due_date=_due(obj["due_date"]),
        assignee=str(assignees[0]["id"]) if assignees else None,
        project=str(milestone["id"]) if milestone else None,
    )
    return RemoteTask(
        id=str(obj["iid"]),
        fields=fields,
        updated_at=parse_time(obj["updated_at"]) or parse_time(obj["created_at"]) or datetime.now(UTC),
        created_at=parse_time(obj["created_at"]),
        completed_at=parse_time(obj["closed_at"]),
        local_ref=local_ref,
        url=obj["web_url"],
    )


def issue_body(
    fields: TaskFields,
    changed: frozenset[str],
    spelling: dict[str, str],
    *,
    was_closed: bool | None = None,
    local_ref: str | None = None,
) -> wire.IssueBody:
    """The create/update body for the ``changed`` fields (labels always as one full, comma-separated list)."""
    body: wire.IssueBody = {}
    if "title" in changed:
        body["title"] = fields.title
    if "description" in changed or local_ref:
        body["description"] = with_marker(fields.description, local_ref) if local_ref else fields.description
    if changed & {"tags", "status", "priority"}:
        body["labels"] = ",".join(labels_for(fields, spelling))
    if "status" in changed and was_closed is not None:
        closed = not fields.status.is_open
        if closed != was_closed:
            body["state_event"] = "close" if closed else "reopen"
    if "due_date" in changed:
        body["due_date"] = fields.due_date.isoformat() if fields.due_date else None
    if "assignee" in changed:
        body["assignee_ids"] = [int(fields.assignee)] if fields.assignee and fields.assignee.isdigit() else []
    if "project" in changed:
        body["milestone_id"] = int(fields.project) if fields.project and fields.project.isdigit() else 0
    return body


def normalize(fields: TaskFields) -> TaskFields:
    """``fields`` as GitLab would give them back."""
    return fields.replace(
        title=" ".join(fields.title.split()) or "(untitled)",
        description=fields.description.strip(),
        tags=clean_tags(fields.tags),
        due_time=None,
        estimate_minutes=None,
    )
