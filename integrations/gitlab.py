"""GitLab REST v4 (gitlab.com or a self-managed ``https://<host>/api/v4``) as an ``IntegrationClient``
(api-facts §3).

One integration syncs one GitLab project: its issues (addressed by ``iid``) are the tasks, its milestones the
containers. Offset pages (``x-next-page``) of 100; incremental pulls use ``updated_after`` ordered by
``updated_at``; a create is tagged ``[orc:<id>]`` and looked up by title before it is sent again. Deleting an
issue takes an owner; other tokens close it and label it ``orchestrator::deleted``. A 429's body is plain
text (``Retry later``) and may lack ``Retry-After``: the shared base backs off on its own then.

Structure: "blocked by" is an issue link of type ``blocks`` (``POST /issues/:blocker/links`` with
``link_type=blocks``; ``is_blocked_by`` on create is avoided, as it answered 404 on success on gitlab.com,
issue 271168), read per listed issue from ``GET /issues/:iid/links``: the listing itself carries no links, so
a listing costs one more request per changed issue. Blocking link types are a Premium feature. Sub-issues
are not synced: REST v4 has no parent for an issue (child tasks are GraphQL work items only), so a subtask's
parent stays local and the subtask is a plain issue there.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx

from core.errors import ConfigurationError, NotFoundError, PermissionDenied, ValidationError
from core.integrations import (
    SYNCED_FIELDS,
    ChangeSet,
    Progress,
    RemoteContainer,
    RemoteTask,
    RemoteUser,
    TaskFields,
)
from core.models import IntegrationType
from integrations.client_base import VendorClient
from integrations.gitlab_mapping import DELETED_LABEL, is_deleted, issue_body, normalize, task_from_wire
from integrations.http import OutcomeUnknown, RateLimit, RetryPolicy, VendorHTTP
from integrations.sync_cursor import FULL_EVERY, MARGIN, Listing, SyncCursor
from integrations.types import gitlab as wire
from integrations.wire_fields import parse_time

DEFAULT_BASE_URL = "https://gitlab.com/api/v4"
GITLAB_RATE = RateLimit(requests=2000, per_seconds=60.0)  # gitlab.com, per user
PAGE_SIZE = 100


def _user(u: wire.User) -> RemoteUser:
    # Emails show only to admins, or when the user made one public.
    return RemoteUser(
        str(u["id"]), u["name"] or u["username"], u.get("email") or u.get("public_email") or None
    )


class GitLabClient(VendorClient):
    """Speaks GitLab's REST API for one project; everything it returns is neutral."""

    kind = IntegrationType.gitlab
    structure = frozenset({"blocked_by"})

    def __init__(
        self,
        token: str,
        *,
        project: str | None,
        base_url: str | None = None,
        http: httpx.AsyncClient | None = None,
        rate: RateLimit = GITLAB_RATE,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        page_size: int = PAGE_SIZE,
        full_every: timedelta = FULL_EVERY,
        cursor_margin: timedelta = MARGIN,
    ) -> None:
        if not token:
            raise ConfigurationError(
                "GitLab needs an access token.",
                hint="Create one with the `api` scope (User settings → Access tokens).",
            )
        if not project:
            raise ConfigurationError(
                "GitLab needs a project.", hint="Give its path or id: `--workspace group/project`."
            )
        self._http = VendorHTTP(
            "GitLab",
            base_url or DEFAULT_BASE_URL,
            {"PRIVATE-TOKEN": token},
            rate=rate,
            client=http,
            timeout=timeout,
            retry=retry,
        )
        self._project_ref = project
        self._project_id: str | None = None
        self._spelling: dict[str, str] = {}
        self._page = page_size
        self._full_every = full_every
        self._margin = cursor_margin

    @property
    def _p(self) -> str:
        return f"/projects/{self._loaded(self._project_id, 'GitLab project')}"

    async def _pages(
        self, path: str, params: Mapping[str, Any] | None = None
    ) -> AsyncIterator[tuple[list[Any], httpx.Response]]:
        """Offset pages until ``x-next-page`` is empty."""
        page: str | None = "1"
        seen: set[str] = set()
        while page:
            response = await self._http.request(
                "GET", path, params={**(params or {}), "page": page, "per_page": self._page}
            )
            body = self._http.json_of(response)
            yield (body if isinstance(body, list) else []), response
            seen.add(page)
            page = response.headers.get("x-next-page", "").strip() or None
            if page in seen:
                return

    async def prepare(self) -> None:
        """Resolve the project (a path is URL-encoded) and load its labels' spelling."""
        ref = self._project_ref or ""
        try:
            project = await self._http.get_json(f"/projects/{quote(ref, safe='')}")
        except NotFoundError:
            raise NotFoundError(
                f"GitLab has no project `{ref}`, or this token can't see it.",
                hint="Check the path (group/project) and that the token's user is a member.",
            ) from None
        self._project_id = str(project["id"])
        spelling: dict[str, str] = {}
        async for items, _ in self._pages(f"{self._p}/labels"):
            labels: list[wire.Label] = items
            spelling.update({x["name"].lower(): x["name"] for x in labels})
        self._spelling = spelling

    async def current_user(self) -> RemoteUser:
        return _user(await self._http.get_json("/user"))

    async def list_users(self) -> list[RemoteUser]:
        users: list[RemoteUser] = []
        async for items, _ in self._pages(f"{self._p}/members/all"):
            users.extend(_user(u) for u in items)
        return users

    @staticmethod
    def _milestone(m: wire.Milestone) -> RemoteContainer:
        return RemoteContainer(str(m["id"]), m["title"], m["description"] or "")

    async def list_containers(self) -> list[RemoteContainer]:
        out: list[RemoteContainer] = []
        async for items, _ in self._pages(f"{self._p}/milestones", {"state": "active"}):
            out.extend(self._milestone(m) for m in items)
        return out

    async def get_container(self, remote_id: str) -> RemoteContainer | None:
        try:
            return self._milestone(await self._http.get_json(f"{self._p}/milestones/{remote_id}"))
        except NotFoundError:
            return None

    async def create_container(self, name: str, description: str = "") -> RemoteContainer:
        async def send() -> RemoteContainer:
            body = {"title": name, "description": description}
            return self._milestone(
                self._http.json_of(await self._http.request("POST", f"{self._p}/milestones", json=body))
            )

        async def find() -> RemoteContainer | None:
            async for items, _ in self._pages(f"{self._p}/milestones", {"title": name}):
                if items:
                    return self._milestone(items[0])
            return None

        return await self._create("milestone", send, find)

    async def update_container(self, remote_id: str, name: str, description: str = "") -> RemoteContainer:
        response = await self._http.request(
            "PUT", f"{self._p}/milestones/{remote_id}", json={"title": name, "description": description}
        )
        return self._milestone(self._http.json_of(response))

    async def delete_container(self, remote_id: str) -> None:
        try:
            await self._http.request("DELETE", f"{self._p}/milestones/{remote_id}")
        except NotFoundError:
            pass

    async def changes_since(self, cursor: str | None, progress: Progress | None = None) -> ChangeSet:
        """Issues updated since the cursor (all on a full listing); those we closed as deleted are gone."""
        state = SyncCursor.parse(cursor)
        full = state.wants_full(datetime.now(UTC), self._full_every)
        params: dict[str, Any] = {"state": "all", "order_by": "updated_at", "sort": "asc"}
        after = None if full else state.listed_after(self._margin)
        if after is not None:
            params["updated_after"] = after.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        listing: Listing[wire.Issue] = Listing(
            "GitLab",
            task_from_wire,
            progress,
            stamp=lambda obj: parse_time(obj["updated_at"]),
            gone=lambda obj: str(obj["iid"]) if is_deleted(obj) else None,
        )
        async for items, response in self._pages(f"{self._p}/issues", params):
            listing.add_page(response, items)
        changes = listing.change_set(state, full=full)
        return dataclasses.replace(changes, tasks=[await self._with_blockers(t) for t in changes.tasks])

    async def _blockers(self, iid: str) -> dict[str, int] | None:
        """The issues of this project blocking ``iid`` → their link ids; None when the issue is gone."""
        try:
            links: list[wire.LinkedIssue] = await self._http.get_json(f"{self._p}/issues/{iid}/links")
        except NotFoundError:
            return None
        ours = self._loaded(self._project_id, "GitLab project")
        return {
            str(x["iid"]): x["issue_link_id"]
            for x in links
            if x["link_type"] == "is_blocked_by" and str(x["project_id"]) == ours
        }

    async def _with_blockers(self, task: RemoteTask) -> RemoteTask:
        found = await self._blockers(task.id)
        if not found:
            return task
        return dataclasses.replace(task, fields=task.fields.replace(blocked_by=tuple(sorted(found))))

    async def _set_blockers(self, iid: str, wanted: tuple[str, ...]) -> None:
        """Make the issues blocking ``iid`` exactly ``wanted``: one link created or deleted each."""
        current = await self._blockers(iid)
        if current is None:
            raise NotFoundError("GitLab has no such item (it may have been deleted).")
        for blocker, link_id in current.items():
            if blocker not in wanted:
                try:
                    await self._http.request("DELETE", f"{self._p}/issues/{iid}/links/{link_id}")
                except NotFoundError:
                    pass  # already removed
        for blocker in wanted:
            if blocker in current:
                continue
            body = {"target_project_id": self._project_id, "target_issue_iid": iid, "link_type": "blocks"}
            try:
                await self._http.request("POST", f"{self._p}/issues/{blocker}/links", json=body)
            except (OutcomeUnknown, ValidationError):
                # A lost answer, or "already assigned" after one: the link may be there already.
                if blocker not in (await self._blockers(iid) or {}):
                    raise

    async def _issue(self, iid: str) -> wire.Issue | None:
        try:
            issue: wire.Issue = await self._http.get_json(f"{self._p}/issues/{iid}")
        except NotFoundError:
            return None
        return issue

    async def get_task(self, remote_id: str) -> RemoteTask | None:
        obj = await self._issue(remote_id)
        if obj is None or is_deleted(obj):
            return None
        return await self._with_blockers(task_from_wire(obj))

    async def create_task(self, fields: TaskFields, local_ref: str) -> RemoteTask:
        wanted = issue_body(fields, frozenset(SYNCED_FIELDS), self._spelling, local_ref=local_ref)
        body = {k: v for k, v in wanted.items() if v not in (None, [], 0)}

        async def send() -> RemoteTask:
            return task_from_wire(
                self._http.json_of(await self._http.request("POST", f"{self._p}/issues", json=body))
            )

        created = await self._create("issue", send, lambda: self._find_tagged(fields.title, local_ref))
        changed = {"blocked_by"} if fields.blocked_by else set()
        if not fields.status.is_open and created.fields.status.is_open:  # an issue is always created open
            changed.add("status")
        if changed:
            return await self.update_task(created.id, fields, frozenset(changed))
        return created

    async def _find_tagged(self, title: str, local_ref: str) -> RemoteTask | None:
        async for items, _ in self._pages(
            f"{self._p}/issues", {"search": title, "in": "title", "state": "all"}
        ):
            for obj in items:
                task = task_from_wire(obj)
                if task.local_ref == local_ref:
                    return task
        return None

    async def update_task(self, remote_id: str, fields: TaskFields, changed: frozenset[str]) -> RemoteTask:
        was_closed = None
        if "status" in changed:
            current = await self._issue(remote_id)
            if current is None:
                raise NotFoundError("GitLab has no such item (it may have been deleted).")
            was_closed = current["state"] == "closed"
        if "blocked_by" in changed:
            await self._set_blockers(remote_id, fields.blocked_by)
        body = issue_body(fields, changed, self._spelling, was_closed=was_closed)
        if not body:  # GitLab refuses an update without attributes
            found = await self.get_task(remote_id)
            if found is None:
                raise NotFoundError("GitLab has no such item (it may have been deleted).")
            return found
        response = await self._http.request("PUT", f"{self._p}/issues/{remote_id}", json=body)
        return task_from_wire(self._http.json_of(response))

    async def delete_task(self, remote_id: str) -> None:
        """Delete (project owners); otherwise close it with the ``orchestrator::deleted`` label."""
        try:
            await self._http.request("DELETE", f"{self._p}/issues/{remote_id}")
            return
        except NotFoundError:
            return
        except PermissionDenied:
            pass
        try:
            await self._http.request(
                "PUT",
                f"{self._p}/issues/{remote_id}",
                json={"state_event": "close", "add_labels": DELETED_LABEL},
            )
        except NotFoundError:
            pass

    def normalize(self, fields: TaskFields) -> TaskFields:
        return normalize(fields)
