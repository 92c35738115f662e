"""Notion (api.notion.com/v1, ``Notion-Version: 2022-06-28`` pinned) as an ``IntegrationClient``
(api-facts §4).

One integration syncs one database: its pages are the tasks, mapped through configurable property names
(``notion_mapping``); the options of its "Project" select are the containers. Cursor pages of 100;
incremental pulls filter ``last_edited_time`` on or after the cursor (Notion rounds that time down to the
minute, so the cursor is too); deletes archive the page. 3 requests per second on average.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from core.errors import ConfigurationError, NotFoundError, ValidationError
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
from integrations.http import RateLimit, RetryPolicy, VendorHTTP
from integrations.notion_mapping import NotionSchema, normalize, page_from_wire, page_properties
from integrations.sync_cursor import FULL_EVERY, MARGIN, Listing, SyncCursor
from integrations.types import notion as wire
from integrations.wire_fields import parse_time

DEFAULT_BASE_URL = "https://api.notion.com/v1"
NOTION_VERSION = "2022-06-28"  # pinned: 2025-09-03 moves queries to data sources
NOTION_RATE = RateLimit(requests=3, per_seconds=1.0)
PAGE_SIZE = 100


def _gone(page: wire.Page) -> bool:
    """Archived or in the trash: deleted, for the sync."""
    return page["archived"] or page.get("in_trash", False)


def _minute(when: datetime) -> datetime:
    return when.replace(second=0, microsecond=0)


class NotionClient(VendorClient):
    """Speaks Notion's REST API for one database; everything it returns is neutral."""

    kind = IntegrationType.notion

    def __init__(
        self,
        token: str,
        *,
        database: str | None,
        properties: Mapping[str, str] | None = None,
        base_url: str | None = None,
        http: httpx.AsyncClient | None = None,
        rate: RateLimit = NOTION_RATE,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        page_size: int = PAGE_SIZE,
        full_every: timedelta = FULL_EVERY,
        cursor_margin: timedelta = MARGIN,
    ) -> None:
        if not token:
            raise ConfigurationError(
                "Notion needs an integration token.",
                hint="Create an internal integration at notion.so/my-integrations.",
            )
        if not database:
            raise ConfigurationError(
                "Notion needs a database.",
                hint="Give its id (`--workspace <database id>`) and share it with the integration.",
            )
        self._http = VendorHTTP(
            "Notion",
            base_url or DEFAULT_BASE_URL,
            {"Authorization": f"Bearer {token}", "Notion-Version": NOTION_VERSION},
            rate=rate,
            client=http,
            timeout=timeout,
            retry=retry,
        )
        self._database = database
        self._names = dict(properties or {})
        self._page = min(page_size, 100)
        self._full_every = full_every
        self._margin = cursor_margin
        self._schema: NotionSchema | None = None
        self._me: str | None = None

    @property
    def schema(self) -> NotionSchema:
        return self._loaded(self._schema, "Notion database")

    async def _json(self, method: str, path: str, body: Any = None, *, idempotent: bool | None = None) -> Any:
        response = await self._http.request(method, path, json=body, idempotent=idempotent)
        return self._http.json_of(response)

    async def _query(self, body: dict[str, Any]) -> AsyncIterator[tuple[list[Any], httpx.Response]]:
        """Pages of a database query (``start_cursor``, ``has_more``, ``next_cursor``); a query is a read."""
        cursor: str | None = None
        seen: set[str] = set()
        while True:
            payload = {**body, "page_size": self._page, **({"start_cursor": cursor} if cursor else {})}
            response = await self._http.request(
                "POST", f"/databases/{self._database}/query", json=payload, idempotent=True
            )
            data: wire.ListResponse = self._http.json_of(response)
            yield data["results"], response
            cursor = data["next_cursor"]
            if not data["has_more"] or not cursor or cursor in seen:
                return
            seen.add(cursor)

    async def prepare(self) -> None:
        """Read the database's properties (and who the integration's bot user is)."""
        try:
            db = await self._json("GET", f"/databases/{self._database}")
        except NotFoundError:
            raise NotFoundError(
                f"Notion has no database `{self._database}` shared with this integration.",
                hint="Open the database in Notion → ⋯ → Connections → add the integration.",
            ) from None
        self._schema = NotionSchema.from_wire(db, self._names)
        self.structure = self._schema.structure
        if "title" not in self._schema.props:
            raise ValidationError("That Notion database has no title property.")

    async def current_user(self) -> RemoteUser:
        me: wire.User = await self._json("GET", "/users/me")
        self._me = me["id"]
        return RemoteUser(me["id"], me.get("name") or "", None)

    async def list_users(self) -> list[RemoteUser]:
        users: list[RemoteUser] = []
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"page_size": self._page, **({"start_cursor": cursor} if cursor else {})}
            data: wire.ListResponse = await self._http.get_json("/users", params)
            people: list[wire.User] = data["results"]
            for u in people:
                if u.get("type") == "person":  # bots have no email and own no tasks
                    email = u.get("person", {}).get("email")
                    users.append(RemoteUser(u["id"], u.get("name") or "", email))
            cursor = data["next_cursor"]
            if not data["has_more"] or not cursor:
                return users

    async def list_containers(self) -> list[RemoteContainer]:
        return [RemoteContainer(name, name) for name in self.schema.project_options]

    async def get_container(self, remote_id: str) -> RemoteContainer | None:
        return RemoteContainer(remote_id, remote_id) if remote_id in self.schema.project_options else None

    async def create_container(self, name: str, description: str = "") -> RemoteContainer:
        # A select option: Notion creates it when a page first uses it, so nothing is sent now.
        return RemoteContainer(name.replace(",", " "), name.replace(",", " "), description)

    async def update_container(self, remote_id: str, name: str, description: str = "") -> RemoteContainer:
        raise ValidationError(
            "Renaming a Notion select option isn't possible through the API.",
            hint="Rename the option in the database in Notion.",
        )

    async def delete_container(self, remote_id: str) -> None:
        return None  # an option nobody uses is harmless; Notion's API can't remove one from a page's view

    async def changes_since(self, cursor: str | None, progress: Progress | None = None) -> ChangeSet:
        """Pages edited since the cursor (all on a full listing); archived pages never show in a query."""
        state = SyncCursor.parse(cursor)
        full = state.wants_full(datetime.now(UTC), self._full_every)
        body: dict[str, Any] = {"sorts": [{"timestamp": "last_edited_time", "direction": "ascending"}]}
        after = None if full else state.listed_after(self._margin)
        if after is not None:
            stamp = _minute(after).isoformat().replace("+00:00", "Z")
            body["filter"] = {"timestamp": "last_edited_time", "last_edited_time": {"on_or_after": stamp}}
        listing: Listing[wire.Page] = Listing(
            "Notion",
            lambda obj: None if _gone(obj) else page_from_wire(obj, self.schema),
            progress,
            stamp=lambda obj: parse_time(obj["last_edited_time"]),
        )
        async for items, response in self._query(body):
            listing.add_page(response, items)
        return listing.change_set(state, full=full)

    async def _page_obj(self, page_id: str) -> wire.Page | None:
        try:
            page: wire.Page = await self._json("GET", f"/pages/{page_id}")
        except NotFoundError:
            return None
        return page

    async def get_task(self, remote_id: str) -> RemoteTask | None:
        obj = await self._page_obj(remote_id)
        if obj is None or _gone(obj):
            return None
        return page_from_wire(obj, self.schema)

    async def create_task(self, fields: TaskFields, local_ref: str) -> RemoteTask:
        props = page_properties(fields, frozenset(SYNCED_FIELDS), self.schema, local_ref=local_ref)
        body = {"parent": {"database_id": self._database}, "properties": props}

        async def send() -> RemoteTask:
            return page_from_wire(await self._json("POST", "/pages", body), self.schema)

        return await self._create("page", send, lambda: self._find_tagged(fields.title, local_ref))

    async def _find_tagged(self, title: str, local_ref: str) -> RemoteTask | None:
        """Our page for ``local_ref``: its tag, or (no description property) our bot's page of that title."""
        name = self.schema.name("title") or "Name"
        query = {"filter": {"property": name, "title": {"equals": title}}}
        tagged = "description" in self.schema.props
        if not tagged and self._me is None:
            await self.current_user()
        async for items, _ in self._query(query):
            found: list[wire.Page] = items
            for obj in found:
                task = page_from_wire(obj, self.schema)
                if task.local_ref == local_ref:
                    return task
                if not tagged and obj["created_by"]["id"] == self._me:
                    return task
        return None

    async def update_task(self, remote_id: str, fields: TaskFields, changed: frozenset[str]) -> RemoteTask:
        props = page_properties(fields, changed, self.schema)
        if not props:
            found = await self.get_task(remote_id)
            if found is None:
                raise NotFoundError("Notion has no such item (it may have been deleted).")
            return found
        obj = await self._json("PATCH", f"/pages/{remote_id}", {"properties": props})
        return page_from_wire(obj, self.schema)

    async def delete_task(self, remote_id: str) -> None:
        """Archive the page (Notion's trash); one already archived or gone counts as deleted."""
        try:
            await self._json("PATCH", f"/pages/{remote_id}", {"archived": True})
        except NotFoundError:
            return
        except ValidationError:
            obj = await self._page_obj(remote_id)  # "can't edit an archived block": already there
            if obj is not None and not _gone(obj):
                raise

    def normalize(self, fields: TaskFields) -> TaskFields:
        return normalize(fields, self.schema)
