"""Workspaces and users."""

from __future__ import annotations

import pytest

from core.errors import NotFoundError, ValidationError
from core.models import Platform, Role, User, Workspace, utcnow
from core.store import Store
from tests.contract.samples import OTHER, WS


async def test_ensure_creates_once_and_then_returns_the_stored_workspace(store: Store) -> None:
    created = await store.workspaces.ensure(
        Workspace(id=WS, platform=Platform.slack, name="Acme", settings={"lang": "en", "n": [1, 2]})
    )
    again = await store.workspaces.ensure(Workspace(id=WS, platform=Platform.discord, name="Renamed"))
    assert again == created
    assert again.name == "Acme" and again.platform is Platform.slack
    assert again.settings == {"lang": "en", "n": [1, 2]}
    assert [w.id for w in await store.workspaces.list()] == [WS]


async def test_workspace_get_list_update(store: Store) -> None:
    assert await store.workspaces.get(WS) is None
    await store.workspaces.ensure(Workspace(id=WS, platform=Platform.slack))
    await store.workspaces.ensure(Workspace(id=OTHER, platform=Platform.discord))
    assert {w.id for w in await store.workspaces.list()} == {WS, OTHER}
    updated = await store.workspaces.update(WS, {"name": "Acme Inc", "daily_token_budget": 5000})
    assert (updated.name, updated.daily_token_budget) == ("Acme Inc", 5000)
    assert await store.workspaces.get(WS) == updated
    other = await store.workspaces.get(OTHER)
    assert other is not None and other.name == ""


async def test_workspace_update_errors(store: Store) -> None:
    with pytest.raises(NotFoundError):
        await store.workspaces.update("nope", {"name": "x"})
    await store.workspaces.ensure(Workspace(id=WS, platform=Platform.slack))
    with pytest.raises(ValidationError):
        await store.workspaces.update(WS, {"platform": "myspace"})
    with pytest.raises(ValidationError):
        await store.workspaces.update(WS, {"no_such_field": 1})


def _user(name: str, workspace_id: str = WS, **fields: object) -> User:
    return User(workspace_id=workspace_id, name=name, **fields)  # type: ignore[arg-type]


async def test_users_add_get_list(store: Store) -> None:
    bob = await store.users.add(_user("bob", email="bob@example.com", role=Role.admin))
    alice = await store.users.add(_user("Alice", display_name="Al", slack_user_id="U1"))
    gone = await store.users.add(_user("carol", deleted_at=utcnow()))
    assert await store.users.get(WS, bob.id) == bob
    assert await store.users.get(WS, gone.id) == gone  # get by id still sees deleted users
    assert [u.name for u in await store.users.list(WS)] == ["Alice", "bob"]
    assert await store.users.get(WS, "missing") is None
    assert alice.label == "Al"


async def test_users_find_by_name_is_case_insensitive_on_name_or_display_name(store: Store) -> None:
    alice = await store.users.add(_user("alice", display_name="Alice Liddell"))
    await store.users.add(_user("carol", deleted_at=utcnow()))
    assert await store.users.find_by_name(WS, "ALICE") == alice
    assert await store.users.find_by_name(WS, "alice liddell") == alice
    assert await store.users.find_by_name(WS, "ali") is None
    assert await store.users.find_by_name(WS, "carol") is None  # deleted


async def test_users_find_by_field(store: Store) -> None:
    alice = await store.users.add(
        _user("alice", email="a@example.com", slack_user_id="U1", discord_user_id="D1")
    )
    assert await store.users.find_by_field(WS, "slack_user_id", "U1") == alice
    assert await store.users.find_by_field(WS, "discord_user_id", "D1") == alice
    assert await store.users.find_by_field(WS, "email", "a@example.com") == alice
    assert await store.users.find_by_field(WS, "slack_user_id", "U2") is None
    with pytest.raises(ValidationError):
        await store.users.find_by_field(WS, "role; drop table users", "x")


async def test_users_update_only_given_fields(store: Store) -> None:
    alice = await store.users.add(_user("alice", email="a@example.com"))
    updated = await store.users.update(WS, alice.id, {"timezone": "Europe/Paris", "role": "admin"})
    assert updated.timezone == "Europe/Paris" and updated.role is Role.admin
    assert updated.email == "a@example.com" and updated.name == "alice"
    assert updated.updated_at > alice.updated_at
    assert await store.users.get(WS, alice.id) == updated
    with pytest.raises(ValidationError):
        await store.users.update(WS, alice.id, {"role": "overlord"})
    with pytest.raises(NotFoundError):
        await store.users.update(WS, "missing", {"name": "x"})
