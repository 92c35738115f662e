"""Nothing ever crosses workspaces: refs, names, ids and audit trails are per workspace."""

from __future__ import annotations

import pytest

from core.errors import NotFoundError
from core.services import Services
from tests.conftest import make_actor


async def test_two_workspaces_never_see_each_other(services: Services) -> None:
    a = await make_actor(services, workspace="slack:T1", name="alice")
    b = await make_actor(services, workspace="discord:42", name="bob")
    await services.projects.create(a, "Secret")
    ta = await services.tasks.create(a, "A's task", project="Secret")
    tb = await services.tasks.create(b, "B's task")
    assert ta.ref == tb.ref == "T-1"  # numbering is per workspace

    assert (await services.tasks.get(b, "T-1")).title == "B's task"
    with pytest.raises(NotFoundError):
        await services.projects.get(b, "Secret")
    with pytest.raises(NotFoundError):
        await services.tasks.create(b, "sneaky", project="P-1")
    with pytest.raises(NotFoundError):
        await services.tasks.create(b, "sneaky", assignee="alice")
    assert await services.store.tasks.get("discord:42", ta.id) is None
    with pytest.raises(NotFoundError):
        await services.store.tasks.update("discord:42", ta.id, {"title": "hijacked"})
    assert (await services.tasks.get(a, "T-1")).title == "A's task"

    await services.tasks.delete(b, ["T-1"])
    assert (await services.tasks.get(a, "T-1")).deleted_at is None
    assert [t.title for t in (await services.tasks.list(b, include_closed=True)).items] == []
    a_events = await services.store.audit.list("slack:T1")
    assert {e.workspace_id for e in a_events} == {"slack:T1"}
    assert sorted(e.entity_type.value for e in a_events) == ["project", "task", "user"]
    undone = await services.undo.undo(b)
    assert undone.entity is not None and undone.entity.workspace_id == "discord:42"
