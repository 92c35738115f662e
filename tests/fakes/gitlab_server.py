"""A loopback fake of GitLab's REST v4 API (api-facts §3) under ``/api/v4``.

Reproduced: ``PRIVATE-TOKEN`` (or Bearer) auth with ``{"message": "401 Unauthorized"}``; a project by id or
URL-encoded path; issues by ``iid``; labels as a comma-separated string in (``labels``, ``add_labels``,
``remove_labels``) and an array out, created on first use; ``state_event`` close/reopen; offset pages
(``page``/``per_page``, ``x-next-page`` empty on the last page, ``x-total``); ``updated_after``,
``state``, ``search``, ``order_by=updated_at&sort=asc``; validation errors as ``{"message": {field: [..]}}``;
deleting an issue only for owners (403 otherwise); a rate limit answered **429 with the plain-text body
``Retry later``** and, every other time, no ``Retry-After``; and the shared faults. Issue links:
``GET|POST /issues/:iid/links`` (``target_project_id``, ``target_issue_iid``, ``link_type`` relates_to, blocks
or is_blocked_by; one link per pair) and ``DELETE /issues/:iid/links/:issue_link_id``; a listing shows each
linked issue with ``issue_link_id`` and the ``link_type`` seen from the issue asked about. A link change
touches both issues' ``updated_at`` (GitLab notes it on both; unconfirmed whether that moves ``updated_at``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from aiohttp import web

from tests.fakes.http_faults import FaultPlan
from tests.fakes.tracker_fake import TrackerFake, iso

PROJECT_ID = 42
PROJECT_PATH = "team/app"


def _labels(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(x).strip() for x in value if str(x).strip()]
    return [x.strip() for x in str(value or "").split(",") if x.strip()]


class GitLabFake(TrackerFake):
    prefix = "/api/v4"

    def __init__(
        self,
        api_key: str = "glpat-test-0123456789abcdef",
        *,
        rate_limit: int = 40,
        window: float = 60.0,
        page_size: int = 20,
        owner: bool = True,
        faults: FaultPlan | None = None,
    ) -> None:
        super().__init__(api_key, rate_limit=rate_limit, window=window, page_size=page_size, faults=faults)
        self.owner = owner  # may this token delete issues?
        self.users = {
            7: {"id": 7, "username": "alice", "name": "Alice GitLab", "public_email": "alice@example.com"},
            8: {"id": 8, "username": "bob", "name": "Bob GitLab"},
        }
        self.labels: dict[str, dict[str, Any]] = {"Bug": {"id": 1, "name": "Bug"}}
        self.milestones: dict[int, dict[str, Any]] = {}
        self.issues: dict[int, dict[str, Any]] = {}
        self.links: dict[int, dict[str, Any]] = {}  # id -> {id, source, target, link_type}
        self._iid = 0
        self._id = 1000
        self._limited = 0

    # ---- wire answers
    def routes(self, router: web.UrlDispatcher) -> None:
        p = "/api/v4/projects/{pid}"
        router.add_get("/api/v4/user", self._me)
        router.add_get(p, self._project)
        router.add_get(p + "/labels", self._list_labels)
        router.add_get(p + "/members/all", self._members)
        router.add_get(p + "/milestones", self._list_milestones)
        router.add_post(p + "/milestones", self._create_milestone)
        router.add_get(p + "/milestones/{mid}", self._get_milestone)
        router.add_put(p + "/milestones/{mid}", self._update_milestone)
        router.add_delete(p + "/milestones/{mid}", self._delete_milestone)
        router.add_get(p + "/issues", self._list_issues)
        router.add_post(p + "/issues", self._create_issue)
        router.add_get(p + "/issues/{iid}", self._get_issue)
        router.add_put(p + "/issues/{iid}", self._update_issue)
        router.add_delete(p + "/issues/{iid}", self._delete_issue)
        router.add_get(p + "/issues/{iid}/links", self._list_links)
        router.add_post(p + "/issues/{iid}/links", self._create_link)
        router.add_delete(p + "/issues/{iid}/links/{link_id}", self._delete_link)

    def authorized(self, request: web.Request) -> bool:
        token = request.headers.get("PRIVATE-TOKEN") or request.headers.get("Authorization", "").removeprefix(
            "Bearer "
        )
        return token == self.api_key

    def rate_limited(self, wait: float) -> web.Response:
        self._limited += 1
        # The documented quirk: plain text, and the header is sometimes missing.
        headers = {"Retry-After": str(max(1, round(wait)))} if self._limited % 2 else {}
        if self.window < 5:  # time-scaled tests: a whole second would be an eternity
            headers = {"Retry-After": f"{wait:.3f}"} if self._limited % 2 else {}
        return web.Response(status=429, text="Retry later", headers=headers)

    # ---- what a GitLab user does in the app
    def add_issue(self, title: str, **fields: Any) -> dict[str, Any]:
        with self.lock:
            issue = self._blank()
            error = self._apply(issue, {"title": title, **fields})
            assert error is None, error
            self.issues[issue["iid"]] = issue
            return issue

    def edit_issue(self, iid: int, **fields: Any) -> dict[str, Any]:
        with self.lock:
            error = self._apply(self.issues[iid], fields)
            assert error is None, error
            return self.issues[iid]

    def delete_issue(self, iid: int) -> None:
        with self.lock:
            del self.issues[iid]
            self.links = {k: v for k, v in self.links.items() if iid not in (v["source"], v["target"])}

    def link(self, source: int, target: int, link_type: str = "blocks") -> int:
        """``source`` ``link_type`` ``target`` (e.g. 1 blocks 2), as a GitLab user links them; the link id."""
        with self.lock:
            made = self._link(source, target, link_type)
            assert isinstance(made, int), made
            return made

    def blockers(self, iid: int) -> set[int]:
        """The issues blocking ``iid``."""
        return {x["iid"] for x in self._linked(iid) if x["link_type"] == "is_blocked_by"}

    def _link(self, source: int, target: int, link_type: str) -> int | str:
        if source not in self.issues or target not in self.issues:
            return "404 Issue Not Found"
        if source == target or link_type not in ("relates_to", "blocks", "is_blocked_by"):
            return "400 (Bad request) invalid link"
        if link_type == "is_blocked_by":  # stored as the other issue blocking this one
            source, target, link_type = target, source, "blocks"
        if any({v["source"], v["target"]} == {source, target} for v in self.links.values()):
            return "409 Issue(s) already assigned"
        self._id += 1
        self.links[self._id] = {"id": self._id, "source": source, "target": target, "link_type": link_type}
        self._touch(source, target)
        return self._id

    def _linked(self, iid: int) -> list[dict[str, Any]]:
        """The issues linked to ``iid``, as ``GET /issues/:iid/links`` shows them."""
        out = []
        for v in self.links.values():
            if iid not in (v["source"], v["target"]):
                continue
            other = v["target"] if v["source"] == iid else v["source"]
            kind = v["link_type"]
            if kind == "blocks" and v["target"] == iid:
                kind = "is_blocked_by"
            issue = self.issues[other]
            out.append({**issue, "issue_link_id": v["id"], "link_type": kind})
        return out

    def _touch(self, *iids: int) -> None:
        now = iso(self.now())
        for iid in iids:
            if iid in self.issues:
                self.issues[iid]["updated_at"] = now

    def add_milestone(self, title: str) -> dict[str, Any]:
        with self.lock:
            self._id += 1
            m = {
                "id": self._id,
                "iid": len(self.milestones) + 1,
                "project_id": PROJECT_ID,
                "title": title,
                "description": "",
                "state": "active",
                "due_date": None,
            }
            self.milestones[m["id"]] = m
            return m

    def live(self) -> list[dict[str, Any]]:
        return [i for i in self.issues.values() if "orchestrator::deleted" not in i["labels"]]

    # ---- model
    def _blank(self) -> dict[str, Any]:
        self._iid += 1
        self._id += 1
        now = iso(self.now())
        return {
            "id": self._id,
            "iid": self._iid,
            "project_id": PROJECT_ID,
            "title": "",
            "description": None,
            "state": "opened",
            "created_at": now,
            "updated_at": now,
            "closed_at": None,
            "labels": [],
            "milestone": None,
            "assignees": [],
            "assignee": None,
            "author": self.users[7],
            "due_date": None,
            "web_url": f"https://gitlab.example/{PROJECT_PATH}/-/issues/{self._iid}",
            "references": {"short": f"#{self._iid}"},
        }

    def _apply(self, issue: dict[str, Any], data: dict[str, Any]) -> str | dict[str, Any] | None:
        if "title" in data:
            if not str(data["title"] or "").strip():
                return {"title": ["can't be blank"]}
            issue["title"] = data["title"]
        if "description" in data:
            issue["description"] = data["description"]
        labels = list(issue["labels"])
        if "labels" in data:
            labels = _labels(data["labels"])
        labels += [x for x in _labels(data.get("add_labels")) if x not in labels]
        removed = set(_labels(data.get("remove_labels")))
        issue["labels"] = sorted({x for x in labels if x not in removed}, key=str.lower)
        for name in issue["labels"]:
            self.labels.setdefault(name, {"id": len(self.labels) + 1, "name": name})
        if "due_date" in data:
            if data["due_date"]:
                try:
                    date.fromisoformat(data["due_date"])
                except (TypeError, ValueError):
                    return {"due_date": ["is not a valid date"]}
            issue["due_date"] = data["due_date"] or None
        if "assignee_ids" in data:
            ids = [int(x) for x in data["assignee_ids"] or [] if int(x)]
            if any(x not in self.users for x in ids):
                return "404 User Not Found"
            issue["assignees"] = [self.users[x] for x in ids]
            issue["assignee"] = issue["assignees"][0] if ids else None
        if "milestone_id" in data:
            mid = int(data["milestone_id"] or 0)
            if mid and mid not in self.milestones:
                return "404 Milestone Not Found"
            issue["milestone"] = self.milestones.get(mid)
        event = data.get("state_event")
        now = iso(self.now())
        if event == "close" and issue["state"] == "opened":
            issue["state"], issue["closed_at"] = "closed", now
        elif event == "reopen" and issue["state"] == "closed":
            issue["state"], issue["closed_at"] = "opened", None
        issue["updated_at"] = now
        return None

    def _paged(self, request: web.Request, items: list[dict[str, Any]]) -> web.Response:
        page = max(int(request.query.get("page", "1")), 1)
        per_page = min(int(request.query.get("per_page", str(self.page_size))), 100)
        chunk = items[(page - 1) * per_page : page * per_page]
        more = page * per_page < len(items)
        headers = {
            "x-page": str(page),
            "x-per-page": str(per_page),
            "x-total": str(len(items)),
            "x-total-pages": str(max(1, -(-len(items) // per_page))),
            "x-next-page": str(page + 1) if more else "",
        }
        return web.json_response(chunk, headers=headers)

    def _project_ok(self, request: web.Request) -> bool:
        return request.match_info["pid"] in (str(PROJECT_ID), PROJECT_PATH)

    @staticmethod
    def _not_found(what: str) -> web.Response:
        return web.json_response({"message": f"404 {what} Not Found"}, status=404)

    @staticmethod
    async def _body(request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            data = await request.json()
            return data if isinstance(data, dict) else {}
        return dict(await request.post())

    # ---- handlers
    async def _me(self, request: web.Request) -> web.Response:
        return web.json_response({**self.users[7], "email": "alice@example.com"})

    async def _project(self, request: web.Request) -> web.Response:
        if not self._project_ok(request):
            return self._not_found("Project")
        return web.json_response({"id": PROJECT_ID, "path_with_namespace": PROJECT_PATH, "name": "app"})

    async def _list_labels(self, request: web.Request) -> web.Response:
        return self._paged(request, list(self.labels.values()))

    async def _members(self, request: web.Request) -> web.Response:
        return self._paged(request, list(self.users.values()))

    async def _list_milestones(self, request: web.Request) -> web.Response:
        items = [m for m in self.milestones.values() if m["state"] == request.query.get("state", m["state"])]
        if request.query.get("title"):
            items = [m for m in items if m["title"] == request.query["title"]]
        return self._paged(request, items)

    async def _create_milestone(self, request: web.Request) -> web.Response:
        data = await self._body(request)
        if not data.get("title"):
            return web.json_response({"message": '400 (Bad request) "title" not given'}, status=400)
        m = self.add_milestone(str(data["title"]))
        m["description"] = data.get("description") or ""
        return web.json_response(m, status=201)

    async def _get_milestone(self, request: web.Request) -> web.Response:
        m = self.milestones.get(int(request.match_info["mid"]))
        return web.json_response(m) if m else self._not_found("Milestone")

    async def _update_milestone(self, request: web.Request) -> web.Response:
        m = self.milestones.get(int(request.match_info["mid"]))
        if m is None:
            return self._not_found("Milestone")
        data = await self._body(request)
        m.update({k: v for k, v in data.items() if k in ("title", "description")})
        return web.json_response(m)

    async def _delete_milestone(self, request: web.Request) -> web.Response:
        if self.milestones.pop(int(request.match_info["mid"]), None) is None:
            return self._not_found("Milestone")
        return web.Response(status=204)

    async def _list_issues(self, request: web.Request) -> web.Response:
        if not self._project_ok(request):
            return self._not_found("Project")
        q = request.query
        items = list(self.issues.values())
        if q.get("state", "opened") != "all":
            items = [i for i in items if i["state"] == q.get("state", "opened")]
        if q.get("updated_after"):
            after = datetime.fromisoformat(q["updated_after"].replace("Z", "+00:00"))
            items = [
                i for i in items if datetime.fromisoformat(i["updated_at"].replace("Z", "+00:00")) >= after
            ]
        if q.get("search"):
            items = [i for i in items if q["search"].lower() in i["title"].lower()]
        key = "updated_at" if q.get("order_by") == "updated_at" else "created_at"
        items.sort(key=lambda i: (i[key], i["iid"]), reverse=q.get("sort", "desc") == "desc")
        return self._paged(request, items)

    async def _create_issue(self, request: web.Request) -> web.Response:
        if not self._project_ok(request):
            return self._not_found("Project")
        data = await self._body(request)
        if not data.get("title"):
            return web.json_response({"message": '400 (Bad request) "title" not given'}, status=400)
        with self.lock:
            issue = self._blank()
            error = self._apply(issue, data)
            if error:
                return web.json_response({"message": error}, status=400)
            self.issues[issue["iid"]] = issue
        return web.json_response(issue, status=201)

    async def _get_issue(self, request: web.Request) -> web.Response:
        issue = self.issues.get(int(request.match_info["iid"]))
        return web.json_response(issue) if issue else self._not_found("Issue")

    async def _update_issue(self, request: web.Request) -> web.Response:
        data = await self._body(request)
        with self.lock:
            issue = self.issues.get(int(request.match_info["iid"]))
            if issue is None:
                return self._not_found("Issue")
            if not data:
                return web.json_response({"message": "400 (Bad request) at least one parameter"}, status=400)
            error = self._apply(issue, data)
        return web.json_response({"message": error}, status=400) if error else web.json_response(issue)

    async def _delete_issue(self, request: web.Request) -> web.Response:
        if not self.owner:
            return web.json_response({"message": "403 Forbidden"}, status=403)
        with self.lock:
            if self.issues.pop(int(request.match_info["iid"]), None) is None:
                return self._not_found("Issue")
        return web.Response(status=204)

    async def _list_links(self, request: web.Request) -> web.Response:
        iid = int(request.match_info["iid"])
        if iid not in self.issues:
            return self._not_found("Issue")
        return web.json_response(self._linked(iid))  # not paginated

    async def _create_link(self, request: web.Request) -> web.Response:
        data = {**request.query, **(await self._body(request))}
        if str(data.get("target_project_id")) not in (str(PROJECT_ID), PROJECT_PATH):
            return self._not_found("Project")
        try:
            target = int(data.get("target_issue_iid") or 0)
        except ValueError:
            return web.json_response({"message": "400 (Bad request) target_issue_iid"}, status=400)
        with self.lock:
            kind = str(data.get("link_type") or "relates_to")
            made = self._link(int(request.match_info["iid"]), target, kind)
            if isinstance(made, str):
                return web.json_response({"message": made}, status=int(made[:3]))
            link = self.links[made]
        body = {
            "source_issue": self.issues[link["source"]],
            "target_issue": self.issues[link["target"]],
            "link_type": link["link_type"],
        }
        return web.json_response(body, status=201)

    async def _delete_link(self, request: web.Request) -> web.Response:
        iid, link_id = int(request.match_info["iid"]), int(request.match_info["link_id"])
        with self.lock:
            link = self.links.get(link_id)
            if link is None or iid not in (link["source"], link["target"]):
                return self._not_found("Issue Link")
            del self.links[link_id]
            self._touch(link["source"], link["target"])
        return web.json_response({"source_issue": self.issues.get(iid), "link_type": link["link_type"]})
