"""Linear's field mapping: workflow states by type, priorities 0–4, our ids as issue ids."""

from __future__ import annotations

from core.integrations import TaskFields
from core.models import Priority, TaskStatus
from integrations.linear_mapping import (
    LinearTeam,
    issue_id_for,
    issue_input,
    local_ref_of,
    normalize,
    task_from_wire,
)
from tests.fakes.linear_server import STATES

TEAM = LinearTeam.from_wire(
    {
        "id": "t",
        "key": "ENG",
        "name": "Eng",
        "states": {"nodes": STATES},
        "labels": {"nodes": [{"id": "l1", "name": "Bug"}]},
    }
)


def test_states_by_type_and_name() -> None:
    picks = {status: TEAM.state_for(status) for status in TaskStatus}
    assert {s: (p.name if p else None) for s, p in picks.items()} == {
        TaskStatus.todo: "Todo",  # unstarted before backlog and triage
        TaskStatus.in_progress: "In Progress",
        TaskStatus.blocked: "In Progress",  # no "Blocked" state: the plain started one
        TaskStatus.in_review: "In Review",
        TaskStatus.completed: "Done",
        TaskStatus.cancelled: "Canceled",
    }
    assert normalize(TaskFields("x", status=TaskStatus.blocked), TEAM).status is TaskStatus.in_progress


def test_priorities_labels_and_dates_both_ways() -> None:
    issue = {
        "id": "0f0e0d0c-0b0a-4908-8706-050403020100",
        "title": "  Fix   it ",
        "priority": 0,
        "state": {"id": "st-review", "name": "In Review", "type": "started"},
        "labelIds": ["l1"],
        "dueDate": "2026-03-01",
        "updatedAt": "2026-01-01T00:00:00.000Z",
        # Every field the query selects comes back, null when empty.
        "description": None,
        "createdAt": "2026-01-01T00:00:00.000Z",
        "completedAt": None,
        "trashed": None,
        "url": "https://linear.app/eng/issue/ENG-1",
        "assignee": None,
        "project": None,
    }
    task = task_from_wire(issue, TEAM)
    assert (task.fields.title, task.fields.priority, task.fields.status) == (
        "Fix it",
        Priority.backlog,
        TaskStatus.in_review,
    )
    assert task.fields.tags == ("bug",) and str(task.fields.due_date) == "2026-03-01"
    body = issue_input(
        task.fields.replace(priority=Priority.critical), frozenset({"priority", "status"}), TEAM, []
    )
    assert body == {"priority": 1, "stateId": "st-review"}


def test_our_task_id_is_the_issue_id() -> None:
    ref = "0f0e0d0c0b0a49088706050403020100"
    assert issue_id_for(ref) == "0f0e0d0c-0b0a-4908-8706-050403020100"
    assert local_ref_of(issue_id_for(ref) or "") == ref
    assert issue_id_for("not-a-uuid") is None
