"""The same script through Slack, Discord and the console: the same data and the same audit trail."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.models import AuditEvent, Task
from core.refs import find_task_numbers
from core.store import Store, TaskQuery
from storage.factory import open_store
from tests.surfaces.drivers import SURFACES, driver


async def _tasks(store: Store, workspace: str) -> list[Task]:
    page = await store.tasks.list(workspace, TaskQuery(statuses=None, include_deleted=True, limit=100))
    return sorted(page.items, key=lambda t: t.number)


SCRIPT = [
    "project add Launch",
    "add Book the venue due 2026-12-24 p2 +docs #Launch",
    "add Print flyers due 2026-12-20",
    "use #Launch",
    "add Order badges p1",
    "edit T-2 due 2026-12-21 +print",
    "done T-1 T-3",
    "undo",
    "done T-3",
    "delete T-2",
    "yes",
    "restore T-2",
    "find flyers",  # reads: no effects, the same headline everywhere
    "history T-2",
    "show T-2",
]


def _task_facts(task: Task, projects: dict[str, str]) -> tuple[Any, ...]:
    return (
        task.ref,
        task.title,
        task.status.value,
        task.priority.value,
        task.due_date,
        task.due_time,
        tuple(task.tags),
        projects.get(task.project_id or ""),
        task.deleted_at is not None,
    )


_VOLATILE = {
    "id",
    "workspace_id",
    "created_by",
    "deleted_by",
    "created_at",
    "updated_at",
    "completed_at",
    "deleted_at",
    "assignee_id",
    "project_id",
    "owner_id",
}


def _event_facts(event: AuditEvent) -> tuple[Any, ...]:
    def stable(values: dict[str, Any] | None) -> dict[str, Any]:
        return {k: v for k, v in (values or {}).items() if k not in _VOLATILE}

    return (
        event.action.value,
        event.entity_type.value,
        event.entity_ref,
        event.surface.value,
        stable(event.before),
        stable(event.after),
        sorted((event.after or {}).keys()),
    )


async def _effects(
    surface: str, root: Path
) -> tuple[list[str], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    store = open_store(str(root / surface))
    await store.open()
    try:
        async with driver(surface, store) as d:
            replies = [await d.say(line) for line in SCRIPT]
            ws = d.workspace
        projects = {p.id: p.name for p in await store.projects.list(ws)}
        tasks = [_task_facts(t, projects) for t in await _tasks(store, ws)]
        events = await store.audit.list(ws, limit=200)
        # Newest first from the store; the batches make the order of one turn's events irrelevant.
        facts = sorted(_event_facts(e) for e in events if e.entity_type.value != "user")
        return replies, tasks, facts
    finally:
        await store.close()


async def test_the_same_script_has_the_same_effects_on_every_surface(tmp_path: Path) -> None:
    results = {name: await _effects(name, tmp_path) for name in SURFACES}
    replies, tasks, events = results["console"]
    assert [t[0] for t in tasks] == ["T-1", "T-2", "T-3"]
    assert tasks[2][2] == "completed" and tasks[1][8] is False  # restored
    for name in ("slack", "discord"):
        other_replies, other_tasks, other_events = results[name]
        assert other_tasks == tasks, name
        assert other_events == events, name
        # Each reply's headline names the same refs (cards below it are each platform's rendering).
        for mine, theirs in zip(replies, other_replies, strict=True):
            assert _refs_in(_headline(mine)) == _refs_in(_headline(theirs)), (name, mine, theirs)


def _headline(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def _refs_in(text: str) -> list[str]:
    return [f"T-{n}" for n in find_task_numbers(text)]
