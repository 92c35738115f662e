"""Block Kit rendering and payload translation: pure functions, no server."""

from __future__ import annotations

from datetime import date

from bot.slack import blocks
from bot.slack.home import home_view
from bot.slack.translate import SlackProfile, from_command, mentioned_users, neutral_text, split_share
from bot.slack.users import profile_from_user
from core.conversation.messages import Reply, ReplyKind, TaskView
from core.models import Priority, TaskStatus
from core.quickadd import HELP_TEXT


def view(n: int, **kw: object) -> TaskView:
    fields: dict[str, object] = {
        "id": f"id{n}",
        "ref": f"T-{n}",
        "title": f"Task {n}",
        "status": TaskStatus.todo,
        "priority": Priority.medium,
    }
    fields.update(kw)
    return TaskView(**fields)  # type: ignore[arg-type]


def test_card_escapes_titles_and_shows_due_priority_assignee() -> None:
    t = view(
        3,
        title="Fix <script> & <@U9>",
        due_date=date(2026, 1, 5),
        days_until_due=-2,
        is_overdue=True,
        priority=Priority.high,
        assignee="Bob",
        project="Launch",
    )
    section, actions = blocks.task_card(t)
    text = section["text"]["text"]
    assert "Fix &lt;script&gt; &amp; &lt;@U9&gt;" in text  # a typed title never becomes a mention or link
    assert "OVERDUE by 2 days" in text and "high" in text and "Bob" in text and "#Launch" in text
    assert [e["value"] for e in actions["elements"]] == ["T-3"] * 3


def test_closed_tasks_have_no_buttons() -> None:
    assert [b["type"] for b in blocks.task_card(view(1, status=TaskStatus.completed))] == ["section"]


def test_long_lists_stay_within_slack_limits_and_keep_a_text_fallback() -> None:
    reply = Reply("60 open tasks:", tasks=[view(n) for n in range(1, 61)], footer="3 overdue.")
    text, body = blocks.render(reply)
    assert len(body) <= blocks.MESSAGE_BLOCKS
    assert sum(1 for b in body if b["type"] == "actions") == blocks.MAX_CARDS
    assert "T-60" in "".join(b.get("text", {}).get("text", "") for b in body)
    assert text.startswith("60 open tasks:") and len(text) <= blocks.TEXT_LIMIT
    assert all(len(b["text"]["text"]) <= 3000 for b in body if b["type"] == "section")


def test_help_renders_in_sections_and_errors_are_marked() -> None:
    _, body = blocks.render(Reply(HELP_TEXT, kind=ReplyKind.help))
    assert "`add Write report" in body[0]["text"]["text"]
    text, body = blocks.render(Reply("Task T-9 doesn't exist.", kind=ReplyKind.error, usage="done T-3"))
    assert text.startswith(":warning:") and body[0]["text"]["text"].startswith(":warning:")
    assert body[-1] == blocks.context("Usage: `done T-3`")


def test_replace_card_swaps_only_that_task() -> None:
    message = blocks.reply_blocks(Reply("2 tasks:", tasks=[view(1), view(2)]))
    new = blocks.task_card(view(2, status=TaskStatus.completed), note="done")
    updated = blocks.replace_card(message, new, "T-2")
    assert updated[:3] == message[:3]
    assert [b.get("block_id") for b in updated[3:]] == ["task:T-2", "task:T-2:note"]
    assert blocks.replace_card([blocks.section("unrelated")], new, "T-2") == new


def test_home_view_is_a_home_with_cards() -> None:
    home = home_view([view(1, is_overdue=True, due_date=date(2026, 1, 1), days_until_due=-1), view(2)], 2)
    assert home["type"] == "home"
    assert "1 overdue" in str(home["blocks"])
    empty = home_view([], 0)
    assert "Nothing is assigned to you" in str(empty["blocks"])


def test_translation_writes_neutral_mentions_and_strips_the_bot() -> None:
    assert neutral_text("<@UBOT> add Book <@U2> due fri", "UBOT") == "add Book <@U2> due fri"
    assert neutral_text("<@UBOT|orchestrator>: list", "UBOT") == "list"
    assert (
        neutral_text("add X <@U2|bob> cc <!here> in <#C1|general>")
        == "add X <@U2> cc <!here> in <#C1|general>"
    )
    assert neutral_text("ask <@W7|sam>: now") == "ask <@W7>: now"
    assert mentioned_users(neutral_text("<@U2|bob> and <@U3> and <@U2>"), exclude=("U3",)) == ("U2",)
    assert split_share("add Plan --share #ops") == ("add Plan #ops", True)
    profile = SlackProfile("U1", "alice", timezone="Europe/Paris")
    msg, _ = from_command(
        {"command": "/task", "text": "add Post <@U2|bob> <@U1|alice>", "team_id": "T1"}, profile
    )
    assert (msg.text, msg.mentions) == ("/task add Post <@U2> <@U1>", ("U2",))  # the sender is not "named"
    msg, shared = from_command(
        {
            "command": "/project",
            "text": "add Launch --share",
            "team_id": "T1",
            "channel_id": "C1",
            "user_id": "U1",
        },
        profile,
    )
    assert (msg.text, msg.workspace_id, shared, msg.timezone) == (
        "/project add Launch",
        "slack:T1",
        True,
        "Europe/Paris",
    )
    assert msg.conversation_id == "slack:C1:user:U1"  # one person's slash-command conversation per channel


def test_profiles_from_users_info() -> None:
    p = profile_from_user(
        {
            "id": "U1",
            "name": "alice",
            "tz": "Mars/Olympus",
            "profile": {"display_name": "", "real_name": "Alice M", "email": "A@X.io"},
        }
    )
    assert (p.name, p.display_name, p.email, p.timezone) == ("alice", "Alice M", "a@x.io", None)
