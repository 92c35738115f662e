"""A loopback fake of Motion's REST API (api-facts §1), aiohttp on 127.0.0.1 and an ephemeral port.

It reproduces what the client must cope with: ``X-API-Key`` auth, cursor pages of 20 (``meta.nextCursor``),
only unresolved tasks unless ``includeAllStatuses=true``, 429 with ``Retry-After`` past N requests per window
(12 per minute, time-scaled by ``window``), labels as names in and ``{name}`` objects out, descriptions as
Markdown in and HTML out, and injectable faults: 5xx, timeouts (answer held past the client's timeout)
and lost responses (the change is applied, then the connection is dropped).

Tests also act as "a Motion user" through ``add_task`` / ``edit_task`` / ``remove_task``.
"""

from __future__ import annotations

import base64
import random
from datetime import datetime
from typing import Any

from aiohttp import web
from markdown_it import MarkdownIt

from tests.fakes.http_faults import FaultPlan
from tests.fakes.tracker_fake import TrackerFake, iso

# Motion renders descriptions with tables and strikethrough (GitHub-flavoured), never raw HTML.
_md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])

STATUSES = [
    {"name": "Todo", "isDefaultStatus": True, "isResolvedStatus": False},
    {"name": "In Progress", "isDefaultStatus": False, "isResolvedStatus": False},
    {"name": "Blocked", "isDefaultStatus": False, "isResolvedStatus": False},
    {"name": "Completed", "isDefaultStatus": False, "isResolvedStatus": True},
    {"name": "Canceled", "isDefaultStatus": False, "isResolvedStatus": True},
]
PRIORITIES = {"ASAP", "HIGH", "MEDIUM", "LOW"}


class MotionFake(TrackerFake):
    """The fake server; ``base_url`` ends in ``/v1`` like Motion's."""

    prefix = "/v1"

    def __init__(
        self,
        api_key: str = "motion-test-key-0123456789",
        *,
        rate_limit: int = 12,
        window: float = 60.0,
        page_size: int = 20,
        faults: FaultPlan | None = None,
    ) -> None:
        super().__init__(api_key, rate_limit=rate_limit, window=window, page_size=page_size, faults=faults)
        self.workspace = {
            "id": "ws-1",
            "name": "Team",
            "teamId": "team-1",
            "type": "TEAM",
            "labels": [{"name": "Bug"}, {"name": "Ops"}],
            "statuses": STATUSES,
        }
        self.users: dict[str, dict[str, Any]] = {
            "mu-1": {"id": "mu-1", "name": "Alice Motion", "email": "alice@example.com"},
            "mu-2": {"id": "mu-2", "name": "Bob Motion", "email": "bob@example.com"},
        }
        self.projects: dict[str, dict[str, Any]] = {}
        self.tasks: dict[str, dict[str, Any]] = {}
        self._seq: dict[str, int] = {}
        self._next = 0

    # ---- wire answers
    def routes(self, router: web.UrlDispatcher) -> None:
        router.add_get("/v1/users/me", self._me)
        router.add_get("/v1/users", self._list_users)
        router.add_get("/v1/workspaces", self._list_workspaces)
        router.add_get("/v1/projects", self._list_projects)
        router.add_post("/v1/projects", self._create_project)
        router.add_get("/v1/projects/{id}", self._get_project)
        router.add_get("/v1/tasks", self._list_tasks)
        router.add_post("/v1/tasks", self._create_task)
        router.add_get("/v1/tasks/{id}", self._get_task)
        router.add_patch("/v1/tasks/{id}", self._patch_task)
        router.add_delete("/v1/tasks/{id}", self._delete_task)
        router.add_delete("/v1/tasks/{id}/assignee", self._unassign)

    def authorized(self, request: web.Request) -> bool:
        return request.headers.get("X-API-Key") == self.api_key

    def unauthorized(self) -> web.Response:
        return web.json_response({"message": "Unauthorized"}, status=401)

    def server_error(self) -> web.Response:
        return web.json_response({"message": "Internal server error"}, status=random.choice((500, 503)))

    # ---- helpers
    def _new_id(self, prefix: str) -> str:
        self._next += 1
        return f"{prefix}-{self._next:06d}"

    def _page(self, items: list[dict[str, Any]], cursor: str | None, key: str) -> dict[str, Any]:
        start = 0
        if cursor:
            after = int(base64.urlsafe_b64decode(cursor.encode()).decode())
            start = next((i for i, it in enumerate(items) if self._seq[it["id"]] > after), len(items))
        page = items[start : start + self.page_size]
        meta: dict[str, Any] = {"pageSize": self.page_size}
        if start + self.page_size < len(items):
            last = self._seq[page[-1]["id"]]
            meta["nextCursor"] = base64.urlsafe_b64encode(str(last).encode()).decode()
        return {"meta": meta, key: page}

    def _status(self, name: str | None) -> dict[str, Any] | None:
        if name is None:
            return next(s for s in STATUSES if s["isDefaultStatus"])
        return next((s for s in STATUSES if s["name"] == name), None)

    @staticmethod
    def _bad(message: str) -> web.Response:
        return web.json_response({"message": message}, status=400)

    def _apply(self, task: dict[str, Any], body: dict[str, Any]) -> str | None:
        """Apply a create/update body to a stored task; an error message when the body is invalid."""
        if "name" in body:
            if not str(body["name"] or "").strip():
                return "name must not be empty"
            task["name"] = body["name"]
        if "description" in body:
            task["description"] = _md.render(body["description"] or "")
        if "status" in body:
            status = self._status(body["status"])
            if status is None:
                return f"unknown status {body['status']}"
            task["status"] = dict(status)
        if "priority" in body:
            if body["priority"] not in PRIORITIES:
                return f"bad priority {body['priority']}"
            task["priority"] = body["priority"]
        if "labels" in body:
            if not all(isinstance(x, str) for x in body["labels"] or []):
                return "labels must be a list of names"
            task["labels"] = [{"name": x} for x in body["labels"] or []]
        if "dueDate" in body:
            if body["dueDate"] is not None:
                try:
                    datetime.fromisoformat(str(body["dueDate"]).replace("Z", "+00:00"))
                except ValueError:
                    return "dueDate must be an ISO 8601 datetime"
            task["dueDate"] = body["dueDate"]
        if "duration" in body:
            d = body["duration"]
            if not (d in ("NONE", "REMINDER") or (isinstance(d, int) and d > 0)):
                return "duration must be NONE, REMINDER or minutes > 0"
            task["duration"] = d
        if "assigneeId" in body:
            if body["assigneeId"] is not None and body["assigneeId"] not in self.users:
                return "unknown assignee"
            task["assignees"] = [self.users[body["assigneeId"]]] if body["assigneeId"] else []
        if "projectId" in body:
            if body["projectId"] is not None and body["projectId"] not in self.projects:
                return "unknown project"
            task["project"] = self.projects.get(body["projectId"]) if body["projectId"] else None
        resolved = task["status"]["isResolvedStatus"]
        if resolved and not task["completed"]:
            task["completedTime"] = iso(self.now())
        task["completed"] = resolved
        if not resolved:
            task["completedTime"] = None
        task["updatedTime"] = iso(self.now())
        return None

    def _blank_task(self) -> dict[str, Any]:
        now = iso(self.now())
        return {
            "id": self._new_id("mt"),
            "name": "",
            "description": "",
            "duration": "NONE",
            "dueDate": None,
            "deadlineType": "SOFT",
            "startOn": None,
            "scheduledStart": None,
            "scheduledEnd": None,
            "completed": False,
            "completedTime": None,
            "createdTime": now,
            "updatedTime": now,
            "status": dict(self._status(None) or {}),
            "priority": "MEDIUM",
            "creator": self.users["mu-1"],
            "project": None,
            "workspace": {"id": "ws-1", "name": "Team"},
            "labels": [],
            "assignees": [],
            "customFieldValues": {},
        }

    # ---- what a Motion user does in the app (tests call these directly)
    def add_task(self, name: str, **body: Any) -> dict[str, Any]:
        with self.lock:
            task = self._blank_task()
            error = self._apply(task, {"name": name, **body})
            assert error is None, error
            self.tasks[task["id"]] = task
            self._seq[task["id"]] = self._next
            return task

    def add_project(self, name: str, description: str = "") -> dict[str, Any]:
        with self.lock:
            project = {
                "id": self._new_id("mp"),
                "name": name,
                "description": _md.render(description) if description else "",
                "workspaceId": "ws-1",
                "status": self._status(None),
            }
            self.projects[project["id"]] = project
            self._seq[project["id"]] = self._next
            return project

    def edit_task(self, task_id: str, **body: Any) -> dict[str, Any]:
        with self.lock:
            error = self._apply(self.tasks[task_id], body)
            assert error is None, error
            return self.tasks[task_id]

    def remove_task(self, task_id: str) -> None:
        with self.lock:
            self.tasks.pop(task_id)

    def tasks_named(self, name: str) -> list[dict[str, Any]]:
        return [t for t in self.tasks.values() if t["name"] == name]

    # ---- handlers
    async def _me(self, request: web.Request) -> web.Response:
        return web.json_response({"id": "mu-1", "name": "Alice Motion", "email": "alice@example.com"})

    async def _list_users(self, request: web.Request) -> web.Response:
        users = sorted(self.users.values(), key=lambda u: u["id"])
        for u in users:
            self._seq.setdefault(u["id"], int(u["id"].split("-")[1]))
        return web.json_response(self._page(users, request.query.get("cursor"), "users"))

    async def _list_workspaces(self, request: web.Request) -> web.Response:
        return web.json_response({"meta": {"pageSize": self.page_size}, "workspaces": [self.workspace]})

    async def _list_projects(self, request: web.Request) -> web.Response:
        if request.query.get("workspaceId") not in (None, "ws-1"):
            return self._bad("unknown workspace")
        return web.json_response(
            self._page(list(self.projects.values()), request.query.get("cursor"), "projects")
        )

    async def _create_project(self, request: web.Request) -> web.Response:
        body = await request.json()
        if not body.get("name") or body.get("workspaceId") != "ws-1":
            return self._bad("name and workspaceId are required")
        return web.json_response(self.add_project(body["name"], body.get("description") or ""))

    async def _get_project(self, request: web.Request) -> web.Response:
        project = self.projects.get(request.match_info["id"])
        return (
            web.json_response(project) if project else web.json_response({"message": "Not found"}, status=404)
        )

    async def _list_tasks(self, request: web.Request) -> web.Response:
        q = request.query
        if q.get("includeAllStatuses") == "true" and q.getall("status", []):
            return self._bad("includeAllStatuses can't be combined with status")
        items = list(self.tasks.values())
        wanted = q.getall("status", [])
        if wanted:
            items = [t for t in items if t["status"]["name"] in wanted]
        elif q.get("includeAllStatuses") != "true":
            items = [t for t in items if not t["status"]["isResolvedStatus"]]  # Motion's default view
        if q.get("name"):
            items = [t for t in items if q["name"].lower() in t["name"].lower()]
        if q.get("projectId"):
            items = [t for t in items if (t["project"] or {}).get("id") == q["projectId"]]
        items.sort(key=lambda t: self._seq[t["id"]])
        return web.json_response(self._page(items, q.get("cursor"), "tasks"))

    async def _create_task(self, request: web.Request) -> web.Response:
        body = await request.json()
        if not body.get("name") or body.get("workspaceId") != "ws-1":
            return self._bad("name and workspaceId are required")
        with self.lock:
            task = self._blank_task()
            error = self._apply(task, body)
            if error:
                return self._bad(error)
            self.tasks[task["id"]] = task
            self._seq[task["id"]] = self._next
        return web.json_response(task, status=201)

    async def _get_task(self, request: web.Request) -> web.Response:
        task = self.tasks.get(request.match_info["id"])
        return web.json_response(task) if task else web.json_response({"message": "Not found"}, status=404)

    async def _patch_task(self, request: web.Request) -> web.Response:
        body = await request.json()
        with self.lock:
            task = self.tasks.get(request.match_info["id"])
            if task is None:
                return web.json_response({"message": "Not found"}, status=404)
            error = self._apply(task, body)
        return self._bad(error) if error else web.json_response(task)

    async def _delete_task(self, request: web.Request) -> web.Response:
        with self.lock:
            if self.tasks.pop(request.match_info["id"], None) is None:
                return web.json_response({"message": "Not found"}, status=404)
        return web.Response(status=204)

    async def _unassign(self, request: web.Request) -> web.Response:
        with self.lock:
            task = self.tasks.get(request.match_info["id"])
            if task is None:
                return web.json_response({"message": "Not found"}, status=404)
            task["assignees"] = []
            task["updatedTime"] = iso(self.now())
        return web.json_response(task)
