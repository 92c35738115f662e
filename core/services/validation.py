"""Input rules shared by every surface; messages are written for a chat user."""

from __future__ import annotations

from core.errors import ValidationError
from core.models import Priority, TaskStatus

MAX_TITLE = 500
MAX_PROJECT_NAME = 100

# Every surface's words for priorities and statuses: the grammar, the agent's tools and the services.
PRIORITY_SHORTHANDS = {
    "p1": Priority.critical,
    "p2": Priority.high,
    "p3": Priority.medium,
    "p4": Priority.low,
}
PRIORITY_ALIASES = {
    **PRIORITY_SHORTHANDS,
    "urgent": Priority.critical,
    "asap": Priority.critical,
    "normal": Priority.medium,
}
STATUS_ALIASES = {
    "done": TaskStatus.completed,
    "finished": TaskStatus.completed,
    "closed": TaskStatus.completed,
    "open": TaskStatus.todo,
    "doing": TaskStatus.in_progress,
    "started": TaskStatus.in_progress,
    "review": TaskStatus.in_review,
}


def clean_title(title: str) -> str:
    """A trimmed task title, or ValidationError when empty or too long."""
    text = " ".join(title.split())
    if not text:
        raise ValidationError("A task needs a title.", hint="Example: `add Write report due fri`.")
    if len(text) > MAX_TITLE:
        raise ValidationError(
            f"That title is {len(text)} characters; the limit is {MAX_TITLE}.",
            hint="Put the details in the description instead.",
        )
    return text


def clean_project_name(name: str) -> str:
    """A trimmed project name, or ValidationError."""
    text = " ".join(name.strip().lstrip("#").split())
    if not text:
        raise ValidationError("A project needs a name.", hint="Example: `project add Launch`.")
    if len(text) > MAX_PROJECT_NAME:
        raise ValidationError(f"Project names are limited to {MAX_PROJECT_NAME} characters.")
    if text.upper().startswith("P-") and text[2:].isdigit():
        raise ValidationError(f"`{text}` looks like a project reference; pick another name.")
    return text


def parse_priority(value: Priority | str) -> Priority:
    """Accept an enum, its name, `!high` or `p1`..`p4`."""
    if isinstance(value, Priority):
        return value
    key = value.strip().lower().lstrip("!")
    if key in PRIORITY_ALIASES:
        return PRIORITY_ALIASES[key]
    try:
        return Priority(key)
    except ValueError:
        names = ", ".join(p.value for p in Priority)
        raise ValidationError(f"Unknown priority `{value}`.", hint=f"Use p1–p4 or one of: {names}.") from None


def clean_tags(tags: list[str] | tuple[str, ...]) -> list[str]:
    """Lower-cased, de-duplicated tags without the leading `+`."""
    seen: list[str] = []
    for tag in tags:
        t = tag.strip().lstrip("+").lower()
        if t and t not in seen:
            seen.append(t)
    return seen


def parse_status(value: TaskStatus | str) -> TaskStatus:
    """Accept an enum, its name (`in progress`, `in-review`) or a common word (`done`, `doing`)."""
    if isinstance(value, TaskStatus):
        return value
    key = value.strip().lower().replace(" ", "_").replace("-", "_")
    if key in STATUS_ALIASES:
        return STATUS_ALIASES[key]
    try:
        return TaskStatus(key)
    except ValueError:
        names = ", ".join(s.value for s in TaskStatus)
        raise ValidationError(f"Unknown status `{value}`.", hint=f"Use one of: {names}.") from None
