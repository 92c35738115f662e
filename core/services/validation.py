"""Input rules shared by every surface; messages are written for a chat user."""

from __future__ import annotations

from core.errors import ValidationError
from core.models import Priority, TaskStatus

MAX_TITLE = 500
MAX_PROJECT_NAME = 100
MAX_DESCRIPTION = 4_000  # Discord's longest modal field; Slack's notes field stops at 3,000
MAX_TAGS = 20
MAX_TAG = 50
# The longest text any surface hands the parsers: a full title and description with every option written
# out stays under 5,000, so nothing legitimate is refused. It is checked before any parsing: the parsers are
# linear, but a 40,000-character message (Slack allows that) still has no business in a task.
MAX_MESSAGE = 6_000

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


class MessageTooLong(ValidationError):
    """A message longer than any command needs: refused before it is parsed or handed to a model."""


def check_message(text: str) -> None:
    """Raise MessageTooLong when ``text`` is over MAX_MESSAGE characters; O(1), call it before parsing."""
    if len(text) > MAX_MESSAGE:
        raise MessageTooLong(
            f"That message is {len(text):,} characters; I read at most {MAX_MESSAGE:,}.",
            hint="Shorten it, and put long notes in the task's description.",
        )


def clean_description(description: str) -> str:
    """A trimmed description, or ValidationError when it is over MAX_DESCRIPTION characters."""
    text = description.strip()
    if len(text) > MAX_DESCRIPTION:
        raise ValidationError(
            f"That description is {len(text):,} characters; the limit is {MAX_DESCRIPTION:,}.",
            hint="Keep the essentials and link to a document for the rest.",
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
    """Lower-cased, de-duplicated tags without the leading `+`; ValidationError past MAX_TAGS or MAX_TAG."""
    seen: dict[str, None] = {}  # a dict keeps the order and makes the duplicate check O(1)
    for tag in tags:
        t = tag.strip().lstrip("+").lower()
        if not t or t in seen:
            continue
        check_tag(t)
        seen[t] = None
        if len(seen) > MAX_TAGS:
            raise ValidationError(
                f"That's more than {MAX_TAGS} tags; a task or project holds at most {MAX_TAGS}.",
                hint="Keep the ones you filter by, or group the rest in a project.",
            )
    return list(seen)


def check_tag(tag: str) -> None:
    """ValidationError when one tag (without its `+`) is longer than MAX_TAG characters."""
    if len(tag) > MAX_TAG:
        raise ValidationError(
            f"The tag `+{tag[:20]}…` is {len(tag):,} characters; tags are at most {MAX_TAG}.",
            hint="Use a short word, like `+q4` or `+docs`.",
        )


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
