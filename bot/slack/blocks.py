"""Block Kit rendering of core Replies: task cards with buttons, lists, projects, help.

Every message also gets a plain ``text`` (notifications, screen readers, clients without Block Kit), built by
``bot.render_text``. Slack's limits shape the layout: 50 blocks per message, 3000 characters per section.
"""

from __future__ import annotations

import re
from typing import Any

from bot.render_text import due_text, plain, project_line
from core.conversation.messages import Reply, ReplyKind, TaskDetailView, TaskView
from core.models import Priority, TaskStatus

Block = dict[str, Any]

COMPLETE = "task_complete"
ASSIGN_ME = "task_assign_me"
SNOOZE = "task_snooze"
DELETE = "task_delete"  # only on a "Delete T-3?" question: pressing it is the confirmation
# Only on "T-3 has 2 open subtasks: complete them too?": pressing one is the answer.
COMPLETE_ALL = "task_complete_all"
CANCEL = "task_cancel"
TASK_ACTIONS = (COMPLETE, ASSIGN_ME, SNOOZE, DELETE, COMPLETE_ALL, CANCEL)

SECTION_LIMIT = 3000
TEXT_LIMIT = 3000
MESSAGE_BLOCKS = 50
MAX_CARDS = 15  # up to 3 blocks each, leaving room for the header, overflow list and footers

_PRIORITY = {
    Priority.critical: ":red_circle: critical",
    Priority.high: ":large_orange_circle: high",
    Priority.low: "low",
    Priority.backlog: "backlog",
}
_KIND_PREFIX = {ReplyKind.error: ":warning: ", ReplyKind.confirm: ":question: "}


def escape(text: str) -> str:
    """Slack mrkdwn control characters; user-typed titles must not turn into links or mentions."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_ESCAPED_MENTION = re.compile(r"&lt;(@[UW][A-Z0-9]+(?:\|[^&<>]*)?)&gt;")


def escape_text(text: str) -> str:
    """Like ``escape``, but user mentions (``<@U123>``) written by the core stay mentions."""
    return _ESCAPED_MENTION.sub(r"<\1>", escape(text))


def mention(slack_user_id: str) -> str:
    """How a message names someone so Slack shows (and notifies) them: ``<@U123>``."""
    return f"<@{slack_user_id}>"


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def section(text: str, block_id: str | None = None) -> Block:
    block: Block = {"type": "section", "text": {"type": "mrkdwn", "text": _truncate(text, SECTION_LIMIT)}}
    if block_id:
        block["block_id"] = block_id
    return block


def context(text: str, block_id: str | None = None) -> Block:
    block: Block = {"type": "context", "elements": [{"type": "mrkdwn", "text": _truncate(text, 3000)}]}
    if block_id:
        block["block_id"] = block_id
    return block


def button(text: str, action_id: str, value: str, style: str | None = None) -> Block:
    element: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": text, "emoji": True},
        "action_id": action_id,
        "value": value,
    }
    if style:
        element["style"] = style
    return element


def card_id(ref: str) -> str:
    """Block ids of one task's card start with this, so an action can find and replace exactly that card."""
    return f"task:{ref}"


def task_summary(t: TaskView) -> str:
    """The card's text: ref and title, then due date, priority, assignee, project and tags."""
    title = escape(t.title)
    if not t.is_open:
        title = f"~{title}~"
    mark = ":white_check_mark: " if t.status is TaskStatus.completed else ""
    lines = [f"{mark}*{t.ref}*  {title}"]
    meta: list[str] = []
    when = f"{t.due_time:%H:%M}" if t.due_time else ""
    due = due_text(t.due_date, t.days_until_due, t.is_overdue, when)
    if due:
        meta.append(f":rotating_light: *{due}*" if t.is_overdue else f":date: {due}")
    if t.priority in _PRIORITY:
        meta.append(_PRIORITY[t.priority])
    if t.assignee:
        meta.append(f":bust_in_silhouette: {escape(t.assignee)}")
    if t.project:
        meta.append(f"#{escape(t.project)}")
    if t.tags:
        meta.append(" ".join(f"`{escape(tag)}`" for tag in t.tags))
    if t.repeat:
        meta.append(escape(t.repeat_label))
    if t.blocked_by:
        meta.append(":no_entry: waiting on " + escape(", ".join(t.blocked_by)))
    if t.status not in (TaskStatus.todo, TaskStatus.completed):
        meta.append(t.status.value.replace("_", " "))
    if t.deleted:
        meta.append("_deleted_")
    if meta:
        lines.append(" · ".join(meta))
    return "\n".join(lines)


def delete_card(t: TaskView) -> list[Block]:
    """A task the reply asks to delete, with the Delete button that confirms it."""
    return [
        section(task_summary(t), card_id(t.ref)),
        {
            "type": "actions",
            "block_id": f"{card_id(t.ref)}:actions",
            "elements": [button(f"Delete {t.ref}", DELETE, t.ref, style="danger")],
        },
    ]


def complete_all_card(t: TaskView) -> list[Block]:
    """The parent a reply asks to complete with its open subtasks: Complete all, or Cancel."""
    return [
        section(task_summary(t), card_id(t.ref)),
        {
            "type": "actions",
            "block_id": f"{card_id(t.ref)}:actions",
            "elements": [
                button("Complete all", COMPLETE_ALL, t.ref, style="primary"),
                button("Cancel", CANCEL, t.ref),
            ],
        },
    ]


def task_card(t: TaskView, note: str | None = None) -> list[Block]:
    """A task as a section, its buttons while it is open, and an optional note (what just happened)."""
    blocks = [section(task_summary(t), card_id(t.ref))]
    if t.is_open:
        blocks.append(
            {
                "type": "actions",
                "block_id": f"{card_id(t.ref)}:actions",
                "elements": [
                    button("Complete", COMPLETE, t.ref, style="primary"),
                    button("Assign to me", ASSIGN_ME, t.ref),
                    button("Snooze +1 day", SNOOZE, t.ref),
                ],
            }
        )
    if note:
        blocks.append(context(note, f"{card_id(t.ref)}:note"))
    return blocks


def _link(url: str, label: str) -> str:
    """A mrkdwn link; an address that isn't http(s) is shown as text, never made clickable."""
    if url.startswith(("https://", "http://")) and not any(c in url for c in "<>| "):
        return f"<{url}|{escape(label)}>"
    return f"{escape(label)}: {escape(url)}"


def detail_blocks(t: TaskView, detail: TaskDetailView) -> list[Block]:
    """Under the card of `show T-n`: the description, origin, tracker links, relations, last changes."""
    lines: list[str] = []
    if t.description:
        lines.append(escape(t.description))
    made = "Created" + (f" by {escape(detail.created_by)}" if detail.created_by else "")
    made += f" on {detail.created}" if detail.created else ""
    if detail.source_url:
        made += " · " + _link(detail.source_url, "source message")
    lines.append(made)
    if detail.links:
        lines.append(
            " · ".join(
                _link(x.url, x.tracker) if x.url else f"{x.tracker} {escape(x.remote_id)}"
                for x in detail.links
            )
        )
    if detail.parent:
        lines.append(f"Part of {escape(detail.parent)}")
    if detail.blocked_by:
        lines.append("Waiting on " + escape(", ".join(detail.blocked_by)))
    if detail.subtasks:
        lines.append("Subtasks: " + escape(", ".join(detail.subtasks)))
    if detail.rollup:
        lines.append(escape(detail.rollup))
    blocks = [section(chunk, f"{card_id(t.ref)}:detail") for chunk in _chunks(lines)][:1]
    if detail.recent:
        recent = "\n".join(f"• {escape(a.text)} · _{a.ago}_" for a in detail.recent)
        blocks.append(context("*Recent changes*\n" + recent, f"{card_id(t.ref)}:history"))
    return blocks


def _chunks(lines: list[str], limit: int = SECTION_LIMIT) -> list[str]:
    """Join lines into texts that each fit in one section."""
    out: list[str] = []
    current = ""
    for line in lines:
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit and current:
            out.append(current)
            current = line
        else:
            current = candidate
    if current:
        out.append(current)
    return out


def reply_blocks(reply: Reply, *, max_cards: int = MAX_CARDS) -> list[Block]:
    """The blocks of a reply: its text, task cards (a compact list past ``max_cards``), projects, footers."""
    blocks: list[Block] = []
    if reply.text:
        prefix = _KIND_PREFIX.get(reply.kind, "")
        # The core writes Slack-compatible mrkdwn (`code`, *bold*); only <, > and & need escaping.
        blocks += [section(prefix + escape_text(chunk)) for chunk in _chunks(reply.text.splitlines())]
    asks_delete = reply.kind is ReplyKind.confirm and reply.confirm_action == "delete"
    asks_all = reply.kind is ReplyKind.confirm and reply.confirm_action == "complete_all"
    for i, t in enumerate(reply.tasks[:max_cards]):
        if asks_all:  # the parent with the two answers, then its open subtasks without buttons
            blocks += complete_all_card(t) if i == 0 else [section(task_summary(t))]
        else:
            blocks += delete_card(t) if asks_delete and not t.deleted else task_card(t)
    detailed = next((t for t in reply.tasks if reply.detail and t.ref == reply.detail.ref), None)
    if reply.detail is not None and detailed is not None:
        blocks += detail_blocks(detailed, reply.detail)
    rest = reply.tasks[max_cards:]
    if rest:
        lines = [task_summary(t).replace("\n", " · ") for t in rest]
        blocks += [section(chunk) for chunk in _chunks(lines)]
    if reply.activity:
        lines = [f"• {escape(a.text)} · _{a.ago}_" for a in reply.activity]
        blocks += [section(chunk) for chunk in _chunks(lines)]
    if reply.projects:
        lines = [f"*{escape(p.ref)}*  {escape(project_line(p).split('  ', 1)[-1])}" for p in reply.projects]
        blocks += [section(chunk) for chunk in _chunks(lines)]
    if reply.usage:
        blocks.append(context(f"Usage: `{escape(reply.usage)}`"))
    if reply.footer:
        blocks.append(context(escape_text(reply.footer)))
    if len(blocks) > MESSAGE_BLOCKS:
        blocks = [*blocks[: MESSAGE_BLOCKS - 1], context("(more in the text version of this message)")]
    return blocks


def fallback_text(reply: Reply) -> str:
    """The plain-text version of a reply (``text`` of a message with blocks)."""
    text = _KIND_PREFIX.get(reply.kind, "") + escape_text(plain(reply))
    return _truncate(text or "Done.", TEXT_LIMIT)


def render(reply: Reply) -> tuple[str, list[Block]]:
    """``(text, blocks)`` for chat.postMessage, respond and chat.update."""
    return fallback_text(reply), reply_blocks(reply)


def replace_card(blocks: list[Block], card: list[Block], ref: str) -> list[Block]:
    """``blocks`` with the card of task ``ref`` replaced by ``card`` (the rest of a list stays as it was)."""
    prefix = card_id(ref)
    out: list[Block] = []
    placed = False
    for block in blocks:
        block_id = str(block.get("block_id") or "")
        if block_id == prefix or block_id.startswith(prefix + ":"):
            if not placed:
                out += card
                placed = True
            continue
        out.append(block)
    return out if placed else card
