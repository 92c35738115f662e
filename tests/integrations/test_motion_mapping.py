"""Motion ↔ neutral field mapping, and the Markdown/HTML round trip the comparisons rely on."""

from __future__ import annotations

from datetime import date, time
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.integrations import SYNCED_FIELDS, TaskFields
from core.models import Priority, TaskStatus
from integrations.html_markdown import html_to_markdown, markdown_to_html, round_trip
from integrations.motion_mapping import (
    MotionWorkspace,
    due_to_local,
    due_to_motion,
    normalize,
    task_from_wire,
    task_to_wire,
)
from tests.fakes.motion_server import STATUSES

WS = MotionWorkspace.from_wire(
    {"id": "ws-1", "name": "Team", "labels": [{"name": "Bug"}], "statuses": STATUSES}, ZoneInfo("UTC")
)


def wire(**over: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": "mt-1",
        "name": "  Write   report ",
        "description": "<p>Hello <strong>world</strong></p>\n<p>[orc:abc123def]</p>",
        "status": {"name": "In Progress", "isDefaultStatus": False, "isResolvedStatus": False},
        "priority": "ASAP",
        "labels": [{"name": "Bug"}, {"name": "ops "}],
        "dueDate": "2026-05-01T23:59:00.000Z",
        "duration": 45,
        "assignees": [{"id": "mu-2", "name": "Bob", "email": "bob@example.com"}],
        "project": {"id": "mp-1", "name": "Launch"},
        "updatedTime": "2026-04-01T10:00:00.000Z",
        "createdTime": "2026-03-01T10:00:00.000Z",
        "completed": False,
    }
    base.update(over)
    return base


def test_a_motion_task_reads_as_neutral_fields() -> None:
    task = task_from_wire(wire(), WS)
    f = task.fields
    assert f.title == "Write report"
    assert f.description == "Hello **world**"  # HTML out → Markdown, our tag removed
    assert task.local_ref == "abc123def"
    assert f.status is TaskStatus.in_progress
    assert f.priority is Priority.critical
    assert f.tags == ("bug", "ops")  # objects out → lower-case names
    assert (f.due_date, f.due_time) == (date(2026, 5, 1), None)  # end of day = date only
    assert f.estimate_minutes == 45
    assert (f.assignee, f.project) == ("mu-2", "mp-1")


@pytest.mark.parametrize(
    ("status", "resolved", "expected"),
    [
        ("Completed", True, TaskStatus.completed),
        ("Canceled", True, TaskStatus.cancelled),
        ("Todo", False, TaskStatus.todo),
        ("Blocked", False, TaskStatus.blocked),
    ],
)
def test_statuses_follow_the_resolved_flag(status: str, resolved: bool, expected: TaskStatus) -> None:
    obj = wire(status={"name": status, "isResolvedStatus": resolved}, completed=resolved)
    assert task_from_wire(obj, WS).fields.status is expected


def test_completion_goes_out_as_a_resolved_status_and_labels_as_names() -> None:
    fields = TaskFields(
        title="x", status=TaskStatus.completed, priority=Priority.backlog, tags=("bug", "new")
    )
    body = task_to_wire(fields, frozenset(SYNCED_FIELDS), WS, local_ref="L1")
    assert body["status"] == "Completed"
    assert body["priority"] == "LOW"  # Motion has no backlog
    assert body["labels"] == ["Bug", "new"]  # strings in, spelled like the workspace's labels
    assert body["description"] == "[orc:L1]"
    assert body["duration"] == "NONE"
    assert "dueDate" in body and body["dueDate"] is None


def test_only_changed_fields_are_sent() -> None:
    fields = TaskFields(title="x", priority=Priority.high)
    assert task_to_wire(fields, frozenset({"priority"}), WS) == {"priority": "HIGH"}


def test_due_dates_round_trip_in_the_workspace_zone() -> None:
    paris = ZoneInfo("Europe/Paris")
    assert due_to_motion(date(2026, 5, 1), None, paris) == "2026-05-01T21:59:00.000Z"
    assert due_to_local("2026-05-01T21:59:00.000Z", paris) == (date(2026, 5, 1), None)
    assert due_to_local(due_to_motion(date(2026, 5, 1), time(9, 30), paris), paris) == (
        date(2026, 5, 1),
        time(9, 30),
    )
    assert due_to_local("2023-06-28T10:11:14.320-06:00", ZoneInfo("UTC")) == (date(2023, 6, 28), time(16, 11))


def test_normalize_is_what_motion_gives_back() -> None:
    local = TaskFields(
        title="a  b",
        description="Para\n\n* one\n* two",
        status=TaskStatus.in_review,
        priority=Priority.backlog,
        tags=("Ops",),
        estimate_minutes=0,
    )
    n = normalize(local, WS)
    assert n.status is TaskStatus.todo  # no review status in this workspace: it travels as the default
    assert n.priority is Priority.low
    assert n.tags == ("ops",)
    assert n.estimate_minutes is None
    # Sending the normalized value and reading it back changes nothing.
    body = task_to_wire(n, frozenset(SYNCED_FIELDS), WS)
    echoed = wire(
        name=body["name"],
        description=markdown_to_html(str(body["description"])),
        status=next(s for s in STATUSES if s["name"] == body["status"]),
        priority=body["priority"],
        labels=[{"name": x} for x in body["labels"]],
        dueDate=None,
        duration=body["duration"],
        assignees=[],
        project=None,
    )
    assert task_from_wire(echoed, WS).fields == n
    assert normalize(n, WS) == n


_text = st.text(alphabet=st.sampled_from(list("ab XY*_`#-+1.\n>[]()<&\\!\t")), max_size=80)


@settings(max_examples=500, deadline=None)
@given(_text)
def test_the_normalized_description_is_what_comes_back(text: str) -> None:
    sent = round_trip(text)
    assert html_to_markdown(markdown_to_html(sent)) == sent
