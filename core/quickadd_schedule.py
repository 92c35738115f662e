"""The grammar of what the assistant says by itself: `reminders`, `digest`, `quiet`, and the reminder card's
Snooze button. (A reminder itself is asked in words — "remind me about T-4 tomorrow 9am" — and read by the
parser, core/understanding/read_new.py, into the agent's `remind` tool.)"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.refs import task_number

KEYWORDS = {"reminders": "reminders", "digest": "digest", "quiet": "quiet"}


@dataclass(frozen=True, slots=True)
class ListReminders:
    """`reminders`: my coming reminders; `reminders all`: everyone's in this workspace."""

    everyone: bool = False


@dataclass(frozen=True, slots=True)
class CancelReminder:
    """`reminders cancel T-3`: stop my reminders about a task."""

    number: int


@dataclass(frozen=True, slots=True)
class RemindTask:
    """A reminder asked by a button or a tool: remind ``who`` about task ``number`` at ``when``."""

    number: int
    when: str
    who: str | None = None


@dataclass(frozen=True, slots=True)
class SnoozeReminder:
    """The reminder card's Snooze: ``how`` is ``snooze_1h``, ``snooze_tomorrow`` or ``snooze_next_week``."""

    number: int
    how: str


@dataclass(frozen=True, slots=True)
class Digest:
    """`digest on 8:30 weekdays` (``on``), `digest off`, `digest now` (``preview``), `digest` (show)."""

    on: bool | None = None
    when: str = ""
    preview: bool = False


@dataclass(frozen=True, slots=True)
class QuietHoursCommand:
    """`quiet 22:00-07:00`, `quiet off`, or `quiet` to show them."""

    text: str | None = None


@dataclass(frozen=True, slots=True)
class ReportProject:
    """`project report #Launch weekly fri 16:00 in #launch-team`: post the project's summary there."""

    ref: str
    when: str
    channel: str | None = None  # a channel id; None: the channel the command was typed in


@dataclass(frozen=True, slots=True)
class StopReport:
    """`project report #Launch off`."""

    ref: str


ScheduleCommand = (
    ListReminders
    | CancelReminder
    | RemindTask
    | SnoozeReminder
    | Digest
    | QuietHoursCommand
    | ReportProject
    | StopReport
)
SCHEDULE_COMMANDS = (
    ListReminders,
    CancelReminder,
    RemindTask,
    SnoozeReminder,
    Digest,
    QuietHoursCommand,
    ReportProject,
    StopReport,
)
# A channel as Slack (`<#C123|name>`, `<#C123>`) and Discord (`<#123>`) write it.
_CHANNEL = re.compile(r"^<#(?P<id>[A-Za-z0-9]+)(?:\|[^>]*)?>$")
_IN_CHANNEL = re.compile(r"\s+(?:in|to|into|on)\s+(?P<where>\S+)\s*$", re.I)
_HERE = frozenset({"here", "this", "#here"})


def parse_report(project: str, rest: str) -> ReportProject | StopReport:
    """`project report <project> <rest>`: the project (one word, `#slug`, `P-2` or a quoted name), then a
    schedule and where (QuickAddError otherwise)."""
    from core.quickadd_commands import USAGE, QuickAddError

    usage = USAGE["project report"]
    words = rest.strip()
    where: str | None = None
    if (found := _IN_CHANNEL.search(words)) is not None:
        target = found["where"]
        channel = _CHANNEL.match(target)
        if channel is not None:
            where = channel["id"]
        elif target.lower() not in _HERE:
            raise QuickAddError(
                f"I can't tell which channel `{target}` is: type # and pick it from the list.", usage
            )
        words = words[: found.start()].strip()
    ref = project.strip().removeprefix("#")
    if not ref:
        raise QuickAddError("Which project? Give its name or number, like #Launch or P-2.", usage)
    when = words
    if when.lower() in ("off", "stop", "none", "cancel"):
        return StopReport(ref)
    if not when:
        raise QuickAddError("When should the report go out? For example `weekly fri 16:00`.", usage)
    return ReportProject(ref, when, where)


def parse_schedule(name: str, rest: str) -> ScheduleCommand:
    """Parse the words after one of ``KEYWORDS`` (QuickAddError when they don't fit)."""
    from core.quickadd_commands import USAGE, QuickAddError  # its Command union includes these commands

    words = rest.split()
    low = [w.lower() for w in words]
    usage = USAGE[name]  # the grammar's table (core/quickadd_commands.py) holds these too
    if name == "reminders":
        if not low or low in (["mine"], ["me"]):
            return ListReminders()
        if low in (["all"], ["everyone"], ["everyone's"]):
            return ListReminders(everyone=True)
        if low[0] in ("cancel", "off", "stop", "delete", "remove") and len(low) == 2:
            number = task_number(low[1])
            if number is not None:
                return CancelReminder(number)
        raise QuickAddError("I didn't get that about reminders.", usage)
    if name == "digest":
        if not low:
            return Digest()
        if low[0] in ("off", "stop", "disable", "no"):
            if len(low) > 1:
                raise QuickAddError("`digest off` doesn't take anything after it.", usage)
            return Digest(on=False)
        if low[0] in ("now", "preview", "test"):
            return Digest(preview=True)
        if low[0] in ("on", "at", "every", "daily", "weekdays", "start", "enable") or low[0][:1].isdigit():
            when = " ".join(words[1:] if low[0] in ("on", "start", "enable") else words)
            return Digest(on=True, when=when)
        raise QuickAddError("I didn't get that about your digest.", usage)
    if not low:
        return QuietHoursCommand()
    return QuietHoursCommand(" ".join(words))
