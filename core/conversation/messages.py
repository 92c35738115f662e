"""What adapters hand to the core (IncomingMessage) and what they get back to render (Reply)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from enum import StrEnum

from core.errors import OrchestratorError
from core.models import Platform, Priority, ProjectStatus, Surface, TaskStatus
from core.quickadd_commands import QuickAddError
from core.schedule.chart_data import ChartData


@dataclass(frozen=True)
class Person:
    """Someone a message names, as the platform describes them, so the core can give them a User row."""

    user_id: str  # the platform's user id: the ID of the neutral mention token `<@ID>`
    name: str
    display_name: str | None = None
    email: str | None = None
    timezone: str | None = None


@dataclass(frozen=True)
class IncomingMessage:
    """Who acts, where, and what they typed (empty for a button or a typed slash command): the turn's context.

    Adapters write mentions as the neutral token ``<@ID>`` (core/refs.py) and describe the people they name
    in ``people``; the unit of work gives those people User rows before the command runs.
    """

    platform: Platform
    workspace_id: str
    user_id: str  # the platform's user id (Slack U…, Discord snowflake, console name)
    text: str
    user_name: str = ""
    display_name: str | None = None  # how the platform shows the person (Slack profile display name)
    channel_id: str = ""
    thread_id: str | None = None
    is_dm: bool = False
    mentions: tuple[str, ...] = ()
    event_id: str | None = None
    timezone: str | None = None
    email: str | None = None
    workspace_name: str = ""
    surface: Surface = Surface.command  # recorded on the audit events of this turn
    people: tuple[Person, ...] = ()

    @property
    def conversation_id(self) -> str:
        """Platform + channel + thread, or the DM with this user."""
        if self.is_dm:
            return f"{self.platform.value}:dm:{self.user_id}"
        return f"{self.platform.value}:{self.channel_id}:{self.thread_id or ''}"


class ReplyKind(StrEnum):
    info = "info"
    success = "success"
    error = "error"
    confirm = "confirm"  # a question waiting for yes/no
    help = "help"


@dataclass(frozen=True)
class TaskView:
    """A task as people see it: names resolved, overdue computed for the reader."""

    id: str
    ref: str
    title: str
    status: TaskStatus
    priority: Priority
    project: str | None = None
    assignee: str | None = None
    due_date: date | None = None
    due_time: time | None = None
    is_overdue: bool = False
    days_until_due: int | None = None
    tags: tuple[str, ...] = ()
    description: str = ""
    deleted: bool = False
    repeat: str | None = None  # the canonical repeat rule ("every monday 9am")
    blocked_by: tuple[str, ...] = ()  # the refs of the open tasks it waits on ("T-5")

    @property
    def is_open(self) -> bool:
        return self.status.is_open and not self.deleted

    @property
    def repeat_label(self) -> str:
        """``↻ every monday 9am``, or "" for a task that doesn't repeat."""
        return f"↻ {self.repeat}" if self.repeat else ""


@dataclass(frozen=True)
class ActivityView:
    """One audit event in words, for the reader: "bob completed T-3 'Review contract'" and "2 h ago"."""

    text: str
    ago: str
    ref: str | None = None

    @property
    def line(self) -> str:
        return f"{self.text} · {self.ago}"


@dataclass(frozen=True)
class LinkView:
    """A task's item in a tracker: "Linear", its id there, and its address when known."""

    tracker: str
    remote_id: str
    url: str | None = None


@dataclass(frozen=True)
class TaskDetailView:
    """What `show T-n` adds to the card of task ``ref`` (the reply's only task, or one of several)."""

    ref: str = ""
    created_by: str | None = None
    created: str = ""  # "Mon Nov 30 09:12" in the reader's timezone
    source_url: str | None = None
    links: tuple[LinkView, ...] = ()
    recent: tuple[ActivityView, ...] = ()
    parent: str | None = None  # "T-2 'Launch plan'"
    blocked_by: tuple[str, ...] = ()
    subtasks: tuple[str, ...] = ()  # "T-4 'Book the venue' (todo)"
    rollup: str = ""  # "1 of 3 subtasks done · 1 overdue · 2h estimated open"


@dataclass(frozen=True)
class ProjectView:
    id: str
    ref: str
    name: str
    status: ProjectStatus
    priority: Priority
    description: str = ""
    due_date: date | None = None
    task_count: int = 0
    completed_task_count: int = 0
    overdue_count: int = 0


@dataclass
class Reply:
    """The answer to one message; adapters render it (Block Kit, embeds, rich text)."""

    text: str
    kind: ReplyKind = ReplyKind.info
    tasks: list[TaskView] = field(default_factory=list)
    total: int | None = None  # how many tasks matched when ``tasks`` is one page of them (a list)
    projects: list[ProjectView] = field(default_factory=list)
    usage: str | None = None
    footer: str | None = None
    ephemeral: bool = False
    # For a `confirm` reply: what a platform button may do at once instead of a typed "yes" ("delete").
    confirm_action: str | None = None
    detail: TaskDetailView | None = None  # `show T-n`: everything about ``tasks[0]``
    activity: list[ActivityView] = field(default_factory=list)  # `history`: events in words, newest first
    next_up: str = ""  # completing a repeating task: "Next: T-8 due Mon Dec 7." (also the end of ``text``)
    chart: ChartData | None = None  # `project chart`: adapters draw it (bot/charts.py) and attach the PNG

    @property
    def is_error(self) -> bool:
        return self.kind is ReplyKind.error

    @classmethod
    def from_error(cls, exc: OrchestratorError) -> Reply:
        """The error's message, its hint under it, and the usage line when a command was malformed."""
        if isinstance(exc, QuickAddError):
            return cls(exc.message, kind=ReplyKind.error, usage=exc.usage, footer=exc.tip)
        return cls(exc.message, kind=ReplyKind.error, footer=exc.hint)
