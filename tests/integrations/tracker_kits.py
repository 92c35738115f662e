"""The four trackers as the shared sync scenarios (test_tracker_sync.py) see them: a ``Kit`` per vendor over
its loopback fake, and the helpers every tracker test uses (add an integration, run a sync, check both
sides are in step)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from core.integrations import IntegrationClient
from core.models import (
    ConflictPolicy,
    Integration,
    IntegrationType,
    Platform,
    Priority,
    SyncDirection,
    SyncLog,
)
from core.secrets import SecretBox
from core.services import Services
from integrations.gitlab import GitLabClient
from integrations.gitlab_mapping import priority_of as gitlab_priority
from integrations.http import RateLimit
from integrations.linear import LinearClient
from integrations.linear_mapping import FROM_LINEAR_PRIORITY
from integrations.notion import NotionClient
from integrations.notion_mapping import priority_of as notion_priority
from tests.fakes.gitlab_server import PROJECT_PATH, GitLabFake
from tests.fakes.http_faults import FaultPlan
from tests.fakes.linear_server import LinearFake
from tests.fakes.motion_server import MotionFake
from tests.fakes.notion_server import DATABASE_ID, NotionFake
from tests.fakes.tracker_fake import TrackerFake
from tests.integrations.conftest import (
    CLIENT_TIMEOUT,
    FAST_RETRY,
    WINDOW,
    WS,
    all_tasks,
    make_client,
    run_client,
)


@dataclass
class Kit:
    """One tracker as the scenarios see it: its fake, a client factory and "a user of the tracker"."""

    kind: Any  # IntegrationType
    fake: TrackerFake
    client: Callable[..., IntegrationClient]  # (**overrides) -> a client for the fake
    add: Callable[[str], str]  # title -> remote id
    rename: Callable[[str, str], object]
    make_high: Callable[[str], object]  # set the remote item's priority to "high"
    remove: Callable[[str], object]  # deleted by a user of the tracker
    live: Callable[[], dict[str, str]]  # remote id -> title, items not deleted
    priority: Callable[[str], Priority]  # the remote item's priority in our terms
    deletes_seen_incrementally: bool  # else a full listing (periodic, or a webhook's) notices them
    unchanged_run_requests: int = 5  # at most, for a run with nothing to do (Motion lists every page)
    options: dict[str, str] | None = None  # the integration's options (the project, database, ...)
    # Structure, where the tracker keeps it (``Vendor.structure`` says which).
    add_child: Callable[[str, str], str] | None = None  # (title, parent's remote id) -> remote id
    parent_of: Callable[[str], str | None] | None = None  # the remote item's parent
    block: Callable[[str, str], object] | None = None  # (blocker, blocked), set by a user of the tracker
    blockers_of: Callable[[str], set[str]] | None = None  # the remote items blocking this one


async def add_integration(services: Services, box: SecretBox, kit: Kit, **options: Any) -> Integration:
    options = {**(kit.options or {}), **options}
    await services.users.ensure_workspace(WS, Platform.console)
    row = Integration(
        workspace_id=WS,
        type=kit.kind,
        name=kit.kind.value,
        base_url=kit.fake.base_url,
        credentials_encrypted=box.encrypt({"api_key": kit.fake.api_key}),
        options=options,
    )
    return await services.store.integrations.add(row)


async def run_sync(
    services: Services,
    kit: Kit,
    integration: Integration,
    *,
    direction: SyncDirection | None = None,
    policy: ConflictPolicy | None = None,
    **client_kwargs: Any,
) -> SyncLog:
    """One sync run with a fresh client of ``kit``'s tracker."""
    client = kit.client(**client_kwargs)
    return await run_client(services, client, integration, direction=direction, policy=policy)


async def sync_until_ok(services: Services, kit: Kit, integration: Integration) -> list[SyncLog]:
    logs = []
    for _ in range(6):
        logs.append(await run_sync(services, kit, integration))
        if logs[-1].status == "ok":
            break
    return logs


async def assert_in_step(services: Services, kit: Kit, expected: int) -> None:
    live_local = [t for t in await all_tasks(services.store) if t.deleted_at is None]
    remote = kit.live()
    assert max(Counter(remote.values()).values(), default=1) == 1, "a task was created twice remotely"
    assert max(Counter(t.title for t in live_local).values(), default=1) == 1, "a task was created twice here"
    assert len(live_local) == len(remote) == expected
    key = kit.kind.value
    for task in live_local:
        assert remote[task.external_ids[key]] == task.title


def _scaled(fake: TrackerFake, overrides: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Client options for a fake: its time-scaled limit (headroom for scheduling jitter), fast retries."""
    return {
        "base_url": fake.base_url,
        "rate": RateLimit(fake.rate_limit, fake.window, safety=0.8),
        "retry": FAST_RETRY,
        "timeout": CLIENT_TIMEOUT,
        **kwargs,
        **overrides,
    }


_MOTION_PRIORITY = {
    "ASAP": Priority.critical,
    "HIGH": Priority.high,
    "MEDIUM": Priority.medium,
    "LOW": Priority.low,
}


def motion_kit(fake: MotionFake) -> Kit:
    return Kit(
        kind=IntegrationType.motion,
        fake=fake,
        client=lambda **o: make_client(fake, **o),
        add=lambda title: str(fake.add_task(title)["id"]),
        rename=lambda i, title: fake.edit_task(i, name=title),
        make_high=lambda i: fake.edit_task(i, priority="HIGH"),
        remove=fake.remove_task,
        live=lambda: {i: t["name"] for i, t in fake.tasks.items()},
        priority=lambda i: _MOTION_PRIORITY[fake.tasks[i]["priority"]],
        deletes_seen_incrementally=True,  # no updated-since filter: every run lists everything
        unchanged_run_requests=6,  # workspaces, users, projects and every page of tasks
    )


def linear_kit(fake: LinearFake) -> Kit:
    return Kit(
        kind=IntegrationType.linear,
        fake=fake,
        # No cursor margin: the fake commits in order, so there are no late writes to allow for.
        client=lambda **o: LinearClient(
            fake.api_key, **_scaled(fake, o, page_size=20, cursor_margin=timedelta(0))
        ),
        add=lambda title: str(fake.add_issue(title)["id"]),
        rename=lambda i, title: fake.edit_issue(i, title=title),
        make_high=lambda i: fake.edit_issue(i, priority=2),
        remove=fake.trash_issue,
        live=lambda: {i["id"]: i["title"] for i in fake.live()},
        priority=lambda i: FROM_LINEAR_PRIORITY[fake.issues[i]["priority"]],
        deletes_seen_incrementally=True,
        add_child=lambda title, parent: str(fake.add_issue(title, parentId=parent)["id"]),
        parent_of=lambda i: (fake.issues[i]["parent"] or {}).get("id"),
        block=fake.add_relation,
        blockers_of=fake.blockers,
    )


def gitlab_kit(fake: GitLabFake) -> Kit:
    return Kit(
        kind=IntegrationType.gitlab,
        fake=fake,
        client=lambda **o: GitLabClient(
            fake.api_key, **_scaled(fake, o, project=PROJECT_PATH, page_size=20, cursor_margin=timedelta(0))
        ),
        add=lambda title: str(fake.add_issue(title)["iid"]),
        rename=lambda i, title: fake.edit_issue(int(i), title=title),
        make_high=lambda i: fake.edit_issue(int(i), add_labels="priority::high"),
        remove=lambda i: fake.delete_issue(int(i)),
        live=lambda: {str(i["iid"]): i["title"] for i in fake.live()},
        priority=lambda i: gitlab_priority(fake.issues[int(i)]["labels"]),
        deletes_seen_incrementally=False,  # a hard delete shows in the periodic full listing only
        options={"workspace": PROJECT_PATH},
        # updated_after is inclusive: the newest issue is listed again, and its links read.
        unchanged_run_requests=6,
        block=lambda blocker, blocked: fake.link(int(blocker), int(blocked)),
        blockers_of=lambda i: {str(x) for x in fake.blockers(int(i))},
    )


def notion_kit(fake: NotionFake, properties: dict[str, str] | None = None) -> Kit:
    return Kit(
        kind=IntegrationType.notion,
        fake=fake,
        client=lambda **o: NotionClient(
            fake.api_key, **_scaled(fake, o, database=DATABASE_ID, properties=properties, page_size=20)
        ),
        add=lambda title: str(fake.add_page(title)["id"]),
        rename=lambda i, title: fake.edit_page(i, title=title),
        make_high=lambda i: fake.edit_page(i, priority="High"),
        remove=fake.archive_page,
        live=lambda: {p["id"]: fake.title(p["id"]) for p in fake.live()},
        priority=lambda i: notion_priority((fake.value(i, "priority") or {}).get("name")),
        deletes_seen_incrementally=False,  # archived pages leave queries: a full listing notices them
        options={"workspace": DATABASE_ID},
        add_child=lambda title, parent: str(fake.add_page(title, parent=[parent])["id"]),
        parent_of=lambda i: next(iter(fake.related(i, "parent")), None),
        block=lambda blocker, blocked: fake.edit_page(
            blocked, blocked_by=[*fake.related(blocked, "blocked_by"), blocker]
        ),
        blockers_of=lambda i: set(fake.related(i, "blocked_by")),
    )


@dataclass(frozen=True)
class Vendor:
    """How the shared scenarios start one vendor's fake and see it."""

    fake: Callable[..., TrackerFake]  # (faults=...) -> a fake, not started yet
    kit: Callable[[Any], Kit]
    # The conflict policies exercised, with the side that wins when the remote edit is the newest.
    conflicts: tuple[tuple[ConflictPolicy, str], ...] = (
        (ConflictPolicy.newest_wins, "remote"),
        (ConflictPolicy.local_wins, "local"),
    )
    structure: frozenset[str] = frozenset()  # which of parent / blocked_by the tracker keeps


VENDORS = {
    "motion": Vendor(lambda **kw: MotionFake(window=WINDOW, **kw), motion_kit),
    "linear": Vendor(
        lambda **kw: LinearFake(window=WINDOW, rate_limit=40, **kw),
        linear_kit,
        structure=frozenset({"parent", "blocked_by"}),
    ),
    # GitLab's REST API has no sub-issues (only GraphQL work items do): blockers only.
    "gitlab": Vendor(
        lambda **kw: GitLabFake(window=WINDOW, **kw), gitlab_kit, structure=frozenset({"blocked_by"})
    ),
    # Notion's last_edited_time is rounded down to the minute, so "newest wins" can't order two edits made
    # within the same minute; the fixed policies are what its conflict scenario exercises.
    "notion": Vendor(
        lambda **kw: NotionFake(window=WINDOW, rate_limit=12, **kw),
        notion_kit,
        ((ConflictPolicy.remote_wins, "remote"), (ConflictPolicy.local_wins, "local")),
        structure=frozenset({"parent", "blocked_by"}),
    ),
}


def fault_plan() -> FaultPlan:
    return FaultPlan(rate=0.2, seed=5, hang=0.6)
