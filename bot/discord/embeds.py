"""Reply → message content and Discord embeds, and back from embeds to the task refs they show.

One task renders as a detail card (title ``T-3 · Title``); several as one list embed whose lines start with a
status mark and ``**T-3**``. ``task_refs`` reads those refs back and ``with_task`` redraws one task in place,
so a button can update the message it sits on; the format and its reader live together here so they cannot
drift apart. The two patterns below only find where our own format puts a ref; core.refs reads the ref.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import discord

from bot.render_text import due_text, project_line
from core.conversation.messages import ActivityView, ProjectView, Reply, ReplyKind, TaskDetailView, TaskView
from core.models import Priority, TaskStatus
from core.refs import task_number

CONTENT_LIMIT = 2000
DESCRIPTION_LIMIT = 4000  # Discord allows 4096; the rest is room for "… and N more"
MAX_LISTED = 25

COLORS = {
    ReplyKind.info: discord.Colour.blurple(),
    ReplyKind.success: discord.Colour.green(),
    ReplyKind.error: discord.Colour.red(),
    ReplyKind.confirm: discord.Colour.gold(),
    ReplyKind.help: discord.Colour.dark_grey(),
}
STATUS_MARK = {
    TaskStatus.todo: "⬜",
    TaskStatus.in_progress: "🔄",
    TaskStatus.blocked: "⛔",
    TaskStatus.in_review: "👀",
    TaskStatus.completed: "✅",
    TaskStatus.cancelled: "✖️",
}
PRIORITY_LABEL = {
    Priority.critical: "🔴 critical",
    Priority.high: "🟠 high",
    Priority.medium: "medium",
    Priority.low: "🔵 low",
    Priority.backlog: "backlog",
}
_DETAIL_TITLE = re.compile(r"^(?P<ref>\S+) · ")  # `task_embed`'s title: "<ref> · <title>"
_LIST_LINE = re.compile(r"^\S+ \*\*(?P<ref>[^*\s]+)\*\*", re.MULTILINE)  # `task_line`: "<mark> **<ref>** …"
_SLACK_BOLD = re.compile(r"^\*([^*\n]+)\*$", re.MULTILINE)


@dataclass
class Rendered:
    """Keyword arguments for ``send``/``edit`` (the view is added by views.py)."""

    content: str
    embeds: list[discord.Embed] = field(default_factory=list)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _due(t: TaskView) -> str:
    return due_text(t.due_date, t.days_until_due, t.is_overdue, f"{t.due_time:%H:%M}" if t.due_time else "")


def _mark(t: TaskView) -> str:
    return "🗑️" if t.deleted else STATUS_MARK[t.status]


def task_line(t: TaskView) -> str:
    """``⬜ **T-3** Title · #project · due fri · 🟠 high · @bob``."""
    title = f"~~{t.title}~~" if not t.is_open else t.title
    parts = [f"{_mark(t)} **{t.ref}** {title}"]
    if t.project:
        parts.append(f"#{t.project}")
    due = _due(t)
    if due:
        parts.append(f"**{due}**" if t.is_overdue else due)
    if t.priority not in (Priority.medium, Priority.backlog):
        parts.append(PRIORITY_LABEL[t.priority])
    if t.assignee:
        parts.append(f"@{t.assignee}")
    if t.repeat:
        parts.append(t.repeat_label)
    if t.blocked_by:
        parts.append("waiting on " + ", ".join(t.blocked_by))
    if t.deleted:
        parts.append("(deleted)")
    return " · ".join(parts)


def task_embed(t: TaskView, kind: ReplyKind = ReplyKind.info) -> discord.Embed:
    """One task as a card."""
    colour = discord.Colour.red() if t.is_overdue else COLORS[kind]
    if not t.is_open:
        colour = discord.Colour.dark_grey()
    embed = discord.Embed(
        title=_clip(f"{t.ref} · {t.title}", 256),
        description=_clip(t.description, DESCRIPTION_LIMIT) or None,
        colour=colour,
    )
    status = "deleted" if t.deleted else t.status.value.replace("_", " ")
    embed.add_field(name="Status", value=f"{_mark(t)} {status}")
    embed.add_field(name="Due", value=_due(t) or "—")
    embed.add_field(name="Priority", value=PRIORITY_LABEL[t.priority])
    embed.add_field(name="Project", value=f"#{t.project}" if t.project else "—")
    embed.add_field(name="Assignee", value=f"@{t.assignee}" if t.assignee else "unassigned")
    if t.tags:
        embed.add_field(name="Tags", value=_clip(" ".join(f"+{tag}" for tag in t.tags), 1024))
    if t.repeat:
        embed.add_field(name="Repeats", value=_clip(t.repeat_label, 1024))
    if t.blocked_by:
        embed.add_field(name="Waiting on", value=_clip(", ".join(t.blocked_by), 1024))
    return embed


def _link(url: str, label: str) -> str:
    """A markdown link for http(s) addresses; anything else is shown as text."""
    if url.startswith(("https://", "http://")) and not any(c in url for c in "()[] "):
        return f"[{label}]({url})"
    return f"{label}: {url}"


def add_details(embed: discord.Embed, detail: TaskDetailView) -> discord.Embed:
    """`show T-n`: the card gets who made it and when, its links, its relations and its last changes."""
    made = detail.created + (f" by {detail.created_by}" if detail.created_by else "")
    if detail.source_url:
        made += "\n" + _link(detail.source_url, "source message")
    embed.add_field(name="Created", value=_clip(made or "—", 1024), inline=False)
    if detail.links:
        links = [_link(x.url, x.tracker) if x.url else f"{x.tracker} `{x.remote_id}`" for x in detail.links]
        embed.add_field(name="Trackers", value=_clip(" · ".join(links), 1024), inline=False)
    related = []
    if detail.parent:
        related.append(f"Part of {detail.parent}")
    if detail.blocked_by:
        related.append("Waiting on " + ", ".join(detail.blocked_by))
    if detail.subtasks:
        related.append("Subtasks: " + ", ".join(detail.subtasks))
    if detail.rollup:
        related.append(detail.rollup)
    if related:
        embed.add_field(name="Related", value=_clip("\n".join(related), 1024), inline=False)
    if detail.recent:
        recent = "\n".join(f"• {a.text} · {a.ago}" for a in detail.recent)
        embed.add_field(name="Recent changes", value=_clip(recent, 1024), inline=False)
    return embed


def activity_embed(lines: Sequence[ActivityView], kind: ReplyKind = ReplyKind.info) -> discord.Embed:
    """History lines; the title keeps ``task_refs`` from reading them as a task list."""
    text = "\n".join(f"• {a.text} · *{a.ago}*" for a in lines)
    return discord.Embed(title="Activity", description=_clip(text, DESCRIPTION_LIMIT), colour=COLORS[kind])


def task_list_embed(tasks: Sequence[TaskView], kind: ReplyKind = ReplyKind.info) -> discord.Embed:
    """Several tasks, one line each, cut to the description limit."""
    lines: list[str] = []
    used = 0
    for i, t in enumerate(tasks[:MAX_LISTED]):
        line = task_line(t)
        if used + len(line) + 1 > DESCRIPTION_LIMIT:
            lines.append(f"… and {len(tasks) - i} more")
            break
        lines.append(line)
        used += len(line) + 1
    else:
        if len(tasks) > MAX_LISTED:
            lines.append(f"… and {len(tasks) - MAX_LISTED} more")
    return discord.Embed(description="\n".join(lines), colour=COLORS[kind])


def project_embed(p: ProjectView) -> discord.Embed:
    """One project with its live counts."""
    embed = discord.Embed(
        title=_clip(f"{p.ref} · {p.name}", 256),
        description=_clip(p.description, DESCRIPTION_LIMIT) or None,
        colour=discord.Colour.blurple(),
    )
    embed.add_field(name="Status", value=p.status.value.replace("_", " "))
    embed.add_field(name="Tasks", value=f"{p.completed_task_count}/{p.task_count} done")
    embed.add_field(name="Overdue", value=str(p.overdue_count))
    embed.add_field(name="Priority", value=PRIORITY_LABEL[p.priority])
    if p.due_date:
        embed.add_field(name="Due", value=f"{p.due_date:%a %b} {p.due_date.day}")
    return embed


def project_list_embed(projects: Sequence[ProjectView]) -> discord.Embed:
    lines = [project_line(p) for p in projects[:MAX_LISTED]]
    return discord.Embed(
        description=_clip("\n".join(lines), DESCRIPTION_LIMIT), colour=discord.Colour.blurple()
    )


def task_embeds(tasks: Sequence[TaskView], kind: ReplyKind = ReplyKind.info) -> list[discord.Embed]:
    """The detail card for one task, the list embed for several, nothing for none."""
    if not tasks:
        return []
    return [task_embed(tasks[0], kind)] if len(tasks) == 1 else [task_list_embed(tasks, kind)]


def render(reply: Reply) -> Rendered:
    """The whole reply: its text as content, tasks and projects as embeds, hints under the text."""
    text = reply.text
    if reply.kind is ReplyKind.help:
        text = _SLACK_BOLD.sub(r"**\1**", text)  # the core writes Slack-style *bold* headings
    if reply.kind is ReplyKind.error and text:
        text = f"⚠️ {text}"
    lines = [text] if text else []
    if reply.usage:
        lines.append(f"Usage: `{reply.usage}`")
    embeds: list[discord.Embed] = []
    if reply.projects:
        embeds += (
            [project_embed(reply.projects[0])]
            if len(reply.projects) == 1
            else [project_list_embed(reply.projects)]
        )
    embeds += task_embeds(reply.tasks, reply.kind)
    if reply.detail is not None and len(reply.tasks) == 1:
        add_details(embeds[-1], reply.detail)
    elif reply.detail is not None:  # one of several tasks: its story in an embed of its own
        embeds.append(add_details(discord.Embed(title=f"Details of {reply.detail.ref}"), reply.detail))
    if reply.activity:
        embeds.append(activity_embed(reply.activity, reply.kind))
    if reply.footer:
        if embeds:
            embeds[-1].set_footer(text=_clip(reply.footer, 2048))
        else:
            lines.append(f"-# {reply.footer}")
    content = "\n".join(lines)
    if not content and not embeds:
        content = "Done."
    return Rendered(_clip(content, CONTENT_LIMIT), embeds)


def _card_number(embed: discord.Embed) -> int | None:
    """The task number of a ``task_embed`` card; None for any other embed."""
    match = _DETAIL_TITLE.match(embed.title or "")
    return task_number(match["ref"]) if match is not None else None


def _line_number(line: str) -> int | None:
    """The task number of a ``task_line``; None for any other line."""
    match = _LIST_LINE.match(line)
    return task_number(match["ref"]) if match is not None else None


def _list_numbers(embed: discord.Embed) -> list[int]:
    if embed.title or not embed.description:
        return []
    return [n for line in embed.description.splitlines() if (n := _line_number(line)) is not None]


def task_refs(embeds: Sequence[discord.Embed]) -> list[int]:
    """The task numbers a message renders, in order (read back from ``task_embed``/``task_list_embed``)."""
    numbers: list[int] = []
    for embed in embeds:
        card = _card_number(embed)
        numbers += [card] if card is not None else _list_numbers(embed)
    return list(dict.fromkeys(numbers))


def is_task_embed(embed: discord.Embed) -> bool:
    """True for embeds ``task_embeds`` made."""
    return _card_number(embed) is not None or bool(_list_numbers(embed))


def with_task(embeds: Sequence[discord.Embed], view: TaskView) -> list[discord.Embed]:
    """A message's embeds with ``view`` drawn fresh where it was shown (its card or its list line); the other
    embeds and lines stay as they were. A task the message did not show gets its card added."""
    number = task_number(view.ref)
    redrawn: list[discord.Embed] = []
    found = False
    for embed in embeds:
        if _card_number(embed) == number:
            card = task_embed(view)
            if embed.footer.text:
                card.set_footer(text=embed.footer.text)
            redrawn.append(card)
            found = True
        elif number in _list_numbers(embed):
            lines = (embed.description or "").splitlines()
            fresh = embed.copy()
            fresh.description = "\n".join(task_line(view) if _line_number(x) == number else x for x in lines)
            redrawn.append(fresh)
            found = True
        else:
            redrawn.append(embed)
    return redrawn if found else [*redrawn, task_embed(view)]
