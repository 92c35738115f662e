"""Notion page properties ↔ the neutral ``TaskFields`` (api-facts §4).

A Notion database's properties are the users' own, so each synced field maps to a property by a
configurable name; a field whose property the database lacks (or has with another type) is not synced.
Priority is a select matched by its option names (Urgent/High/Medium/Low/Backlog and the like); status is a
``status`` (its groups say which options are done) or a ``select``; the project is a select whose options
are the containers. Rich text travels in chunks of at most 2,000 characters. Structure is two self-relations
of the database (Notion's own "Sub-items" and "Dependencies" features make them): ``parent`` ("Parent item")
and ``blocked_by`` ("Blocked by"); a relation to another database is not structure and is left alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any, cast

from core.integrations import RemoteTask, TaskFields
from core.models import Priority, TaskStatus
from integrations.types import notion as wire
from integrations.wire_fields import clean_tags, parse_time, status_by_words, strip_marker, with_marker

DEFAULT_PROPERTIES: dict[str, str] = {
    "title": "Name",
    "status": "Status",
    "priority": "Priority",
    "due": "Due",
    "assignee": "Assignee",
    "tags": "Tags",
    "description": "Description",
    "project": "Project",
    "estimate": "Estimate",
    "parent": "Parent item",
    "blocked_by": "Blocked by",
}
# The property types each field accepts.
_TYPES = {
    "title": ("title",),
    "status": ("status", "select"),
    "priority": ("select",),
    "due": ("date",),
    "assignee": ("people",),
    "tags": ("multi_select",),
    "description": ("rich_text",),
    "project": ("select",),
    "estimate": ("number",),
    "parent": ("relation",),
    "blocked_by": ("relation",),
}
_RICH_TEXT_LIMIT = 2000
_PRIORITY_WORDS = (
    (Priority.critical, ("urgent", "critical", "asap", "highest", "p0")),
    (Priority.high, ("high", "p1")),
    (Priority.low, ("low", "p3")),
    (Priority.backlog, ("backlog", "someday", "lowest", "p4")),
    (Priority.medium, ("medium", "normal", "p2")),
)
_PRIORITY_NAMES = {
    Priority.critical: "Urgent",
    Priority.high: "High",
    Priority.medium: "Medium",
    Priority.low: "Low",
    Priority.backlog: "Backlog",
}


def priority_of(name: str | None) -> Priority:
    key = (name or "").lower()
    for priority, words in _PRIORITY_WORDS:
        if any(w in key for w in words):
            return priority
    return Priority.medium


def status_of(name: str, group: str | None) -> TaskStatus:
    """Our status for a status option named ``name`` in ``group`` (Notion's To-do/In progress/Complete)."""
    key, grp = name.lower(), (group or "").lower()
    said = status_by_words(name)
    if said is TaskStatus.cancelled:
        return said
    if grp == "complete" or key in ("done", "complete", "completed", "finished"):
        return TaskStatus.completed
    if said is not None:
        return said
    return TaskStatus.in_progress if grp == "in progress" else TaskStatus.todo


@dataclass(frozen=True)
class NotionSchema:
    """The database's properties the sync uses: field → (property name, type), and option names."""

    database_id: str
    props: dict[str, tuple[str, str]] = field(default_factory=dict)
    status_options: tuple[tuple[str, str | None], ...] = ()  # (name, group)
    priority_options: tuple[str, ...] = ()
    project_options: tuple[str, ...] = ()

    @classmethod
    def from_wire(cls, db: wire.Database, names: Mapping[str, str]) -> NotionSchema:
        schema = db["properties"]
        props: dict[str, tuple[str, str]] = {}
        for key, wanted in {**DEFAULT_PROPERTIES, **names}.items():
            prop = schema.get(wanted)  # the users' own property names: any may be missing
            if prop is not None and prop.get("type") in _TYPES.get(key, ()):
                if prop["type"] == "relation" and not _same_id(prop["relation"].get("database_id"), db["id"]):
                    continue  # a relation to another database isn't this database's structure
                props[key] = (wanted, prop["type"])
        if "title" not in props:  # every database has exactly one title property, whatever its name
            for name, prop in schema.items():
                if prop.get("type") == "title":
                    props["title"] = (name, "title")
        return cls(
            db["id"],
            props,
            _status_options(schema, props.get("status")),
            _options(schema, props.get("priority")),
            _options(schema, props.get("project")),
        )

    @property
    def structure(self) -> frozenset[str]:
        """The structure fields this database has a self-relation for."""
        return frozenset(k for k in ("parent", "blocked_by") if k in self.props)

    def name(self, key: str) -> str | None:
        return self.props[key][0] if key in self.props else None

    def status_name(self, status: TaskStatus) -> str | None:
        if not self.status_options:
            return None
        same = [n for n, g in self.status_options if status_of(n, g) is status]
        if same:
            return same[0]
        fallback = TaskStatus.completed if not status.is_open else TaskStatus.todo
        near = [n for n, g in self.status_options if status_of(n, g) is fallback]
        return (near or [self.status_options[0][0]])[0]

    def status_from_name(self, name: str) -> TaskStatus:
        group = next((g for n, g in self.status_options if n == name), None)
        return status_of(name, group)

    def priority_name(self, priority: Priority) -> str:
        same = [n for n in self.priority_options if priority_of(n) is priority]
        return same[0] if same else _PRIORITY_NAMES[priority]  # Notion adds a new select option itself


def _same_id(a: str | None, b: str) -> bool:
    """Notion ids compare with or without their dashes."""
    return bool(a) and str(a).replace("-", "").lower() == b.replace("-", "").lower()


def _config(schema: dict[str, wire.PropertySchema], prop: tuple[str, str] | None) -> wire.SelectConfig | None:
    """The options (and, for a status, groups) of a select-like property the sync uses."""
    if prop is None:
        return None
    found: Any = schema[prop[0]].get(prop[1])
    return cast(wire.SelectConfig, found) if found else None


def _options(schema: dict[str, wire.PropertySchema], prop: tuple[str, str] | None) -> tuple[str, ...]:
    config = _config(schema, prop)
    return tuple(o["name"] for o in config["options"] if o["name"]) if config else ()


def _status_options(
    schema: dict[str, wire.PropertySchema], prop: tuple[str, str] | None
) -> tuple[tuple[str, str | None], ...]:
    config = _config(schema, prop)
    if config is None:
        return ()
    group_of = {
        option_id: group["name"] for group in config.get("groups", []) for option_id in group["option_ids"]
    }
    return tuple((o["name"], group_of.get(o.get("id", ""))) for o in config["options"] if o["name"])


def plain_text(items: list[wire.RichText] | None) -> str:
    return "".join(x.get("plain_text") or x.get("text", {"content": ""})["content"] for x in items or [])


def rich_text(text: str) -> list[wire.RichText]:
    """Notion caps one rich text object at 2,000 characters (and an array at 100)."""
    chunks = [text[i : i + _RICH_TEXT_LIMIT] for i in range(0, len(text), _RICH_TEXT_LIMIT)][:100]
    return [{"type": "text", "text": {"content": c}} for c in chunks]


def due_from(value: wire.DateValue | None) -> tuple[date | None, time | None]:
    start = value["start"] if value else ""
    if not start:
        return None, None
    if len(start) <= 10:
        try:
            return date.fromisoformat(start), None
        except ValueError:
            return None, None
    when = parse_time(start)
    if when is None:
        return None, None
    return when.date(), when.time().replace(second=0, microsecond=0)


def due_to(day: date | None, at: time | None) -> wire.DateValue | None:
    if day is None:
        return None
    start = day.isoformat() if at is None else datetime.combine(day, at, tzinfo=UTC).isoformat()
    return {"start": start, "end": None}


def page_from_wire(obj: wire.Page, schema: NotionSchema) -> RemoteTask:
    """A Notion page as a neutral RemoteTask."""
    props = obj["properties"]

    def value(key: str) -> Any:
        # A property value holds one key named after its type; its shape depends on that type.
        name = schema.name(key)
        prop = props.get(name) if name else None
        return prop.get(schema.props[key][1]) if prop is not None else None

    description, local_ref = strip_marker(plain_text(value("description")))
    status = value("status") or {}
    people = value("assignee") or []
    estimate = value("estimate")
    due_date, due_time = due_from(value("due"))
    fields = TaskFields(
        title=" ".join(plain_text(value("title")).split()) or "(untitled)",
        description=description.strip(),
        status=schema.status_from_name(str(status.get("name") or "")) if status else TaskStatus.todo,
        priority=priority_of((value("priority") or {}).get("name")),
        tags=clean_tags([str(o.get("name") or "") for o in value("tags") or []]),
        due_date=due_date,
        due_time=due_time,
        estimate_minutes=int(estimate) if isinstance(estimate, int | float) and estimate > 0 else None,
        assignee=str(people[0]["id"]) if people and people[0].get("id") else None,
        project=(value("project") or {}).get("name") or None,
        parent=next(iter(_related(value("parent"))), None),
        blocked_by=tuple(sorted(_related(value("blocked_by")))),
    )
    return RemoteTask(
        id=str(obj["id"]),
        fields=fields,
        updated_at=parse_time(obj["last_edited_time"]) or datetime.now(UTC),
        created_at=parse_time(obj["created_time"]),
        local_ref=local_ref,
        url=obj.get("url"),
    )


def _related(value: Any) -> list[str]:
    """The page ids of a relation value."""
    return [str(x["id"]) for x in value or [] if isinstance(x, dict) and x.get("id")]


def page_properties(
    fields: TaskFields, changed: frozenset[str], schema: NotionSchema, *, local_ref: str | None = None
) -> dict[str, Any]:
    """The ``properties`` object for the ``changed`` fields (only those the database has)."""
    out: dict[str, Any] = {}

    def put(key: str, value: Any) -> None:
        name = schema.name(key)
        if name is not None:
            out[name] = {schema.props[key][1]: value}

    if "title" in changed:
        put("title", rich_text(fields.title))
    if "description" in changed or local_ref:
        text = with_marker(fields.description, local_ref) if local_ref else fields.description
        put("description", rich_text(text))
    if "status" in changed and (status := schema.status_name(fields.status)):
        put("status", {"name": status})
    if "priority" in changed:
        put("priority", {"name": schema.priority_name(fields.priority)})
    if "tags" in changed:
        put("tags", [{"name": t.replace(",", " ")} for t in fields.tags])  # commas are refused in options
    if changed & {"due_date", "due_time"}:
        put("due", due_to(fields.due_date, fields.due_time))
    if "estimate_minutes" in changed:
        put("estimate", fields.estimate_minutes)
    if "assignee" in changed:
        put("assignee", [{"object": "user", "id": fields.assignee}] if fields.assignee else [])
    if "project" in changed:
        put("project", {"name": fields.project} if fields.project else None)
    if "parent" in changed:
        put("parent", [{"id": fields.parent}] if fields.parent else [])
    if "blocked_by" in changed:
        put("blocked_by", [{"id": x} for x in fields.blocked_by])
    return out


def normalize(fields: TaskFields, schema: NotionSchema) -> TaskFields:
    """``fields`` as this database would give them back (fields it has no property for fall to defaults)."""
    has = schema.props
    status = fields.status
    if "status" in has and (name := schema.status_name(status)):
        status = schema.status_from_name(name)
    elif "status" not in has:
        status = TaskStatus.todo
    return fields.replace(
        title=" ".join(fields.title.split()) or "(untitled)",
        description=fields.description.strip() if "description" in has else "",
        status=status,
        priority=priority_of(schema.priority_name(fields.priority)) if "priority" in has else Priority.medium,
        tags=clean_tags([t.replace(",", " ") for t in fields.tags]) if "tags" in has else (),
        due_date=fields.due_date if "due" in has else None,
        due_time=fields.due_time if "due" in has and fields.due_date else None,
        estimate_minutes=fields.estimate_minutes
        if "estimate" in has and fields.estimate_minutes and fields.estimate_minutes > 0
        else None,
        assignee=fields.assignee if "assignee" in has else None,
        project=fields.project if "project" in has else None,
        parent=fields.parent if "parent" in has else None,
        blocked_by=tuple(sorted(fields.blocked_by)) if "blocked_by" in has else (),
    )
