"""Slash commands over signed HTTP: ephemeral by default, --share in channel, help, errors."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.models import Priority, Role
from core.store import Store
from tests.slack.fake_api import FakeSlack
from tests.slack.harness import SlackHarness
from tests.slack.helpers import WORKSPACE, all_tasks, local_today, no_tasks, user


async def test_task_add_is_acked_empty_then_answered_privately(
    slack: SlackHarness, fake: FakeSlack, store: Store
) -> None:
    ack = await slack.command("add Write report due tomorrow p1")
    assert (ack.status, ack.text) == (200, "")  # the ack carries nothing: the answer comes via respond

    [answer] = await fake.wait_for("response_url")
    assert answer.path == "/response/cmd-1"
    assert answer.params["response_type"] == "ephemeral"
    assert "Created T-1" in answer.params["text"]
    blocks = answer.params["blocks"]
    assert blocks[1]["block_id"] == "task:T-1"
    buttons = [e["action_id"] for e in blocks[2]["elements"]]
    assert buttons == ["task_complete", "task_assign_me", "task_snooze"]

    [task] = await all_tasks(store)
    assert task.title == "Write report" and task.priority is Priority.critical
    # "tomorrow" is Alice's tomorrow: her zone came from users.info.
    assert task.due_date == local_today("Europe/Paris") + timedelta(days=1)
    alice = await user(store, "U1")
    assert (alice.name, alice.display_name, alice.email) == ("alice", "Alice Martin", "alice@example.com")
    assert alice.timezone == "Europe/Paris" and alice.role is Role.admin
    assert task.created_by == alice.id


async def test_share_answers_in_channel_without_the_flag_in_the_title(
    slack: SlackHarness, fake: FakeSlack, store: Store
) -> None:
    await slack.command("add Plan offsite --share")
    [answer] = await fake.wait_for("response_url")
    assert answer.params["response_type"] == "in_channel"
    [task] = await all_tasks(store)
    assert task.title == "Plan offsite"


async def test_help_and_empty_command_show_usage(slack: SlackHarness, fake: FakeSlack) -> None:
    await slack.command("help")
    await slack.command("")
    answers = await fake.wait_for("response_url", 2)
    for answer in answers:
        assert answer.params["response_type"] == "ephemeral"
        assert "add Write report" in answer.params["text"]
        assert all(len(b["text"]["text"]) <= 3000 for b in answer.params["blocks"] if b["type"] == "section")


async def test_project_command_and_mentions_resolve_to_people(
    slack: SlackHarness, fake: FakeSlack, store: Store
) -> None:
    await slack.command("add Launch", command="/project")
    await fake.wait_for("response_url")
    [project] = await store.projects.list(WORKSPACE)
    assert project.name == "Launch"

    # Slack escapes mentions in slash commands as <@U…|name>; Bob has never talked to the bot.
    await slack.command("add Draft post #Launch <@U2|bob>")
    await fake.wait_for("response_url", 2)
    [task] = await all_tasks(store)
    bob = await user(store, "U2")
    assert task.assignee_id == bob.id and task.project_id == project.id
    assert bob.role is Role.member and bob.timezone == "America/New_York"


async def test_user_errors_are_one_short_private_line(
    slack: SlackHarness, fake: FakeSlack, store: Store
) -> None:
    await slack.command("done T-99 --share")
    [answer] = await fake.wait_for("response_url")
    assert answer.params["response_type"] == "ephemeral"
    assert answer.params["text"].startswith(":warning:") and "T-99" in answer.params["text"]
    assert await no_tasks(store)


async def test_unexpected_errors_show_an_incident_not_a_trace(
    slack: SlackHarness, fake: FakeSlack, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert slack.surface is not None

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals at /srv/app.py line 12")

    monkeypatch.setattr(slack.surface.deps.services.tasks, "create", broken)
    await slack.command("add Anything")
    [answer] = await fake.wait_for("response_url")
    text = answer.params["text"]
    assert "incident" in text and "RuntimeError" not in text and "secret" not in text
    assert await no_tasks(store)


async def test_task_find_history_and_show_in_slack(slack: SlackHarness, fake: FakeSlack) -> None:
    said = ["add Send invoices <https://evil.example|click>", "add Book the band"]
    said += ["find invocies", "history today", "show T-1"]
    answers = []
    for n, text in enumerate(said, start=1):  # one at a time: answers come back in any order otherwise
        await slack.command(text)
        answers.append((await fake.wait_for("response_url", n))[-1].params)
    found, history, shown = answers[2:]
    assert found["text"].startswith("1 task matching “invocies”:")
    assert found["blocks"][1]["block_id"] == "task:T-1"
    assert history["text"].startswith("2 changes today:")
    lines = history["blocks"][1]["text"]["text"].splitlines()
    assert lines[0] == "• Alice Martin created T-2 'Book the band' · _just now_"
    assert "&lt;https://evil.example" in lines[1]  # a title never turns into a link
    detail = next(b for b in shown["blocks"] if b.get("block_id") == "task:T-1:detail")
    assert detail["text"]["text"].startswith("Created by Alice Martin on ")
    recent = next(b for b in shown["blocks"] if b.get("block_id") == "task:T-1:history")
    assert "Alice Martin created T-1" in recent["elements"][0]["text"]
