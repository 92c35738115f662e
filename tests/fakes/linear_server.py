"""A loopback fake of Linear's GraphQL API (api-facts §2) for the operations the client sends.

Reproduced: ``Authorization: <key>`` (no Bearer) with auth failures as HTTP 400 ``AUTHENTICATION_ERROR``;
Relay pages (``first``/``after``, ``pageInfo``); the ``updatedAt > gt`` filter and ``includeArchived``;
client-supplied issue ids (a second create with the same id is refused); not-found as a GraphQL error in a
200; ``issueDelete`` to the trash; the rate limit as **HTTP 400 with ``RATELIMITED``** and the reset in
``X-RateLimit-Requests-Reset`` (no Retry-After); and the shared faults. Structure: ``parentId`` makes a
sub-issue (``parent { id }``; a cycle is refused), and ``issueRelationCreate``/``Delete`` keep relations,
shown on the related issue as ``inverseRelations``; a relation change bumps both issues' ``updatedAt``
(the real API's behaviour there is unconfirmed; a full listing sees it either way).

Operations are dispatched on the name in the document (``query Issues(…)``), as the client names them all.
Tests act as "a Linear user" through ``add_issue`` / ``edit_issue`` / ``trash_issue``.
"""

from __future__ import annotations

import base64
import re
import time
import uuid
from datetime import date, datetime
from typing import Any

from aiohttp import web

from tests.fakes.http_faults import FaultPlan
from tests.fakes.tracker_fake import TrackerFake, iso

STATES = [
    {"id": "st-triage", "name": "Triage", "type": "triage", "position": 0},
    {"id": "st-backlog", "name": "Backlog", "type": "backlog", "position": 1},
    {"id": "st-todo", "name": "Todo", "type": "unstarted", "position": 2},
    {"id": "st-doing", "name": "In Progress", "type": "started", "position": 3},
    {"id": "st-review", "name": "In Review", "type": "started", "position": 4},
    {"id": "st-done", "name": "Done", "type": "completed", "position": 5},
    {"id": "st-canceled", "name": "Canceled", "type": "canceled", "position": 6},
]
_OP = re.compile(r"^\s*(?:query|mutation)\s+(\w+)")


def _error(message: str, code: str, status: int = 200) -> web.Response:
    body = {
        "data": None,
        "errors": [{"message": message, "extensions": {"code": code, "userPresentableMessage": message}}],
    }
    return web.json_response(body, status=status)


class LinearFake(TrackerFake):
    def __init__(
        self,
        api_key: str = "lin_api_test_0123456789abcdef",
        *,
        rate_limit: int = 40,
        window: float = 60.0,
        page_size: int = 50,
        faults: FaultPlan | None = None,
    ) -> None:
        super().__init__(api_key, rate_limit=rate_limit, window=window, page_size=page_size, faults=faults)
        self.team = {"id": "team-eng", "key": "ENG", "name": "Engineering"}
        self.labels: dict[str, str] = {"lb-bug": "Bug", "lb-ops": "Ops"}
        self.users = {
            "lu-1": {
                "id": "lu-1",
                "name": "Alice Linear",
                "displayName": "alice",
                "email": "alice@example.com",
                "active": True,
            },
            "lu-2": {
                "id": "lu-2",
                "name": "Bob Linear",
                "displayName": "bob",
                "email": "bob@example.com",
                "active": True,
            },
        }
        self.projects: dict[str, dict[str, Any]] = {}
        self.issues: dict[str, dict[str, Any]] = {}
        self.relations: dict[str, dict[str, str]] = {}  # id -> {id, type, issueId, relatedIssueId}
        self._number = 0
        self.operations: list[str] = []

    # ---- wire answers
    def routes(self, router: web.UrlDispatcher) -> None:
        router.add_post("/graphql", self._graphql)

    def authorized(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == self.api_key

    def unauthorized(self) -> web.Response:
        return _error("Authentication required, not authenticated", "AUTHENTICATION_ERROR", 400)

    def rate_limited(self, wait: float) -> web.Response:
        reset_ms = int((time.time() + wait) * 1000)
        response = _error("Rate limit exceeded", "RATELIMITED", 400)
        response.headers.update(
            {
                "X-RateLimit-Requests-Limit": str(self.rate_limit),
                "X-RateLimit-Requests-Remaining": "0",
                "X-RateLimit-Requests-Reset": str(reset_ms),
            }
        )
        return response

    def server_error(self) -> web.Response:
        return web.json_response({"errors": [{"message": "Internal server error"}]}, status=503)

    async def fault_key(self, request: web.Request) -> str:
        return self._op(await request.json())

    @staticmethod
    def _op(body: dict[str, Any]) -> str:
        match = _OP.match(str(body.get("query") or ""))
        return match.group(1) if match else ""

    # ---- what a Linear user does in the app
    def add_issue(self, title: str, **fields: Any) -> dict[str, Any]:
        with self.lock:
            issue = self._blank(str(uuid.uuid4()))
            error = self._apply(issue, {"title": title, **fields})
            assert error is None, error
            self.issues[issue["id"]] = issue
            return issue

    def edit_issue(self, issue_id: str, **fields: Any) -> dict[str, Any]:
        with self.lock:
            error = self._apply(self.issues[issue_id], fields)
            assert error is None, error
            return self.issues[issue_id]

    def add_relation(self, blocker: str, blocked: str, kind: str = "blocks") -> str:
        """The relation "``blocker`` blocks ``blocked``", as a Linear user sets it; returns its id."""
        with self.lock:
            made = self._relate(blocker, blocked, kind)
            assert not made.startswith("!"), made
            return made

    def blockers(self, issue_id: str) -> set[str]:
        """The issues blocking ``issue_id``."""
        return {
            r["issueId"]
            for r in self.relations.values()
            if r["relatedIssueId"] == issue_id and r["type"] == "blocks"
        }

    def trash_issue(self, issue_id: str) -> None:
        with self.lock:
            issue = self.issues[issue_id]
            issue["trashed"] = True
            issue["archivedAt"] = issue["updatedAt"] = iso(self.now())

    def add_project(self, name: str) -> dict[str, Any]:
        with self.lock:
            project = {
                "id": str(uuid.uuid4()),
                "name": name,
                "description": "",
                "teams": {"nodes": [{"id": "team-eng"}]},
            }
            self.projects[project["id"]] = project
            return project

    def live(self) -> list[dict[str, Any]]:
        return [i for i in self.issues.values() if not i["trashed"]]

    # ---- model
    def _blank(self, issue_id: str) -> dict[str, Any]:
        self._number += 1
        now = iso(self.now())
        return {
            "id": issue_id,
            "identifier": f"ENG-{self._number}",
            "number": self._number,
            "title": "",
            "description": None,
            "priority": 0,
            "priorityLabel": "No priority",
            "dueDate": None,
            "estimate": None,
            "createdAt": now,
            "updatedAt": now,
            "completedAt": None,
            "canceledAt": None,
            "archivedAt": None,
            "trashed": False,
            "url": f"https://linear.app/eng/issue/ENG-{self._number}",
            "state": {k: STATES[2][k] for k in ("id", "name", "type")},
            "assignee": None,
            "project": None,
            "labelIds": [],
            "team": {"id": "team-eng"},
            "parent": None,
        }

    def _render(self, issue: dict[str, Any]) -> dict[str, Any]:
        """The issue as a query selects it: its incoming relations joined in."""
        incoming = [
            {"id": r["id"], "type": r["type"], "issue": {"id": r["issueId"]}}
            for r in self.relations.values()
            if r["relatedIssueId"] == issue["id"]
        ]
        return {**issue, "inverseRelations": {"nodes": incoming}}

    def _relate(self, issue_id: str, related_id: str, kind: str) -> str:
        """A new relation's id, or an error message starting with "!"."""
        if issue_id not in self.issues or related_id not in self.issues:
            return "!issue not found"
        if issue_id == related_id:
            return "!an issue can't relate to itself"
        if kind not in ("blocks", "duplicate", "related", "similar"):
            return "!unknown relation type"
        for r in self.relations.values():
            if {r["issueId"], r["relatedIssueId"]} == {issue_id, related_id}:
                return "!these issues are already related"
        relation_id = str(uuid.uuid4())
        self.relations[relation_id] = {
            "id": relation_id,
            "type": kind,
            "issueId": issue_id,
            "relatedIssueId": related_id,
        }
        self._touch(issue_id, related_id)
        return relation_id

    def _touch(self, *issue_ids: str) -> None:
        now = iso(self.now())
        for issue_id in issue_ids:
            if issue_id in self.issues:
                self.issues[issue_id]["updatedAt"] = now

    def _apply(self, issue: dict[str, Any], data: dict[str, Any]) -> str | None:
        if "title" in data:
            if not str(data["title"] or "").strip():
                return "title must not be empty"
            issue["title"] = data["title"]
        if "description" in data:
            issue["description"] = data["description"]
        if "priority" in data:
            if data["priority"] not in (0, 1, 2, 3, 4):
                return "priority must be 0-4"
            issue["priority"] = data["priority"]
        if "dueDate" in data:
            if data["dueDate"] is not None:
                try:
                    date.fromisoformat(data["dueDate"])
                except (TypeError, ValueError):
                    return "dueDate must be a TimelessDate"
            issue["dueDate"] = data["dueDate"]
        if "estimate" in data:
            issue["estimate"] = data["estimate"]
        if "assigneeId" in data:
            if data["assigneeId"] is not None and data["assigneeId"] not in self.users:
                return "assignee not found"
            issue["assignee"] = {"id": data["assigneeId"]} if data["assigneeId"] else None
        if "projectId" in data:
            if data["projectId"] is not None and data["projectId"] not in self.projects:
                return "project not found"
            issue["project"] = {"id": data["projectId"]} if data["projectId"] else None
        if "labelIds" in data:
            if any(x not in self.labels for x in data["labelIds"] or []):
                return "label not found"
            issue["labelIds"] = list(data["labelIds"] or [])
        if "stateId" in data:
            state = next((s for s in STATES if s["id"] == data["stateId"]), None)
            if state is None:
                return "workflow state not found"
            issue["state"] = {k: state[k] for k in ("id", "name", "type")}
        if "parentId" in data:
            parent_id = data["parentId"]
            seen = {issue["id"]}
            up = parent_id
            while up is not None:
                if up not in self.issues:
                    return "parent issue not found"
                if up in seen:
                    return "a sub-issue can't be its own ancestor"
                seen.add(up)
                up = (self.issues[up]["parent"] or {}).get("id")
            issue["parent"] = {"id": parent_id} if parent_id else None
        if "trashed" in data:
            issue["trashed"] = bool(data["trashed"])
            issue["archivedAt"] = iso(self.now()) if data["trashed"] else None
        now = iso(self.now())
        kind = issue["state"]["type"]
        issue["completedAt"] = (issue["completedAt"] or now) if kind == "completed" else None
        issue["canceledAt"] = (issue["canceledAt"] or now) if kind == "canceled" else None
        issue["updatedAt"] = now
        return None

    def _page(self, items: list[dict[str, Any]], variables: dict[str, Any]) -> dict[str, Any]:
        first = min(int(variables.get("first") or self.page_size), 250)
        after = variables.get("after")
        start = int(base64.b64decode(after).decode()) if after else 0
        page = items[start : start + first]
        more = start + first < len(items)
        end = base64.b64encode(str(start + len(page)).encode()).decode()
        return {"nodes": page, "pageInfo": {"hasNextPage": more, "endCursor": end if page else None}}

    # ---- the endpoint
    async def _graphql(self, request: web.Request) -> web.Response:
        body = await request.json()
        op = self._op(body)
        self.operations.append(op)
        variables = body.get("variables") or {}
        handler = getattr(self, f"_op_{op}", None)
        if handler is None:
            return _error(f"Unknown operation {op}", "GRAPHQL_VALIDATION_FAILED", 400)
        with self.lock:
            result: web.Response = handler(variables, str(body.get("query") or ""))
        return result

    @staticmethod
    def _data(data: dict[str, Any]) -> web.Response:
        return web.json_response({"data": data})

    def _op_Viewer(self, v: dict[str, Any], query: str) -> web.Response:
        return self._data({"viewer": self.users["lu-1"]})

    def _op_Teams(self, v: dict[str, Any], query: str) -> web.Response:
        team = {
            **self.team,
            "states": {"nodes": STATES},
            "labels": {"nodes": [{"id": k, "name": n} for k, n in self.labels.items()]},
        }
        return self._data({"teams": self._page([team], v)})

    def _op_Users(self, v: dict[str, Any], query: str) -> web.Response:
        return self._data({"users": self._page(list(self.users.values()), v)})

    def _op_Projects(self, v: dict[str, Any], query: str) -> web.Response:
        return self._data({"projects": self._page(list(self.projects.values()), v)})

    def _op_Project(self, v: dict[str, Any], query: str) -> web.Response:
        project = self.projects.get(v.get("id"))
        return (
            self._data({"project": project})
            if project
            else _error("Entity not found: Project", "INVALID_INPUT")
        )

    def _op_ProjectCreate(self, v: dict[str, Any], query: str) -> web.Response:
        data = v.get("input") or {}
        if not data.get("name") or not data.get("teamIds"):
            return _error("name and teamIds are required", "INVALID_INPUT", 400)
        project = self.add_project(data["name"])
        project["description"] = data.get("description") or ""
        return self._data({"projectCreate": {"success": True, "project": project}})

    def _op_ProjectUpdate(self, v: dict[str, Any], query: str) -> web.Response:
        project = self.projects.get(v.get("id"))
        if project is None:
            return _error("Entity not found: Project", "INVALID_INPUT")
        project.update({k: val for k, val in (v.get("input") or {}).items() if k in ("name", "description")})
        return self._data({"projectUpdate": {"success": True, "project": project}})

    def _op_ProjectDelete(self, v: dict[str, Any], query: str) -> web.Response:
        if self.projects.pop(v.get("id"), None) is None:
            return _error("Entity not found: Project", "INVALID_INPUT")
        return self._data({"projectDelete": {"success": True}})

    def _op_Issues(self, v: dict[str, Any], query: str) -> web.Response:
        flt = v.get("filter") or {}
        items = list(self.issues.values())
        if "includeArchived: true" not in query:
            items = [i for i in items if not i["archivedAt"]]
        team = ((flt.get("team") or {}).get("id") or {}).get("eq")
        if team and team != self.team["id"]:
            items = []
        gt = (flt.get("updatedAt") or {}).get("gt")
        if gt:
            after = datetime.fromisoformat(gt.replace("Z", "+00:00"))
            items = [
                i for i in items if datetime.fromisoformat(i["updatedAt"].replace("Z", "+00:00")) > after
            ]
        items.sort(key=lambda i: (i["updatedAt"], i["id"]))
        return self._data({"issues": self._page([self._render(i) for i in items], v)})

    def _op_Issue(self, v: dict[str, Any], query: str) -> web.Response:
        issue = self.issues.get(v.get("id"))
        if issue is None:
            return _error("Entity not found: Issue", "INVALID_INPUT")
        return self._data({"issue": self._render(issue)})

    def _op_IssueCreate(self, v: dict[str, Any], query: str) -> web.Response:
        data = dict(v.get("input") or {})
        if data.pop("teamId", None) != self.team["id"]:
            return _error("teamId is required", "INVALID_INPUT", 400)
        issue_id = data.pop("id", None) or str(uuid.uuid4())
        if issue_id in self.issues:
            return _error(
                "Argument Validation Error: an issue with this id already exists", "INVALID_INPUT", 400
            )
        issue = self._blank(issue_id)
        error = self._apply(issue, data)
        if error:
            return _error(error, "INVALID_INPUT", 400)
        self.issues[issue_id] = issue
        return self._data({"issueCreate": {"success": True, "issue": self._render(issue)}})

    def _op_IssueUpdate(self, v: dict[str, Any], query: str) -> web.Response:
        issue = self.issues.get(v.get("id"))
        if issue is None:
            return _error("Entity not found: Issue", "INVALID_INPUT")
        error = self._apply(issue, dict(v.get("input") or {}))
        if error:
            return _error(error, "INVALID_INPUT", 400)
        return self._data({"issueUpdate": {"success": True, "issue": self._render(issue)}})

    def _op_IssueDelete(self, v: dict[str, Any], query: str) -> web.Response:
        issue = self.issues.get(v.get("id"))
        if issue is None or issue["trashed"]:
            return _error("Entity not found: Issue", "INVALID_INPUT")
        self.trash_issue(issue["id"])
        return self._data({"issueDelete": {"success": True}})

    def _op_IssueLabelCreate(self, v: dict[str, Any], query: str) -> web.Response:
        data = v.get("input") or {}
        label_id = f"lb-{uuid.uuid4().hex[:8]}"
        self.labels[label_id] = data.get("name") or ""
        return self._data(
            {"issueLabelCreate": {"success": True, "issueLabel": {"id": label_id, "name": data.get("name")}}}
        )

    def _op_IssueRelationCreate(self, v: dict[str, Any], query: str) -> web.Response:
        data = v.get("input") or {}
        made = self._relate(str(data.get("issueId")), str(data.get("relatedIssueId")), str(data.get("type")))
        if made.startswith("!"):
            return _error(made[1:], "INVALID_INPUT", 400)
        relation = {"id": made, "type": self.relations[made]["type"]}
        return self._data({"issueRelationCreate": {"success": True, "issueRelation": relation}})

    def _op_IssueRelationDelete(self, v: dict[str, Any], query: str) -> web.Response:
        relation = self.relations.pop(str(v.get("id")), None)
        if relation is None:
            return _error("Entity not found: IssueRelation", "INVALID_INPUT")
        self._touch(relation["issueId"], relation["relatedIssueId"])
        return self._data({"issueRelationDelete": {"success": True}})
