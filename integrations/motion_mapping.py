"""Motion's wire fields ↔ the neutral ``TaskFields`` (api-facts §1).

Asymmetries handled here: labels are names in and ``{name}`` objects out; descriptions are Markdown in
and HTML out; ``dueDate`` is a datetime; ``duration`` is ``"NONE"``/``"REMINDER"`` or minutes;
statuses are the workspace's own names with default/resolved flags.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from core.integrations import RemoteTask, TaskFields
from core.models import Priority, TaskStatus
from integrations.html_markdown import html_to_markdown, normalize_markdown, round_trip
from integrations.types import motion as wire
from integrations.wire_fields import clean_tags, parse_time, status_by_words, strip_marker, with_marker

_TO_MOTION_PRIORITY = {
    Priority.critical: "ASAP",
    Priority.high: "HIGH",
    Priority.medium: "MEDIUM",
    Priority.low: "LOW",
    Priority.backlog: "LOW",  # Motion has no backlog level
}
_FROM_MOTION_PRIORITY = {
    "ASAP": Priority.critical,
    "HIGH": Priority.high,
    "MEDIUM": Priority.medium,
    "LOW": Priority.low,
}

# Date-only deadlines travel as the end of that day: Motion's own date-only deadlines look like this.
_END_OF_DAY = time(23, 59)


@dataclass(frozen=True)
class MotionStatus:
    name: str
    is_default: bool = False
    is_resolved: bool = False


# What a workspace that did not list its statuses is assumed to have (Motion's defaults).
_FALLBACK_STATUSES = (
    MotionStatus("Todo", is_default=True),
    MotionStatus("In Progress"),
    MotionStatus("Completed", is_resolved=True),
    MotionStatus("Canceled", is_resolved=True),
)


def status_to_local(name: str, resolved: bool) -> TaskStatus:
    """Our status for one of Motion's status names."""
    said = status_by_words(name)
    if resolved:
        return TaskStatus.cancelled if said is TaskStatus.cancelled else TaskStatus.completed
    return said if said is not None and said.is_open else TaskStatus.todo


@dataclass(frozen=True)
class MotionWorkspace:
    id: str
    name: str
    statuses: tuple[MotionStatus, ...] = ()
    labels: tuple[str, ...] = ()
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))

    @classmethod
    def from_wire(cls, obj: wire.Workspace, zone: ZoneInfo) -> MotionWorkspace:
        statuses = tuple(
            MotionStatus(s["name"], s["isDefaultStatus"], s["isResolvedStatus"])
            for s in obj["statuses"]
            if s["name"]
        )
        labels = tuple(label["name"] for label in obj["labels"] if label["name"])
        return cls(obj["id"], obj["name"], statuses, labels, zone)

    @property
    def known_statuses(self) -> tuple[MotionStatus, ...]:
        return self.statuses or _FALLBACK_STATUSES

    def status_name(self, status: TaskStatus) -> str:
        """The workspace status to send for one of ours (completion → a resolved status)."""
        statuses = self.known_statuses
        resolved = [s for s in statuses if s.is_resolved]
        open_ = [s for s in statuses if not s.is_resolved]
        if not status.is_open:
            same = [s for s in resolved if status_to_local(s.name, True) is status]
            if same or resolved:
                return (same or resolved)[0].name
            return statuses[0].name
        same = [s for s in open_ if status_to_local(s.name, False) is status]
        if same:
            return sorted(same, key=lambda s: not s.is_default)[0].name
        defaults = [s for s in open_ if s.is_default] or open_ or list(statuses)
        return defaults[0].name

    def status_of(self, name: str) -> MotionStatus:
        for s in self.known_statuses:
            if s.name == name:
                return s
        return MotionStatus(name)

    def label_names(self, tags: tuple[str, ...]) -> list[str]:
        """Our lower-case tags spelled as the workspace's labels (unknown ones as they are)."""
        by_key = {label.lower(): label for label in self.labels}
        return [by_key.get(t.lower(), t) for t in tags]


def due_to_local(value: str | None, zone: ZoneInfo) -> tuple[date | None, time | None]:
    """A Motion ``dueDate`` as our (date, time) in the workspace zone; the end of a day means date-only."""
    when = parse_time(value)
    if when is None:
        return None, None
    local = when.astimezone(zone)
    wall = local.time().replace(second=0, microsecond=0)
    return local.date(), (None if wall in (_END_OF_DAY, time(0, 0)) else wall)


def due_to_motion(day: date | None, at: time | None, zone: ZoneInfo) -> str | None:
    if day is None:
        return None
    when = datetime.combine(day, at or _END_OF_DAY, tzinfo=zone).astimezone(UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def duration_to_local(value: int | str | None) -> int | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return int(value)
    if isinstance(value, str) and value.isdigit() and int(value) > 0:
        return int(value)
    return None  # "NONE", "REMINDER" or missing


def task_from_wire(obj: wire.Task, ws: MotionWorkspace) -> RemoteTask:
    """A Motion task object as a neutral RemoteTask."""
    status = obj["status"]
    resolved = status["isResolvedStatus"] or obj["completed"]
    description, local_ref = strip_marker(html_to_markdown(obj["description"] or ""))
    due_date, due_time = due_to_local(obj["dueDate"], ws.zone)
    assignees, project = obj["assignees"], obj["project"]
    fields = TaskFields(
        title=" ".join(obj["name"].split()) or "(untitled)",
        description=normalize_markdown(description),
        status=status_to_local(status["name"], resolved),
        priority=_FROM_MOTION_PRIORITY.get(obj["priority"].upper(), Priority.medium),
        tags=clean_tags([label["name"] for label in obj["labels"]]),
        due_date=due_date,
        due_time=due_time,
        estimate_minutes=duration_to_local(obj["duration"]),
        assignee=assignees[0]["id"] if assignees else None,
        project=project["id"] if project else None,
    )
    return RemoteTask(
        id=obj["id"],
        fields=fields,
        updated_at=parse_time(obj["updatedTime"]) or parse_time(obj["createdTime"]) or datetime.now(UTC),
        created_at=parse_time(obj["createdTime"]),
        completed_at=parse_time(obj.get("completedTime")),
        local_ref=local_ref,
    )


def task_to_wire(
    fields: TaskFields, changed: frozenset[str], ws: MotionWorkspace, *, local_ref: str | None = None
) -> wire.TaskBody:
    """The JSON body carrying ``changed`` fields (a create sends them all, tagged with ``local_ref``)."""
    body: wire.TaskBody = {}
    if "title" in changed:
        body["name"] = fields.title
    if "description" in changed or local_ref:
        body["description"] = with_marker(fields.description, local_ref) if local_ref else fields.description
    if "status" in changed:
        body["status"] = ws.status_name(fields.status)
    if "priority" in changed:
        body["priority"] = _TO_MOTION_PRIORITY[fields.priority]
    if "tags" in changed:
        body["labels"] = ws.label_names(fields.tags)
    if changed & {"due_date", "due_time"}:
        body["dueDate"] = due_to_motion(fields.due_date, fields.due_time, ws.zone)
    if "estimate_minutes" in changed:
        body["duration"] = fields.estimate_minutes if fields.estimate_minutes else "NONE"
    if "assignee" in changed:
        body["assigneeId"] = fields.assignee
    if "project" in changed:
        body["projectId"] = fields.project
    return body


def normalize(fields: TaskFields, ws: MotionWorkspace) -> TaskFields:
    """``fields`` as Motion would give them back: what our values look like after one round trip."""
    status = ws.status_of(ws.status_name(fields.status))
    due_date, due_time = due_to_local(due_to_motion(fields.due_date, fields.due_time, ws.zone), ws.zone)
    return fields.replace(
        title=" ".join(fields.title.split()) or "(untitled)",
        description=round_trip(fields.description),
        status=status_to_local(status.name, status.is_resolved),
        priority=_FROM_MOTION_PRIORITY[_TO_MOTION_PRIORITY[fields.priority]],
        tags=clean_tags(fields.tags),
        due_date=due_date,
        due_time=due_time,
        estimate_minutes=fields.estimate_minutes
        if fields.estimate_minutes and fields.estimate_minutes > 0
        else None,
    )
