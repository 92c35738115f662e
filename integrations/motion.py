"""Motion (api.usemotion.com/v1) as an ``IntegrationClient``: auth by ``X-API-Key``, cursor pages of 20,
12 requests per minute for individual accounts, no updated-since filter and no webhooks (api-facts §1).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx

from core.errors import ConfigurationError, IntegrationError, NotFoundError
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
from integrations.html_markdown import html_to_markdown
from integrations.http import RateLimit, RetryPolicy, VendorHTTP
from integrations.motion_mapping import MotionWorkspace, normalize, task_from_wire, task_to_wire
from integrations.sync_cursor import Listing, SyncCursor
from integrations.types import motion as wire

DEFAULT_BASE_URL = "https://api.usemotion.com/v1"
# Individual accounts; teams can ask for up to 120/min and pass their own RateLimit.
MOTION_RATE = RateLimit(requests=12, per_seconds=60.0)
# Items changed this close before a listing started are compared again: covers clock skew between
# Motion's servers and the Date header we take the cursor from.
_CURSOR_MARGIN = timedelta(seconds=60)


def _container(p: wire.Project) -> RemoteContainer:
    return RemoteContainer(p["id"], p["name"] or "", html_to_markdown(p.get("description") or ""))


def _next_cursor(body: Any) -> str | None:
    meta = body.get("meta") if isinstance(body, dict) else None
    return (meta or {}).get("nextCursor") or None


class MotionClient(VendorClient):
    """Speaks Motion's REST API; everything it returns is neutral (``core.integrations``)."""

    kind = IntegrationType.motion

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str | None = None,
        workspace: str | None = None,
        timezone: str = "UTC",
        http: httpx.AsyncClient | None = None,
        rate: RateLimit = MOTION_RATE,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
    ) -> None:
        if not api_key:
            raise ConfigurationError("Motion needs an API key.", hint="Create one in Motion: Settings → API.")
        self._http = VendorHTTP(
            "Motion",
            base_url or DEFAULT_BASE_URL,
            {"X-API-Key": api_key},
            rate=rate,
            client=http,
            timeout=timeout,
            retry=retry,
        )
        self._wanted_workspace = workspace
        try:
            self._zone = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            self._zone = ZoneInfo("UTC")
        self._ws: MotionWorkspace | None = None

    @property
    def workspace(self) -> MotionWorkspace:
        return self._loaded(self._ws, "Motion workspace")

    async def prepare(self) -> None:
        """Pick the workspace (by id or name, else the first) and load its statuses and labels."""
        found: list[wire.Workspace] = []
        async for items, _ in self._http.cursor_pages(
            "/workspaces", {}, items_key="workspaces", next_cursor=_next_cursor
        ):
            found.extend(items)
        want = (self._wanted_workspace or "").strip().lower()
        chosen = [w for w in found if not want or want in (w["id"].lower(), w["name"].lower())]
        if not chosen:
            names = ", ".join(w["name"] for w in found) or "none"
            raise NotFoundError(
                f"Motion has no workspace `{self._wanted_workspace}`.",
                hint=f"Workspaces of this key: {names}.",
            )
        self._ws = MotionWorkspace.from_wire(chosen[0], self._zone)

    async def current_user(self) -> RemoteUser:
        me: wire.User = await self._http.get_json("/users/me")
        return RemoteUser(me["id"], me["name"] or "", me.get("email"))

    async def list_users(self) -> list[RemoteUser]:
        users: list[RemoteUser] = []
        async for items, _ in self._http.cursor_pages(
            "/users", {"workspaceId": self.workspace.id}, items_key="users", next_cursor=_next_cursor
        ):
            page: list[wire.User] = items
            users.extend(RemoteUser(u["id"], u["name"] or "", u.get("email")) for u in page)
        return users

    async def list_containers(self) -> list[RemoteContainer]:
        projects: list[RemoteContainer] = []
        async for items, _ in self._http.cursor_pages(
            "/projects", {"workspaceId": self.workspace.id}, items_key="projects", next_cursor=_next_cursor
        ):
            projects.extend(_container(p) for p in items)
        return projects

    async def create_container(self, name: str, description: str = "") -> RemoteContainer:
        body = {"name": name, "workspaceId": self.workspace.id, "description": description}

        async def send() -> RemoteContainer:
            p: wire.Project = self._http.json_of(await self._http.request("POST", "/projects", json=body))
            return RemoteContainer(p["id"], p["name"] or name, description)

        return await self._create("project", send, lambda: self._container_named(name))

    async def get_container(self, remote_id: str) -> RemoteContainer | None:
        try:
            return _container(await self._http.get_json(f"/projects/{remote_id}"))
        except NotFoundError:
            return None

    async def update_container(self, remote_id: str, name: str, description: str = "") -> RemoteContainer:
        # Not in Motion's public docs (api-facts §1: UNCONFIRMED); tried, and a refusal reads plainly.
        try:
            response = await self._http.request(
                "PATCH", f"/projects/{remote_id}", json={"name": name, "description": description}
            )
        except IntegrationError as exc:
            raise IntegrationError(
                "Motion's API doesn't let me rename this project.", hint=exc.message
            ) from None
        p = self._http.json_of(response)
        return RemoteContainer(str(p.get("id", remote_id)), str(p.get("name") or name), description)

    async def delete_container(self, remote_id: str) -> None:
        try:
            await self._http.request("DELETE", f"/projects/{remote_id}")
        except NotFoundError:
            pass
        except IntegrationError as exc:
            raise IntegrationError(
                "Motion's API doesn't let me delete this project.", hint=exc.message
            ) from None

    async def changes_since(self, cursor: str | None, progress: Progress | None = None) -> ChangeSet:
        """Every task (Motion can't filter by update time), flagging those updated since ``cursor``."""
        since = SyncCursor.parse(cursor).since
        params = {"workspaceId": self.workspace.id, "includeAllStatuses": "true"}
        listing: Listing[wire.Task] = Listing(
            "Motion", lambda obj: task_from_wire(obj, self.workspace), progress
        )
        async for items, response in self._http.cursor_pages(
            "/tasks", params, items_key="tasks", next_cursor=_next_cursor
        ):
            listing.add_page(response, items)
        tasks = listing.tasks
        changed = frozenset(t.id for t in tasks if since is None or t.updated_at >= since)
        next_since = (listing.started or datetime.now(UTC)) - _CURSOR_MARGIN
        return ChangeSet(tasks, changed, json.dumps({"since": next_since.isoformat()}), snapshot=True)

    async def get_task(self, remote_id: str) -> RemoteTask | None:
        try:
            body = await self._http.get_json(f"/tasks/{remote_id}")
        except NotFoundError:
            return None
        return task_from_wire(body, self.workspace)

    async def create_task(self, fields: TaskFields, local_ref: str) -> RemoteTask:
        ws = self.workspace
        wanted = task_to_wire(fields, frozenset(SYNCED_FIELDS), ws, local_ref=local_ref)
        body = {k: v for k, v in wanted.items() if v is not None} | {"workspaceId": ws.id}

        async def send() -> RemoteTask:
            return task_from_wire(
                self._http.json_of(await self._http.request("POST", "/tasks", json=body)), ws
            )

        return await self._create("task", send, lambda: self._find_tagged(fields.title, local_ref))

    async def _find_tagged(self, title: str, local_ref: str) -> RemoteTask | None:
        """The task carrying our tag for ``local_ref``, searched by name (1 page in practice)."""
        params = {"workspaceId": self.workspace.id, "includeAllStatuses": "true", "name": title}
        async for items, _ in self._http.cursor_pages(
            "/tasks", params, items_key="tasks", next_cursor=_next_cursor
        ):
            for obj in items:
                task = task_from_wire(obj, self.workspace)
                if task.local_ref == local_ref:
                    return task
        return None

    async def update_task(self, remote_id: str, fields: TaskFields, changed: frozenset[str]) -> RemoteTask:
        ws = self.workspace
        body = task_to_wire(fields, changed, ws)
        if "assignee" in changed and fields.assignee is None:
            # Motion unassigns through its own endpoint rather than a null assigneeId.
            body.pop("assigneeId", None)
            await self._http.request("DELETE", f"/tasks/{remote_id}/assignee")
        if not body:
            found = await self.get_task(remote_id)
            if found is None:
                raise NotFoundError("Motion has no such item (it may have been deleted).")
            return found
        response = await self._http.request("PATCH", f"/tasks/{remote_id}", json=body)
        return task_from_wire(self._http.json_of(response), ws)

    async def delete_task(self, remote_id: str) -> None:
        try:
            await self._http.request("DELETE", f"/tasks/{remote_id}")
        except NotFoundError:
            pass  # already gone (or a retried delete whose first answer was lost)

    def normalize(self, fields: TaskFields) -> TaskFields:
        return normalize(fields, self.workspace)
