"""The command objects quick-add text parses into, their usage lines, and the help text.

Kept apart from the grammar (core/quickadd.py) so the bot can import the types without the parser.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from core.dates import Due
from core.errors import ValidationError
from core.models import Priority
from core.quickadd_schedule import ScheduleCommand

Window = Literal["overdue", "today", "week"]


@dataclass(frozen=True, slots=True)
class DuePhrase:
    """A due date as typed into a platform's form field (``/task add due:fri``); the unit of work resolves
    it into a ``Due`` at the turn's moment before the command runs, so every command runs on resolved dates.
    """

    text: str

    def phrase(self) -> str:
        """The phrase as typed (``Due.phrase`` gives the same shape for a resolved value)."""
        return self.text


DueValue = Due | DuePhrase


class QuickAddError(ValidationError):
    """Text that starts like a command but is malformed; ``usage`` is that command's usage line."""

    def __init__(self, message: str, usage: str, *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint if hint is not None else f"Usage: `{usage}`")
        self.usage = usage
        self.tip = hint  # the explicit hint alone: replies show the usage line separately


@dataclass(frozen=True, slots=True)
class AddTask:
    title: str
    due: DueValue | None = None  # resolved at the turn's moment in the actor's zone
    priority: Priority | None = None
    project: str | None = None
    assignee: str | None = None  # "bob", "me", or a neutral mention "<@U123>" (core/refs.py)
    tags: tuple[str, ...] = ()
    description: str = ""  # a platform form's notes field (a Slack modal); typed quick-add has none
    source_url: str | None = None  # the chat message a task was made from
    repeat: str | None = None  # a repeat rule ("every monday 9am"); the first occurrence is due unless given
    parent: int | None = None  # `add Confirm the menu under T-3`: a subtask of T-3
    estimate_minutes: int | None = None  # `~2h`


@dataclass(frozen=True, slots=True)
class ListTasks:
    project: str | None = None
    assignee: str | None = None
    window: Window | None = None
    include_closed: bool = False
    limit: int = 25  # a page; the reply's ``total`` says how many matched
    state: Literal["blocked", "ready"] | None = None  # `list blocked`, `list ready`


@dataclass(frozen=True, slots=True)
class ShowTask:
    number: int


@dataclass(frozen=True, slots=True)
class CompleteTask:
    numbers: tuple[int, ...]
    took_minutes: int | None = None  # `done T-3 took 3h`
    with_subtasks: bool = False  # the answer to "complete them too?": their open subtasks close as well


@dataclass(frozen=True, slots=True)
class ReopenTask:
    numbers: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class DeleteTask:
    numbers: tuple[int, ...]
    confirmed: bool = False  # a platform's Delete button is the confirmation; typed deletes ask first


@dataclass(frozen=True, slots=True)
class RestoreTask:
    numbers: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class EditTask:
    number: int
    title: str | None = None
    due: DueValue | None = None
    clear_due: bool = False
    priority: Priority | None = None
    project: str | None = None
    clear_project: bool = False
    assignee: str | None = None
    clear_assignee: bool = False
    add_tags: tuple[str, ...] = ()
    remove_tags: tuple[str, ...] = ()
    repeat: str | None = None  # a new repeat rule, canonical ("every friday")
    clear_repeat: bool = False  # `every none`
    estimate_minutes: int | None = None  # `~30m`
    clear_estimate: bool = False  # `~none`


@dataclass(frozen=True, slots=True)
class AssignTask:
    number: int
    assignee: str | None  # None unassigns


@dataclass(frozen=True, slots=True)
class Undo:
    pass


@dataclass(frozen=True, slots=True)
class Confirm:
    pass


@dataclass(frozen=True, slots=True)
class Cancel:
    pass


@dataclass(frozen=True, slots=True)
class Help:
    topic: str | None = None


@dataclass(frozen=True, slots=True)
class Reset:
    pass


@dataclass(frozen=True, slots=True)
class AddProject:
    name: str
    due: DueValue | None = None
    priority: Priority | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ListProjects:
    pass


@dataclass(frozen=True, slots=True)
class ShowProject:
    ref: str  # a name or "P-2"


@dataclass(frozen=True, slots=True)
class DeleteProject:
    ref: str


@dataclass(frozen=True, slots=True)
class ArchiveProject:
    ref: str


@dataclass(frozen=True, slots=True)
class ChartProject:
    """`project chart #Launch [30 days]`: created vs completed per day and the open-task burn-down."""

    ref: str  # a name or "P-2"
    days: int = 14


@dataclass(frozen=True, slots=True)
class UseProject:
    """Make a project the conversation's home for new tasks; ``ref=None`` stops using one."""

    ref: str | None


@dataclass(frozen=True, slots=True)
class SnoozeTask:
    number: int
    days: int = 1


@dataclass(frozen=True, slots=True)
class SearchTasks:
    """`find invoices`: tasks whose title, description or tags match, open ones first."""

    text: str
    include_closed: bool = True
    limit: int = 10


@dataclass(frozen=True, slots=True)
class History:
    """`history [T-3 | @bob | #Launch] [today | week]`: the audit trail in words, newest first."""

    task: int | str | None = None  # a number, or the words of a title ("the slides")
    person: str | None = None  # "bob", "me", or a neutral mention "<@U123>"
    project: str | None = None
    since: str | None = None  # "today", "week", "yesterday", "2 days ago"; None: the last 7 days
    limit: int = 20


@dataclass(frozen=True, slots=True)
class SuggestTasks:
    """Autocomplete: open tasks whose ref starts with, or whose title, description or tags match (typos
    forgiven) what was typed."""

    typed: str
    limit: int = 25


@dataclass(frozen=True, slots=True)
class SuggestProjects:
    """Autocomplete: projects whose name contains, or whose ref is, what was typed."""

    typed: str
    limit: int = 25


@dataclass(frozen=True, slots=True)
class Text:
    """Free text to understand: quick-add first, then the offline model or the LLM agent."""

    text: str


@dataclass(frozen=True, slots=True)
class BlockTask:
    """`T-5 blocks T-3` / `T-3 after T-5`: ``blocked`` waits for ``blocker``."""

    blocker: int
    blocked: int


@dataclass(frozen=True, slots=True)
class UnblockTask:
    """`unblock T-3` (every blocker) or `unblock T-3 from T-5`."""

    number: int
    blocker: int | None = None


Command = (
    AddTask
    | ListTasks
    | ShowTask
    | CompleteTask
    | ReopenTask
    | DeleteTask
    | RestoreTask
    | EditTask
    | AssignTask
    | Undo
    | Confirm
    | Cancel
    | Help
    | Reset
    | AddProject
    | ListProjects
    | ShowProject
    | DeleteProject
    | ArchiveProject
    | ChartProject
    | UseProject
    | SnoozeTask
    | SuggestTasks
    | SuggestProjects
    | SearchTasks
    | History
    | BlockTask
    | UnblockTask
    | ScheduleCommand
)

USAGE: dict[str, str] = {
    "add": "add <title> [due <when>] [every <rule>] [p1-p4|!priority] [#project] [@user] [+tag …] [~2h] "
    "[under T-3]",
    "list": "list [#project] [@user|mine] [overdue|today|week|blocked|ready] [all]",
    "show": "show T-3",
    "find": "find <words>",
    "search": "search <words>  (the same as find)",
    "history": "history [T-3 | task title | @user | #project] [today | yesterday | week]",
    "done": "done T-3 [T-4 …] [took 3h]",
    "reopen": "reopen T-3 [T-4 …]",
    "delete": "delete T-3 [T-4 …]",
    "restore": "restore T-3 [T-4 …]",
    "edit": 'edit T-3 ["new title"] [due <when>|due none] [every <rule>|every none] [p1-p4|!priority] '
    "[#project|#none] [@user|@none] [+tag] [-tag] [~30m|~none]",
    "unblock": "unblock T-3 [from T-5]",
    "blocks": "T-5 blocks T-3 | T-3 after T-5",
    "assign": "assign T-3 [to] @user",
    "unassign": "unassign T-3",
    "undo": "undo",
    "confirm": "yes",
    "cancel": "no",
    "help": "help [command]",
    "reset": "reset",
    "project": "project add|list|show|chart|report|delete|archive …",
    "project report": "project report #Project weekly fri 16:00 [in #channel] | project report #Project off",
    "remind": "remind me about T-3 tomorrow 9am | remind @bob about T-3 in 2 hours | remind me 1 day before",
    "reminders": "reminders [all] | reminders cancel T-3",
    "digest": "digest on 8:30 weekdays | digest off | digest now | digest",
    "quiet": "quiet 20:00-08:00 | quiet off | quiet",
    "project add": "project add <name> [due <when>] [p1-p4|!priority] [+tag …]",
    "project list": "project list",
    "project show": "project show <name|P-2>",
    "project delete": "project delete <name|P-2>",
    "project archive": "project archive <name|P-2>",
    "project chart": "project chart <name|P-2> [N days]  (N up to 90; 14 unless given)",
    "use": "use #project  (or `use none`)",
}

HELP_TEXT = """\
*Tasks*
• `add Write report due fri 3pm p2 #launch @alice +docs` — new task (p1 critical … p4 low, or !high)
• `list` · `list mine today` · `list #launch overdue` · `list @bob week all` — your tasks (`all` adds closed)
• `show T-3` — one task: details, tracker links and its last changes
• `find invoices` — search titles, descriptions and tags (open tasks first; typos are fine)
• `history` · `history T-3` · `history @bob today` · `history #launch week` — what changed, in words
• `done T-3 T-4` · `reopen T-3` — complete or reopen
• `edit T-3 "New title" due mon p1 #none @bob +urgent -later` — change fields (`due none` clears)
• `add Send report every monday 9am` · `edit T-3 every 2 weeks on fri` · `edit T-3 every none` — repeating \
tasks: completing one creates the next (`every weekday`, `every month on the 1st`, `every day at 8:30`)
• `assign T-3 to @bob` · `unassign T-3`
• `delete T-3` · `restore T-3`
• `add Confirm the menu under T-3` — a subtask · `T-5 blocks T-3` · `T-3 after T-5` · \
`unblock T-3 [from T-5]` · `list blocked` · `list ready`
• `add Write spec ~2h` · `edit T-3 ~30m` (`~none` clears) · `done T-3 took 3h` — estimates and time taken
*Projects*
• `project add Launch due dec 5 !high +q4` · `project list` · `project show Launch` · `project archive P-2`
• `project chart #Launch` · `project chart Launch 30 days` — a chart: created vs completed per day, open tasks
• `project report #Launch weekly fri 16:00 in #launch-team` — a weekly summary with the chart in a channel \
(`project report #Launch off` stops it)
• `use #Launch` — new tasks in this conversation go to Launch until `use none`
*Reminders*
• `remind me about T-3 tomorrow 9am` · `remind @bob about T-3 in 2 hours` · `remind me 1 day before due` \
— in plain words; a task with a due date also reminds its owner at 9:00 on the due day
• `reminders` · `reminders all` · `reminders cancel T-3` — what's coming
• `digest on 8:30 weekdays` · `digest off` · `digest now` — your digest: due today, overdue, new for you
• `quiet 22:00-07:00` · `quiet off` — automatic reminders and digests wait until your quiet hours end
*Conversation*
• `undo` — revert your last change · `yes` / `no` — answer a confirmation · `reset` — forget this chat
• `help add` — usage of one command
Dates: `today`, `tomorrow`, `fri`, `next week`, `in 3 days`, `dec 5`, `2026-12-05`, with an optional time \
(`fri 3pm`). Quote a title that contains option words: `add "Review #launch due dates" due fri`."""
