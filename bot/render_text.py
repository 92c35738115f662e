"""Plain-text and rich (terminal) rendering of a Reply; also the fallback text for chat platforms."""

from __future__ import annotations

from datetime import date

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from core.conversation.messages import ProjectView, Reply, ReplyKind, TaskDetailView, TaskView
from core.models import Priority, TaskStatus

_PRIORITY_MARK = {
    Priority.critical: "!critical",
    Priority.high: "!high",
    Priority.medium: "",
    Priority.low: "!low",
    Priority.backlog: "!backlog",
}
_STATUS_MARK = {
    TaskStatus.todo: "[ ]",
    TaskStatus.in_progress: "[~]",
    TaskStatus.blocked: "[!]",
    TaskStatus.in_review: "[?]",
    TaskStatus.completed: "[x]",
    TaskStatus.cancelled: "[-]",
}


def due_text(due: date | None, days: int | None, overdue: bool, when: str = "") -> str:
    """`due today`, `due tomorrow`, `due Fri Nov 27`, `OVERDUE by 3 days (Mon Nov 23)`."""
    if due is None:
        return ""
    label = f"{due:%a %b} {due.day}" + (f" {due.year}" if days is not None and abs(days) > 300 else "")
    if when:
        label += f" {when}"
    if overdue:
        if days is not None and days < 0:
            n = -days
            return f"OVERDUE by {n} day{'s' if n != 1 else ''} ({label})"
        return f"OVERDUE ({label})"
    if days == 0:
        return f"due today{' ' + when if when else ''}"
    if days == 1:
        return f"due tomorrow{' ' + when if when else ''}"
    return f"due {label}"


def task_line(t: TaskView) -> str:
    """One line naming the ref, title, project, due date, priority and assignee."""
    parts = [f"{_STATUS_MARK[t.status]} {t.ref}  {t.title}"]
    if t.project:
        parts.append(f"#{t.project}")
    when = f"{t.due_time:%H:%M}" if t.due_time else ""
    due = due_text(t.due_date, t.days_until_due, t.is_overdue, when)
    if due:
        parts.append(due)
    if _PRIORITY_MARK[t.priority]:
        parts.append(_PRIORITY_MARK[t.priority])
    if t.assignee:
        parts.append(f"@{t.assignee}")
    if t.tags:
        parts.append(" ".join(f"+{tag}" for tag in t.tags))
    if t.repeat:
        parts.append(t.repeat_label)
    if t.blocked_by:
        parts.append("waiting on " + ", ".join(t.blocked_by))
    if t.deleted:
        parts.append("(deleted)")
    return " · ".join(parts)


def project_line(p: ProjectView) -> str:
    counts = f"{p.completed_task_count}/{p.task_count} done"
    if p.overdue_count:
        counts += f", {p.overdue_count} overdue"
    extra = [f"{p.ref}  {p.name}", p.status.value, counts]
    if p.due_date:
        extra.append(f"due {p.due_date:%a %b} {p.due_date.day}")
    if _PRIORITY_MARK[p.priority]:
        extra.append(_PRIORITY_MARK[p.priority])
    return " · ".join(extra)


def detail_lines(detail: TaskDetailView) -> list[str]:
    """What `show T-n` tells beyond the task's line: origin, links, relations and the last changes."""
    made = "Created"
    if detail.created_by:
        made += f" by {detail.created_by}"
    if detail.created:
        made += f" on {detail.created}"
    lines = [made]
    if detail.source_url:
        lines.append(f"From: {detail.source_url}")
    for link in detail.links:
        lines.append(f"{link.tracker}: {link.url or link.remote_id}")
    if detail.parent:
        lines.append(f"Part of {detail.parent}")
    if detail.blocked_by:
        lines.append("Waiting on " + ", ".join(detail.blocked_by))
    if detail.subtasks:
        lines.append("Subtasks: " + ", ".join(detail.subtasks))
    if detail.rollup:
        lines.append(detail.rollup)
    if detail.recent:
        lines.append("Recent changes:")
        lines += [f"  • {a.line}" for a in detail.recent]
    return lines


def plain(reply: Reply) -> str:
    """The whole reply as plain text."""
    lines = [reply.text] if reply.text else []
    lines += [task_line(t) for t in reply.tasks]
    lines += [project_line(p) for p in reply.projects]
    if reply.tasks and len(reply.tasks) == 1 and reply.tasks[0].description:
        lines.append(f"    {reply.tasks[0].description}")
    if reply.detail is not None:
        if len(reply.tasks) > 1:
            lines.append(f"{reply.detail.ref}:")
        lines += [f"    {line}" for line in detail_lines(reply.detail)]
    lines += [f"• {a.line}" for a in reply.activity]
    if reply.usage:
        lines.append(f"Usage: {reply.usage}")
    if reply.footer:
        lines.append(reply.footer)
    return "\n".join(lines)


def rich_renderable(reply: Reply) -> RenderableType:
    """A colourful rendering for an interactive terminal."""
    style = {ReplyKind.error: "bold red", ReplyKind.success: "green", ReplyKind.confirm: "bold yellow"}
    parts: list[RenderableType] = []
    if reply.text:
        parts.append(Text(reply.text, style=style.get(reply.kind, "")))
    if reply.tasks:
        table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        for col in ("", "ref", "title", "project", "due", "priority", "assignee"):
            table.add_column(col)
        for t in reply.tasks:
            when = f"{t.due_time:%H:%M}" if t.due_time else ""
            due = due_text(t.due_date, t.days_until_due, t.is_overdue, when)
            table.add_row(
                Text(_STATUS_MARK[t.status]),  # a Text, or rich would read "[x]" as markup
                Text(t.ref, style="cyan"),
                Text(f"{t.title} {t.repeat_label}".strip(), style="strike dim" if not t.is_open else ""),
                f"#{t.project}" if t.project else "",
                Text(due, style="bold red" if t.is_overdue else ""),
                _PRIORITY_MARK[t.priority],
                f"@{t.assignee}" if t.assignee else "",
            )
        parts.append(table)
    if reply.detail is not None:
        shown = next((t for t in reply.tasks if t.ref == reply.detail.ref), None)
        if len(reply.tasks) > 1:
            parts.append(Text(f"{reply.detail.ref}:", style="cyan"))
        if shown is not None and shown.description:
            parts.append(Text(shown.description))
        if shown is not None and shown.tags:  # the table has no column for them
            parts.append(Text("Tags: " + " ".join(f"+{tag}" for tag in shown.tags), style="dim"))
        if shown is not None and shown.repeat:  # nor for the repeat rule
            parts.append(Text(f"Repeats: {shown.repeat_label}", style="dim"))
        parts += [Text(line, style="dim") for line in detail_lines(reply.detail)]
    for a in reply.activity:
        line = Text("• ")
        line.append(a.text)
        line.append(f" · {a.ago}", style="dim")
        parts.append(line)
    for p in reply.projects:
        parts.append(Text(project_line(p), style="cyan"))
    if reply.usage:
        parts.append(Text(f"Usage: {reply.usage}", style="dim"))
    if reply.footer:
        parts.append(Text(reply.footer, style="dim"))
    return Group(*parts)
