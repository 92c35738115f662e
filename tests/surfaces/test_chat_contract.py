"""The chat-surface contract: what every surface (Slack, Discord, console) must do, checked on each through
its real path."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from core.models import Task
from core.services.tasks import TaskService
from core.store import Store, TaskQuery
from tests.surfaces.drivers import SURFACES, driver

pytestmark = pytest.mark.parametrize("surface", SURFACES)


async def _tasks(store: Store, workspace: str) -> list[Task]:
    page = await store.tasks.list(workspace, TaskQuery(statuses=None, include_deleted=True, limit=100))
    return sorted(page.items, key=lambda t: t.number)


async def test_add_writes_the_task_with_every_option(surface: str, store: Store) -> None:
    async with driver(surface, store) as d:
        reply = await d.say("add Book the venue due 2026-12-24 p2 +docs")
        assert "Created T-1" in reply
        [task] = await _tasks(store, d.workspace)
        assert (task.title, task.due_date, task.priority.value, task.tags) == (
            "Book the venue",
            date(2026, 12, 24),
            "high",
            ["docs"],
        )


async def test_a_mistake_is_a_short_answer_and_writes_nothing(surface: str, store: Store) -> None:
    async with driver(surface, store) as d:
        reply = await d.say("add Thing due blursday")
        assert "blursday" in reply and "Traceback" not in reply
        assert await _tasks(store, d.workspace) == []


async def test_delete_asks_first_and_only_yes_deletes(surface: str, store: Store) -> None:
    async with driver(surface, store) as d:
        await d.say("add Doomed")
        assert "Delete T-1?" in await d.say("delete T-1")
        assert "nothing was changed" in await d.say("no")
        await d.say("delete T-1")
        assert "Deleted T-1" in await d.say("yes")
        [task] = await _tasks(store, d.workspace)
        assert task.deleted_at is not None


async def test_undo_reverts_the_last_turn(surface: str, store: Store) -> None:
    async with driver(surface, store) as d:
        await d.say("add One")
        await d.say("add Two")
        await d.say("done T-1 T-2")
        assert "Undid" in await d.say("undo")
        assert [t.status.value for t in await _tasks(store, d.workspace)] == ["todo", "todo"]


async def test_naming_a_member_assigns_them(surface: str, store: Store) -> None:
    async with driver(surface, store) as d:
        reply = await d.say(f"add Renew insurance {d.bob()}")
        assert "Created T-1" in reply, reply
        [task] = await _tasks(store, d.workspace)
        assert task.assignee_id is not None
        bob = next(u for u in await store.users.list(d.workspace) if u.id == task.assignee_id)
        assert bob.name == "bob"


async def test_only_use_moves_new_tasks_into_a_project(surface: str, store: Store) -> None:
    async with driver(surface, store) as d:
        await d.say("project add Launch")
        await d.say("project show Launch")
        await d.say("add Stays outside")
        assert "Now using project Launch" in await d.say("use #Launch")
        placed = await d.say("add Goes inside")
        assert "Using #Launch" in placed
        outside, inside = await _tasks(store, d.workspace)
        assert outside.project_id is None and inside.project_id is not None


async def test_an_unexpected_failure_is_an_incident_id_never_a_trace(
    surface: str, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: Any, **kwargs: Any) -> Task:
        raise RuntimeError("xoxb-secret-in-a-traceback")

    monkeypatch.setattr(TaskService, "create", broken)
    async with driver(surface, store) as d:
        reply = await d.say("add Boom")
        assert "incident" in reply
        assert "xoxb-secret" not in reply and "Traceback" not in reply and "RuntimeError" not in reply


async def test_find_show_and_history_answer_in_words(surface: str, store: Store) -> None:
    async with driver(surface, store) as d:
        await d.say("add Send invoices +billing")
        await d.say("add Book the band")
        await d.say("done T-1")
        found = await d.say("find invocies")
        assert "1 task matching “invocies”:" in found and "Send invoices" in found
        shown = await d.say("show T-1")
        assert "Send invoices" in shown and "completed T-1 'Send invoices'" in shown
        history = await d.say("history today")
        assert history.startswith("3 changes today:")
        assert "created T-2 'Book the band'" in history and "completed T-1 'Send invoices'" in history
        # Reads write nothing: the three tasks' events are all there is.
        events = [e for e in await store.audit.list(d.workspace, limit=50) if e.entity_type.value == "task"]
        assert len(events) == 3
