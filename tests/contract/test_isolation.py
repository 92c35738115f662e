"""Tenant isolation: nothing a workspace does can read or touch another workspace's rows."""

from __future__ import annotations

import pytest

from core.errors import NotFoundError
from core.models import (
    AuditAction,
    AuditEvent,
    Conversation,
    EntityType,
    Integration,
    IntegrationType,
    Surface,
    SyncDirection,
    SyncLog,
    User,
)
from core.store import Store, TaskQuery
from tests.contract.samples import OTHER, WS, project, task

# Workspace ids that would break a predicate built by string pasting.
HOSTILE = ["x' OR '1'='1", "a\\'b", "'; DROP TABLE tasks; --", "ünï 'cødé'"]


async def test_tasks_by_id_and_number_stay_in_their_workspace(store: Store) -> None:
    mine = await store.tasks.create(task("secret", description="do not leak"))
    assert await store.tasks.get(OTHER, mine.id) is None
    assert await store.tasks.get_by_number(OTHER, mine.number) is None
    assert (await store.tasks.list(OTHER, TaskQuery(include_deleted=True))).total == 0
    assert await store.tasks.counts_by_project(OTHER, mine.created_at.date()) == {}
    with pytest.raises(NotFoundError):
        await store.tasks.update(OTHER, mine.id, {"title": "pwned"})
    assert await store.tasks.get(WS, mine.id) == mine


async def test_projects_stay_in_their_workspace(store: Store) -> None:
    mine = await store.projects.create(project("Secret"))
    assert await store.projects.get(OTHER, mine.id) is None
    assert await store.projects.get_by_number(OTHER, 1) is None
    assert await store.projects.find_by_name(OTHER, "secret") is None
    assert await store.projects.list(OTHER, include_deleted=True) == []
    with pytest.raises(NotFoundError):
        await store.projects.update(OTHER, mine.id, {"name": "pwned"})
    assert await store.projects.get(WS, mine.id) == mine


async def test_users_stay_in_their_workspace(store: Store) -> None:
    mine = await store.users.add(User(workspace_id=WS, name="alice", slack_user_id="U1"))
    assert await store.users.get(OTHER, mine.id) is None
    assert await store.users.find_by_name(OTHER, "alice") is None
    assert await store.users.find_by_field(OTHER, "slack_user_id", "U1") is None
    assert await store.users.list(OTHER) == []
    with pytest.raises(NotFoundError):
        await store.users.update(OTHER, mine.id, {"name": "mallory"})


async def test_other_repositories_stay_in_their_workspace(store: Store) -> None:
    integ = await store.integrations.add(Integration(workspace_id=WS, type=IntegrationType.linear))
    assert await store.integrations.get(OTHER, integ.id) is None
    assert await store.integrations.list(OTHER) == []
    assert await store.integrations.remove(OTHER, integ.id) is False
    with pytest.raises(NotFoundError):
        await store.integrations.update(OTHER, integ.id, {"enabled": False})
    assert await store.integrations.get(WS, integ.id) == integ

    await store.conversations.save(Conversation(id="c1", workspace_id=WS, summary="mine"))
    assert await store.conversations.get(OTHER, "c1") is None
    await store.conversations.delete(OTHER, "c1")
    assert await store.conversations.get(WS, "c1") is not None

    await store.audit.add(
        AuditEvent(
            workspace_id=WS,
            actor_id="u1",
            surface=Surface.command,
            action=AuditAction.create,
            entity_type=EntityType.task,
            entity_id="t1",
        )
    )
    assert await store.audit.list(OTHER) == []
    assert await store.audit.list(OTHER, entity_id="t1") == []

    log = SyncLog(workspace_id=WS, integration_id=integ.id, direction=SyncDirection.pull)
    await store.sync_logs.add(log)
    assert await store.sync_logs.list(OTHER) == []
    with pytest.raises(NotFoundError):
        await store.sync_logs.update(OTHER, log.id, {"status": "ok"})


async def test_same_ids_in_two_workspaces_are_two_rows(store: Store) -> None:
    await store.conversations.save(Conversation(id="dm-1", workspace_id=WS, summary="a"))
    await store.conversations.save(Conversation(id="dm-1", workspace_id=OTHER, summary="b"))
    a = await store.conversations.get(WS, "dm-1")
    b = await store.conversations.get(OTHER, "dm-1")
    assert a is not None and b is not None and (a.summary, b.summary) == ("a", "b")
    assert await store.receipts.claim(WS, "evt-1") is True
    assert await store.receipts.claim(OTHER, "evt-1") is True


@pytest.mark.parametrize("hostile", HOSTILE)
async def test_hostile_ids_are_literals_not_sql(store: Store, hostile: str) -> None:
    await store.tasks.create(task("victim"))
    assert (await store.tasks.list(hostile, TaskQuery(include_deleted=True))).total == 0
    assert await store.tasks.get(hostile, hostile) is None
    own = await store.tasks.create(task("own", workspace_id=hostile, tags=[hostile], assignee_id=hostile))
    assert own.number == 1
    assert await store.tasks.get(hostile, own.id) == own
    page = await store.tasks.list(hostile, TaskQuery(assignee_id=hostile, tag=hostile, text="own"))
    assert [t.id for t in page.items] == [own.id]
    assert (await store.tasks.update(hostile, own.id, {"title": hostile})).title == hostile
    assert (await store.tasks.list(WS, TaskQuery())).total == 1
    assert await store.projects.find_by_name(hostile, hostile) is None
    assert await store.users.find_by_name(WS, hostile) is None
