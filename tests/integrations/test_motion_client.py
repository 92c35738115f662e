"""The Motion client against the loopback fake: paging, statuses, field asymmetries, idempotent creates."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
import pytest

from core.errors import IntegrationAuthError, IntegrationError, NotFoundError
from core.integrations import TaskFields
from core.models import Priority, TaskStatus
from integrations.motion import MotionClient
from tests.fakes.motion_server import FaultPlan, MotionFake
from tests.integrations.conftest import make_client


async def test_every_page_is_read_including_resolved_tasks(motion: MotionFake) -> None:
    for i in range(44):
        motion.add_task(f"open {i}")
    motion.add_task("finished", status="Completed")
    client = make_client(motion)
    try:
        await client.prepare()
        changes = await client.changes_since(None)
    finally:
        await client.aclose()
    assert len(changes.tasks) == 45
    assert motion.stats.count("GET", "/v1/tasks") == 3  # pages of 20: 20 + 20 + 5
    assert changes.changed_ids == {t.id for t in changes.tasks}
    assert any(t.fields.status is TaskStatus.completed for t in changes.tasks)


async def test_the_fake_hides_resolved_tasks_by_default_like_motion(motion: MotionFake) -> None:
    motion.add_task("open")
    motion.add_task("done", status="Completed")
    async with httpx.AsyncClient(headers={"X-API-Key": motion.api_key}) as http:
        default = (await http.get(f"{motion.base_url}/tasks")).json()["tasks"]
        everything = (
            await http.get(f"{motion.base_url}/tasks", params={"includeAllStatuses": "true"})
        ).json()
        wrong_key = await http.get(f"{motion.base_url}/users/me", headers={"X-API-Key": "nope"})
    assert [t["name"] for t in default] == ["open"]
    assert len(everything["tasks"]) == 2
    assert wrong_key.status_code == 401


async def test_incremental_listing_flags_only_tasks_updated_since_the_cursor(motion: MotionFake) -> None:
    a = motion.add_task("a")
    motion.add_task("b")
    client = make_client(motion)
    try:
        await client.prepare()
        first = await client.changes_since(None)
        # A cursor just past both tasks (a real run keeps a margin for clock skew; none is wanted here).
        since = max(t.updated_at for t in first.tasks) + timedelta(milliseconds=1)
        cursor = json.dumps({"since": since.isoformat()})
        motion.edit_task(a["id"], name="a2")
        second = await client.changes_since(cursor)
    finally:
        await client.aclose()
    assert second.changed_ids == {a["id"]}
    assert len(second.tasks) == 2  # still every task: Motion can't filter, and deletions show as absence


async def test_create_sends_motion_shapes_and_reads_back_neutral(motion: MotionFake) -> None:
    client = make_client(motion)
    try:
        await client.prepare()
        fields = TaskFields(
            title="Ship it",
            description="Needs **care**",
            priority=Priority.critical,
            tags=("bug", "extra"),
            estimate_minutes=30,
            status=TaskStatus.in_progress,
            assignee="mu-2",
        )
        created = await client.create_task(fields, "local-id-1")
    finally:
        await client.aclose()
    stored = motion.tasks[created.id]
    assert stored["description"] == "<p>Needs <strong>care</strong></p>\n<p>[orc:local-id-1]</p>\n"
    assert stored["labels"] == [{"name": "Bug"}, {"name": "extra"}]
    assert stored["priority"] == "ASAP" and stored["duration"] == 30
    assert stored["status"]["name"] == "In Progress"
    assert created.fields == client.normalize(fields)
    assert created.local_ref == "local-id-1"


async def test_a_create_whose_answer_is_lost_is_found_not_repeated() -> None:
    faults = FaultPlan(rate=1.0, kinds=("lost",), only=lambda m, p: m == "POST")
    async with MotionFake(window=0.3, faults=faults) as fake:
        client = make_client(fake)
        try:
            await client.prepare()
            created = await client.create_task(TaskFields(title="Once"), "ref-once")
        finally:
            await client.aclose()
        assert [t["id"] for t in fake.tasks_named("Once")] == [created.id]
        assert fake.stats.count("POST") == 1


async def test_a_create_answered_with_5xx_but_not_applied_is_sent_again() -> None:
    faults = FaultPlan(rate=1.0, kinds=("error",), only=lambda m, p: m == "POST")
    async with MotionFake(window=0.3, faults=faults) as fake:
        client = make_client(fake)
        try:
            await client.prepare()
            faults.rate = 0.5
            faults.rng.seed(3)
            created = await client.create_task(TaskFields(title="Twice tried"), "ref-2")
        finally:
            await client.aclose()
        assert [t["id"] for t in fake.tasks_named("Twice tried")] == [created.id]


async def test_unassign_uses_the_assignee_endpoint_and_delete_is_idempotent(motion: MotionFake) -> None:
    task = motion.add_task("assigned", assigneeId="mu-1")
    client = make_client(motion)
    try:
        await client.prepare()
        updated = await client.update_task(task["id"], TaskFields(title="assigned"), frozenset({"assignee"}))
        assert updated.fields.assignee is None
        assert motion.stats.count("DELETE", f"/v1/tasks/{task['id']}/assignee") == 1
        await client.delete_task(task["id"])
        await client.delete_task(task["id"])  # already gone: still fine
        assert await client.get_task(task["id"]) is None
        with pytest.raises(NotFoundError):
            await client.update_task(task["id"], TaskFields(title="x"), frozenset({"title"}))
    finally:
        await client.aclose()
    assert task["id"] not in motion.tasks


async def test_a_wrong_key_is_reported_without_the_key(motion: MotionFake) -> None:
    client = MotionClient("wrong-key-abcdef", base_url=motion.base_url)
    try:
        with pytest.raises(IntegrationAuthError) as info:
            await client.current_user()
    finally:
        await client.aclose()
    assert "wrong-key-abcdef" not in str(info.value)


async def test_current_user_and_workspace_choice(motion: MotionFake) -> None:
    client = make_client(motion, workspace="team")
    try:
        me = await client.current_user()
        await client.prepare()
        assert client.workspace.id == "ws-1"
        assert client.workspace.statuses[0].name == "Todo"
    finally:
        await client.aclose()
    assert me.email == "alice@example.com"
    missing = make_client(motion, workspace="nope")
    try:
        with pytest.raises(NotFoundError, match="Team"):
            await missing.prepare()
    finally:
        await missing.aclose()


async def test_projects_can_be_read_and_unsupported_edits_say_so(motion: MotionFake) -> None:
    project = motion.add_project("Launch")
    client = make_client(motion)
    try:
        await client.prepare()
        found = await client.get_container(project["id"])
        assert found is not None and found.name == "Launch"
        assert await client.get_container("mp-missing") is None
        with pytest.raises(IntegrationError, match="rename"):
            await client.update_container(project["id"], "Relaunch")
        with pytest.raises(IntegrationError, match="delete"):
            await client.delete_container(project["id"])
        created = await client.create_container("Website", "About **it**")
        assert motion.projects[created.id]["description"] == "<p>About <strong>it</strong></p>\n"
    finally:
        await client.aclose()
