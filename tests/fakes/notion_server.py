"""A loopback fake of Notion's API (api-facts §4, ``Notion-Version: 2022-06-28``) under ``/v1``.

Reproduced: Bearer auth and a required ``Notion-Version`` (400 ``missing_version``); errors as
``{"object": "error", "status", "code", "message"}``; a database whose property names are configurable;
``POST /databases/{id}/query`` with the ``last_edited_time`` timestamp filter, a title ``equals`` filter and
timestamp sorts, ``start_cursor``/``page_size`` (≤ 100) → ``has_more``/``next_cursor``; archived pages
left out of queries and refusing edits; **``last_edited_time`` rounded down to the minute**; rich text
over 2,000 characters, unknown properties, unknown status names and commas in select options refused; new
select options created on first use; 429 ``rate_limited`` with ``Retry-After``; and the shared faults.
Structure: two self-relations, "Parent item" and "Blocked by" (as Notion's sub-items and dependencies make
them), values ``{"relation": [{"id"}], "has_more": false}``; a related page must exist; ``structure=False``
leaves them out of the database.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from tests.fakes.http_faults import FaultPlan
from tests.fakes.tracker_fake import TrackerFake, iso

DATABASE_ID = "d9b1c0de-0000-4000-8000-00000000db01"
BOT_ID = "b0700000-0000-4000-8000-000000000b07"
STATUS_OPTIONS = [
    ("Not started", "To-do"),
    ("In progress", "In progress"),
    ("Blocked", "In progress"),
    ("Done", "Complete"),
    ("Cancelled", "Complete"),
]


def _error(status: int, code: str, message: str) -> web.Response:
    body = {
        "object": "error",
        "status": status,
        "code": code,
        "message": message,
        "request_id": str(uuid.uuid4()),
    }
    return web.json_response(body, status=status)


def _text(value: str) -> list[dict[str, Any]]:
    return [{"type": "text", "text": {"content": value, "link": None}, "plain_text": value}] if value else []


class NotionFake(TrackerFake):
    prefix = "/v1"

    def __init__(
        self,
        api_key: str = "secret_notion_test_0123456789",
        *,
        rate_limit: int = 30,
        window: float = 10.0,
        page_size: int = 100,
        names: dict[str, str] | None = None,
        minute_precision: bool = True,
        structure: bool = True,
        faults: FaultPlan | None = None,
    ) -> None:
        super().__init__(api_key, rate_limit=rate_limit, window=window, page_size=page_size, faults=faults)
        n = {
            "title": "Name",
            "status": "Status",
            "priority": "Priority",
            "due": "Due",
            "assignee": "Assignee",
            "tags": "Tags",
            "description": "Description",
            "project": "Project",
            "estimate": "Estimate",
            "parent": "Parent item",
            "blocked_by": "Blocked by",
            **(names or {}),
        }
        self.names = n
        self.minute_precision = minute_precision
        self.schema: dict[str, dict[str, Any]] = {
            n["title"]: {"id": "title", "type": "title", "title": {}},
            n["status"]: {
                "id": "st",
                "type": "status",
                "status": {
                    "options": [{"id": f"so{i}", "name": name} for i, (name, _) in enumerate(STATUS_OPTIONS)],
                    "groups": [
                        {
                            "name": g,
                            "option_ids": [f"so{i}" for i, (_, gg) in enumerate(STATUS_OPTIONS) if gg == g],
                        }
                        for g in ("To-do", "In progress", "Complete")
                    ],
                },
            },
            n["priority"]: {
                "id": "pr",
                "type": "select",
                "select": {
                    "options": [{"name": "Urgent"}, {"name": "High"}, {"name": "Medium"}, {"name": "Low"}]
                },
            },
            n["due"]: {"id": "du", "type": "date", "date": {}},
            n["assignee"]: {"id": "as", "type": "people", "people": {}},
            n["tags"]: {"id": "tg", "type": "multi_select", "multi_select": {"options": [{"name": "Bug"}]}},
            n["description"]: {"id": "de", "type": "rich_text", "rich_text": {}},
            n["project"]: {"id": "pj", "type": "select", "select": {"options": []}},
            n["estimate"]: {"id": "es", "type": "number", "number": {"format": "number"}},
        }
        if structure:
            for key, prop_id in (("parent", "pa"), ("blocked_by", "bb")):
                relation = {"database_id": DATABASE_ID, "type": "dual_property", "dual_property": {}}
                self.schema[n[key]] = {"id": prop_id, "type": "relation", "relation": relation}
        self.people = {
            "5e000000-0000-4000-8000-0000000000a1": {"name": "Alice Notion", "email": "alice@example.com"},
            "5e000000-0000-4000-8000-0000000000b2": {"name": "Bob Notion", "email": "bob@example.com"},
        }
        self.pages: dict[str, dict[str, Any]] = {}
        self._order: list[str] = []

    # ---- wire answers
    def routes(self, router: web.UrlDispatcher) -> None:
        router.add_get("/v1/users/me", self._me)
        router.add_get("/v1/users", self._users)
        router.add_get("/v1/databases/{id}", self._database)
        router.add_post("/v1/databases/{id}/query", self._query)
        router.add_post("/v1/pages", self._create)
        router.add_get("/v1/pages/{id}", self._get)
        router.add_patch("/v1/pages/{id}", self._patch)

    def authorized(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bearer {self.api_key}"

    def unauthorized(self) -> web.Response:
        return _error(401, "unauthorized", "API token is invalid.")

    def rate_limited(self, wait: float) -> web.Response:
        response = _error(
            429, "rate_limited", "You have been rate limited. Please try again in a few minutes."
        )
        response.headers["Retry-After"] = f"{wait:.3f}"
        return response

    def server_error(self) -> web.Response:
        return _error(503, "service_unavailable", "Notion is unavailable, please try again later.")

    # ---- what a Notion user does in the app
    def add_page(self, title: str, **values: Any) -> dict[str, Any]:
        with self.lock:
            page = self._blank()
            error = self._apply(page, {self.names["title"]: {"title": _text(title)}, **self._props(values)})
            assert error is None, error
            self.pages[page["id"]] = page
            self._order.append(page["id"])
            return page

    def edit_page(self, page_id: str, **values: Any) -> dict[str, Any]:
        with self.lock:
            error = self._apply(self.pages[page_id], self._props(values))
            assert error is None, error
            return self.pages[page_id]

    def archive_page(self, page_id: str) -> None:
        with self.lock:
            self.pages[page_id]["archived"] = True
            self._touch(self.pages[page_id])

    def _props(self, values: dict[str, Any]) -> dict[str, Any]:
        """Friendly keyword values (title=, status=, priority=, tags=[…]) as wire property values."""
        out: dict[str, Any] = {}
        for key, value in values.items():
            name = self.names[key]
            kind = self.schema[name]["type"]
            if kind in ("title", "rich_text"):
                out[name] = {kind: _text(value)}
            elif kind in ("select", "status"):
                out[name] = {kind: {"name": value} if value else None}
            elif kind == "multi_select":
                out[name] = {kind: [{"name": v} for v in value]}
            elif kind == "date":
                out[name] = {kind: {"start": value, "end": None} if value else None}
            elif kind == "people":
                out[name] = {kind: [{"object": "user", "id": v} for v in value]}
            elif kind == "relation":
                out[name] = {kind: [{"id": v} for v in value]}
            else:
                out[name] = {kind: value}
        return out

    def live(self) -> list[dict[str, Any]]:
        return [p for p in self.pages.values() if not p["archived"]]

    def value(self, page_id: str, key: str) -> Any:
        prop = self.pages[page_id]["properties"][self.names[key]]
        return prop[prop["type"]]

    def related(self, page_id: str, key: str) -> list[str]:
        """The page ids in a relation property (``parent`` or ``blocked_by``)."""
        return [x["id"] for x in self.value(page_id, key)]

    def title(self, page_id: str) -> str:
        return "".join(x["plain_text"] for x in self.value(page_id, "title"))

    # ---- model
    def _stamp(self) -> str:
        now = self.now()
        if self.minute_precision:
            now = now.replace(second=0, microsecond=0)
        return iso(now)

    def _touch(self, page: dict[str, Any]) -> None:
        page["last_edited_time"] = self._stamp()
        page["last_edited_by"] = {"object": "user", "id": BOT_ID}

    def _blank(self) -> dict[str, Any]:
        page_id = str(uuid.uuid4())
        now = self._stamp()
        props = {
            name: {"id": p["id"], "type": p["type"], p["type"]: self._empty(p["type"])}
            for name, p in self.schema.items()
        }
        return {
            "object": "page",
            "id": page_id,
            "created_time": now,
            "last_edited_time": now,
            "created_by": {"object": "user", "id": BOT_ID},
            "last_edited_by": {"object": "user", "id": BOT_ID},
            "parent": {"type": "database_id", "database_id": DATABASE_ID},
            "archived": False,
            "in_trash": False,
            "properties": props,
            "url": f"https://www.notion.so/{page_id.replace('-', '')}",
        }

    @staticmethod
    def _empty(kind: str) -> Any:
        return [] if kind in ("title", "rich_text", "multi_select", "people", "relation") else None

    def _apply(self, page: dict[str, Any], props: dict[str, Any]) -> str | None:
        for name, value in props.items():
            spec = self.schema.get(name)
            if spec is None:
                return f"{name} is not a property that exists."
            kind = spec["type"]
            if not isinstance(value, dict) or kind not in value:
                return f"body.properties.{name}.{kind} should be defined."
            v = value[kind]
            if kind in ("title", "rich_text"):
                if any(len((x.get("text") or {}).get("content") or "") > 2000 for x in v or []):
                    return f"body.properties.{name}.{kind}[0].text.content.length should be ≤ 2000."
                v = [{**x, "plain_text": (x.get("text") or {}).get("content", "")} for x in v or []]
            elif kind == "status" and v is not None:
                if v.get("name") not in [o["name"] for o in spec["status"]["options"]]:
                    return f'Invalid status option. Status option "{v.get("name")}" does not exist.'
            elif kind in ("select", "multi_select") and v is not None:
                for option in v if kind == "multi_select" else [v]:
                    if "," in str(option.get("name")):
                        return "Select option names can't contain commas."
                    if option.get("name") not in [o["name"] for o in spec[kind]["options"]]:
                        spec[kind]["options"].append({"name": option.get("name")})
            elif kind == "people":
                if any(p.get("id") not in self.people for p in v or []):
                    return "Could not find user."
                v = [{"object": "user", "id": p["id"]} for p in v or []]
            elif kind == "relation":
                if any(not isinstance(x, dict) or x.get("id") not in self.pages for x in v or []):
                    return f"Could not find a related page in {name}."
                v = [{"id": x["id"]} for x in v or []]
                page["properties"][name]["has_more"] = False
            page["properties"][name][kind] = v
        self._touch(page)
        return None

    # ---- handlers
    async def _check_version(self, request: web.Request) -> web.Response | None:
        if not request.headers.get("Notion-Version"):
            return _error(
                400, "missing_version", "Notion-Version header failed validation: should be defined."
            )
        return None

    async def _me(self, request: web.Request) -> web.Response:
        return await self._check_version(request) or web.json_response(
            {"object": "user", "id": BOT_ID, "type": "bot", "name": "Orchestrator", "bot": {}}
        )

    async def _users(self, request: web.Request) -> web.Response:
        if bad := await self._check_version(request):
            return bad
        users = [
            {
                "object": "user",
                "id": uid,
                "type": "person",
                "name": p["name"],
                "person": {"email": p["email"]},
            }
            for uid, p in self.people.items()
        ] + [{"object": "user", "id": BOT_ID, "type": "bot", "name": "Orchestrator", "bot": {}}]
        return web.json_response(
            self._list(users, request.query.get("start_cursor"), int(request.query.get("page_size", "100")))
        )

    def _list(self, items: list[dict[str, Any]], cursor: str | None, size: int) -> dict[str, Any]:
        size = min(max(size, 1), 100, self.page_size)
        start = next((i for i, x in enumerate(items) if x["id"] == cursor), 0) if cursor else 0
        chunk = items[start : start + size]
        more = start + size < len(items)
        return {
            "object": "list",
            "results": chunk,
            "has_more": more,
            "next_cursor": items[start + size]["id"] if more else None,
        }

    async def _database(self, request: web.Request) -> web.Response:
        if bad := await self._check_version(request):
            return bad
        if request.match_info["id"] != DATABASE_ID:
            return _error(404, "object_not_found", "Could not find database.")
        return web.json_response(
            {"object": "database", "id": DATABASE_ID, "title": _text("Tasks"), "properties": self.schema}
        )

    async def _query(self, request: web.Request) -> web.Response:
        if bad := await self._check_version(request):
            return bad
        if request.match_info["id"] != DATABASE_ID:
            return _error(404, "object_not_found", "Could not find database.")
        body = await request.json()
        items = [self.pages[i] for i in self._order if not self.pages[i]["archived"]]
        flt = body.get("filter") or {}
        if flt.get("timestamp") == "last_edited_time":
            after = datetime.fromisoformat(flt["last_edited_time"]["on_or_after"].replace("Z", "+00:00"))
            items = [
                p
                for p in items
                if datetime.fromisoformat(p["last_edited_time"].replace("Z", "+00:00"))
                >= after.astimezone(UTC)
            ]
        elif flt.get("property") == self.names["title"]:
            wanted = flt["title"]["equals"]
            items = [
                p
                for p in items
                if "".join(x["plain_text"] for x in p["properties"][self.names["title"]]["title"]) == wanted
            ]
        for sort in body.get("sorts") or []:
            items.sort(key=lambda p: p[sort["timestamp"]], reverse=sort.get("direction") == "descending")
        return web.json_response(
            self._list(items, body.get("start_cursor"), int(body.get("page_size") or 100))
        )

    async def _create(self, request: web.Request) -> web.Response:
        if bad := await self._check_version(request):
            return bad
        body = await request.json()
        if (body.get("parent") or {}).get("database_id") != DATABASE_ID:
            return _error(404, "object_not_found", "Could not find database.")
        with self.lock:
            page = self._blank()
            error = self._apply(page, body.get("properties") or {})
            if error:
                return _error(400, "validation_error", error)
            self.pages[page["id"]] = page
            self._order.append(page["id"])
        return web.json_response(page)

    async def _get(self, request: web.Request) -> web.Response:
        if bad := await self._check_version(request):
            return bad
        page = self.pages.get(request.match_info["id"])
        return web.json_response(page) if page else _error(404, "object_not_found", "Could not find page.")

    async def _patch(self, request: web.Request) -> web.Response:
        if bad := await self._check_version(request):
            return bad
        body = await request.json()
        with self.lock:
            page = self.pages.get(request.match_info["id"])
            if page is None:
                return _error(404, "object_not_found", "Could not find page.")
            if page["archived"]:
                return _error(
                    400,
                    "validation_error",
                    "Can't edit block that is archived. You must unarchive the block before editing.",
                )
            error = self._apply(page, body.get("properties") or {})
            if error:
                return _error(400, "validation_error", error)
            if body.get("archived") or body.get("in_trash"):
                page["archived"] = True
        return web.json_response(page)
