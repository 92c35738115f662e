"""Store look-ups shared by the Slack tests."""

from __future__ import annotations

from datetime import date

from core.models import Task, User
from core.store import Store, TaskQuery
from tests.slack.fake_api import TEAM_ID

WORKSPACE = f"slack:{TEAM_ID}"


async def all_tasks(store: Store) -> list[Task]:
    page = await store.tasks.list(WORKSPACE, TaskQuery(statuses=None, include_deleted=True, limit=200))
    return sorted(page.items, key=lambda t: t.number)


async def no_tasks(store: Store) -> bool:
    """True when the workspace has no task at all (numbers start at 1)."""
    return await store.tasks.get_by_number(WORKSPACE, 1) is None


async def user(store: Store, slack_id: str) -> User:
    found = await store.users.find_by_field(WORKSPACE, "slack_user_id", slack_id)
    assert found is not None, f"no user row for {slack_id}"
    return found


def local_today(tz: str) -> date:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(tz)).date()
