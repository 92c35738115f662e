"""Completing a parent with open subtasks on Slack: the question comes with Complete all / Cancel buttons."""

from __future__ import annotations

from core.models import TaskStatus
from core.store import Store
from tests.slack.fake_api import FakeSlack
from tests.slack.harness import SlackHarness
from tests.slack.helpers import all_tasks
from tests.slack.test_interactive import click


async def test_complete_all_button_closes_the_parent_and_its_subtasks(
    slack: SlackHarness, fake: FakeSlack, store: Store
) -> None:
    for n, text in enumerate(["add Plan the launch", "add Venue under T-1", "add Menu under T-1"], start=1):
        await slack.command(text)
        await fake.wait_for("response_url", n)
    await slack.command("done T-1")
    asked = (await fake.wait_for("response_url", 4))[3].params
    assert "T-1 has 2 open subtasks: complete them too?" in asked["text"]
    buttons = [e for b in asked["blocks"] if b.get("type") == "actions" for e in b["elements"]]
    assert [(b["text"]["text"], b["action_id"], b["value"]) for b in buttons] == [
        ("Complete all", "task_complete_all", "T-1"),
        ("Cancel", "task_cancel", "T-1"),
    ]
    assert all(t.status is TaskStatus.todo for t in await all_tasks(store))  # nothing before the click

    await slack.interaction(
        click(None, "task_cancel", "T-1", user_id="U1", response_url=fake.response_url("c1"))
    )
    [cancelled] = [c for c in await fake.wait_for("response_url", 5) if c.path.endswith("/c1")]
    assert "nothing was changed" in cancelled.params["blocks"][-1]["elements"][0]["text"]
    assert all(t.status is TaskStatus.todo for t in await all_tasks(store))

    await slack.interaction(
        click(None, "task_complete_all", "T-1", user_id="U1", response_url=fake.response_url("a1"))
    )
    [update] = [c for c in await fake.wait_for("response_url", 6) if c.path.endswith("/a1")]
    assert update.params["blocks"][0]["block_id"] == "task:T-1"
    assert "Completed with its subtasks" in update.params["blocks"][-1]["elements"][0]["text"]
    assert all(t.status is TaskStatus.completed for t in await all_tasks(store))
