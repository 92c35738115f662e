"""Linear (GraphQL, api.linear.app) as an ``IntegrationClient`` (api-facts §2).

One integration syncs one team: its issues are the tasks, Linear projects the containers. Relay pages of
100; incremental pulls ask for ``updatedAt > cursor`` (archived and trashed included, so deletions show);
creates send our task id as the issue id, so a retried create can't make a twin; deletes move to the trash.
Sub-issues carry ``parentId``; "blocked by" is a ``blocks`` relation from the blocker, read from the issue's
``inverseRelations`` and written with ``issueRelationCreate``/``issueRelationDelete``.
A rate-limited request may come back as HTTP 400 with ``RATELIMITED`` in ``errors``: it is retried like a 429.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import httpx

from core.errors import ConfigurationError, IntegrationAuthError, NotFoundError, ValidationError
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
from integrations import linear_queries as q
from integrations.client_base import VendorClient
from integrations.http import RateLimit, Retryable, RetryPolicy, VendorHTTP, parse_retry_after
from integrations.linear_mapping import (
    LinearTeam,
    blocker_relations,
    issue_id_for,
    issue_input,
    normalize,
    task_from_wire,
)
from integrations.sync_cursor import FULL_EVERY, MARGIN, Listing, SyncCursor
from integrations.types import linear as wire
from integrations.wire_fields import parse_time

DEFAULT_BASE_URL = "https://api.linear.app"
# About 2,500 requests per hour for an API key (api-facts §2; numbers vary by source).
LINEAR_RATE = RateLimit(requests=2500, per_seconds=3600.0)
PAGE_SIZE = 100


def _errors(body: Any) -> list[wire.GraphQLError]:
    # Read before anything is trusted (also on HTTP 400): a body of another shape has no errors.
    errors = body.get("errors") if isinstance(body, dict) else None
    return [cast(wire.GraphQLError, e) for e in errors or [] if isinstance(e, dict)]


def _code(error: wire.GraphQLError) -> str:
    ext = error.get("extensions", {})
    return str(ext.get("code") or ext.get("type") or "").upper()


def _inspect(response: httpx.Response) -> None:
    """Linear's rate limit answer inside an HTTP 400 (or 200) becomes a retry; other 400s read plainly."""
    if response.status_code not in (200, 400):
        return
    try:
        body = response.json()
    except ValueError:
        return
    errors = _errors(body)
    if any(_code(e) == "RATELIMITED" for e in errors):
        raise Retryable(
            "Linear's rate limit was reached.",
            retry_after=_retry_after(response),
            hint="The sync resumes on its own; try again in a minute.",
        )
    if response.status_code == 400 and any("AUTHENTICATION" in _code(e) for e in errors):
        raise IntegrationAuthError(
            "Linear rejected the API key.",
            hint="Add it again with a valid key (`orchestrator integrations add linear`).",
        )


def _retry_after(response: httpx.Response) -> float | None:
    """``Retry-After``, else the requests bucket's reset time (epoch milliseconds)."""
    seconds = parse_retry_after(response.headers.get("Retry-After"))
    if seconds is not None:
        return seconds
    reset = response.headers.get("X-RateLimit-Requests-Reset")
    try:
        return max(0.0, float(reset) / 1000 - time.time()) if reset else None
    except ValueError:
        return None


def _user(u: wire.User) -> RemoteUser:
    return RemoteUser(u["id"], u["name"] or u.get("displayName") or "", u.get("email"))


def _container(p: wire.Project) -> RemoteContainer:
    return RemoteContainer(p["id"], p["name"], p["description"] or "")


class LinearClient(VendorClient):
    """Speaks Linear's GraphQL API; everything it returns is neutral (``core.integrations``)."""

    kind = IntegrationType.linear
    structure = frozenset({"parent", "blocked_by"})

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str | None = None,
        team: str | None = None,
        http: httpx.AsyncClient | None = None,
        rate: RateLimit = LINEAR_RATE,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        page_size: int = PAGE_SIZE,
        full_every: timedelta = FULL_EVERY,
        cursor_margin: timedelta = MARGIN,
    ) -> None:
        if not api_key:
            raise ConfigurationError("Linear needs an API key.", hint="Create one in Linear: Settings → API.")
        # Personal keys go bare; OAuth tokens already carry "Bearer ".
        self._http = VendorHTTP(
            "Linear",
            base_url or DEFAULT_BASE_URL,
            {"Authorization": api_key},
            rate=rate,
            client=http,
            timeout=timeout,
            retry=retry,
            inspect=_inspect,
        )
        self._wanted_team = team
        self._page = page_size
        self._full_every = full_every
        self._margin = cursor_margin
        self._team: LinearTeam | None = None

    @property
    def team(self) -> LinearTeam:
        return self._loaded(self._team, "Linear team")

    async def _gql(
        self, query: str, variables: dict[str, Any] | None = None, *, mutation: bool = False
    ) -> tuple[dict[str, Any], httpx.Response]:
        """(``data``, response); GraphQL errors become ``core.errors`` (not-found is an error, not a 404)."""
        response = await self._http.request(
            "POST", "/graphql", json={"query": query, "variables": variables or {}}, idempotent=not mutation
        )
        body = self._http.json_of(response)
        errors = _errors(body)
        if errors:
            first = errors[0]
            ext = first.get("extensions", {})
            message = self._http.scrub(str(ext.get("userPresentableMessage") or first.get("message") or ""))
            if "not found" in message.lower() or _code(first) in ("ENTITY_NOT_FOUND", "NOT_FOUND"):
                raise NotFoundError("Linear has no such item (it may have been deleted).")
            raise ValidationError(f"Linear refused the request: {message[:200] or 'invalid data'}.")
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict):
            raise ValidationError("Linear sent a reply without data.")
        return data, response

    async def _pages(
        self, query: str, root: str, variables: dict[str, Any] | None = None
    ) -> AsyncIterator[tuple[list[Any], httpx.Response]]:
        """Relay pages (``first``/``after``) until ``hasNextPage`` is false."""
        after: str | None = None
        seen: set[str] = set()
        while True:
            data, response = await self._gql(
                query, {**(variables or {}), "first": self._page, "after": after}
            )
            conn: wire.Connection[Any] = data[root]
            yield conn["nodes"], response
            info = conn["pageInfo"]
            after = info["endCursor"]
            if not info["hasNextPage"] or not after or after in seen:
                return
            seen.add(after)

    async def prepare(self) -> None:
        """Pick the team (by id, key or name, else the first) and load its workflow states and labels."""
        teams: list[wire.Team] = []
        async for nodes, _ in self._pages(q.TEAMS, "teams"):
            teams.extend(nodes)
        want = (self._wanted_team or "").strip().lower()
        chosen = [
            t for t in teams if not want or want in {t["id"].lower(), t["key"].lower(), t["name"].lower()}
        ]
        if not chosen:
            names = ", ".join(t["key"] or t["name"] for t in teams) or "none"
            raise NotFoundError(
                f"Linear has no team `{self._wanted_team}`.", hint=f"Teams of this key: {names}."
            )
        self._team = LinearTeam.from_wire(chosen[0])

    async def current_user(self) -> RemoteUser:
        data, _ = await self._gql(q.VIEWER)
        return _user(data["viewer"])

    async def list_users(self) -> list[RemoteUser]:
        users: list[RemoteUser] = []
        async for nodes, _ in self._pages(q.USERS, "users"):
            users.extend(_user(u) for u in nodes)
        return users

    async def list_containers(self) -> list[RemoteContainer]:
        out: list[RemoteContainer] = []
        async for nodes, _ in self._pages(q.PROJECTS, "projects"):
            page: list[wire.Project] = nodes
            for p in page:
                teams = {t["id"] for t in p["teams"]["nodes"]} if "teams" in p else set()
                if not teams or self.team.id in teams:  # projects of this team only
                    out.append(_container(p))
        return out

    async def get_container(self, remote_id: str) -> RemoteContainer | None:
        try:
            data, _ = await self._gql(q.PROJECT, {"id": remote_id})
        except NotFoundError:
            return None
        project: wire.Project | None = data["project"]
        return _container(project) if project else None

    async def create_container(self, name: str, description: str = "") -> RemoteContainer:
        variables = {"input": {"name": name, "description": description, "teamIds": [self.team.id]}}

        async def send() -> RemoteContainer:
            data, _ = await self._gql(q.PROJECT_CREATE, variables, mutation=True)
            created: wire.ProjectPayload = data["projectCreate"]
            return _container(created["project"])

        return await self._create("project", send, lambda: self._container_named(name))

    async def update_container(self, remote_id: str, name: str, description: str = "") -> RemoteContainer:
        variables = {"id": remote_id, "input": {"name": name, "description": description}}
        data, _ = await self._gql(q.PROJECT_UPDATE, variables, mutation=True)
        updated: wire.ProjectPayload = data["projectUpdate"]
        return _container(updated["project"])

    async def delete_container(self, remote_id: str) -> None:
        try:
            await self._gql(q.PROJECT_DELETE, {"id": remote_id}, mutation=True)  # to the trash
        except NotFoundError:
            pass

    async def changes_since(self, cursor: str | None, progress: Progress | None = None) -> ChangeSet:
        """Issues updated since the cursor (everything on a full listing); trashed ones as deletions."""
        state = SyncCursor.parse(cursor)
        full = state.wants_full(datetime.now(UTC), self._full_every)
        issue_filter: dict[str, Any] = {"team": {"id": {"eq": self.team.id}}}
        after = None if full else state.listed_after(self._margin)
        if after is not None:
            issue_filter["updatedAt"] = {
                "gt": after.isoformat(timespec="milliseconds").replace("+00:00", "Z")
            }
        listing: Listing[wire.Issue] = Listing(
            "Linear",
            lambda obj: task_from_wire(obj, self.team),
            progress,
            stamp=lambda obj: parse_time(obj["updatedAt"]),
            # Trashed is deleted; merely archived issues (auto-archived when done) stay.
            gone=lambda obj: obj["id"] if obj["trashed"] else None,
        )
        async for nodes, response in self._pages(q.ISSUES, "issues", {"filter": issue_filter}):
            listing.add_page(response, nodes)
        return listing.change_set(state, full=full)

    async def get_task(self, remote_id: str) -> RemoteTask | None:
        obj = await self._issue(remote_id)
        if obj is None or obj["trashed"]:
            return None
        return task_from_wire(obj, self.team)

    async def _issue(self, remote_id: str) -> wire.Issue | None:
        try:
            data, _ = await self._gql(q.ISSUE, {"id": remote_id})
        except NotFoundError:
            return None
        issue: wire.Issue | None = data["issue"]
        return issue

    async def _label_ids(self, tags: tuple[str, ...]) -> list[str]:
        """The team's label ids for ``tags``, creating the labels it lacks."""
        known, missing = self.team.label_ids(tags)
        labels = dict(self.team.labels)
        for name in missing:
            data, _ = await self._gql(
                q.LABEL_CREATE, {"input": {"name": name, "teamId": self.team.id}}, mutation=True
            )
            made: wire.LabelPayload = data["issueLabelCreate"]
            label = made["issueLabel"]
            labels[label["id"]] = label["name"] or name
            known.append(label["id"])
        if missing:
            self._team = LinearTeam(self.team.id, self.team.key, self.team.name, self.team.states, labels)
        return known

    async def create_task(self, fields: TaskFields, local_ref: str) -> RemoteTask:
        """Create the issue with our task id as its id: a retry or a resumed run finds it, never a twin."""
        every = frozenset(SYNCED_FIELDS)
        wanted = issue_input(fields, every, self.team, await self._label_ids(fields.tags))
        body: dict[str, Any] = {k: v for k, v in wanted.items() if v is not None} | {"teamId": self.team.id}
        issue_id = issue_id_for(local_ref)
        if issue_id:
            body["id"] = issue_id

        async def send() -> RemoteTask:
            data, _ = await self._gql(q.ISSUE_CREATE, {"input": body}, mutation=True)
            created: wire.IssuePayload = data["issueCreate"]
            return task_from_wire(created["issue"], self.team)

        async def find() -> RemoteTask | None:
            # Lost answer, or "id already used" by an earlier attempt: adopt the issue when it exists.
            existing = await self._issue(issue_id) if issue_id else None
            return await self._adopt(existing, fields) if existing is not None else None

        created = await self._create("issue", send, find, taken=(ValidationError,))
        if set(created.fields.blocked_by) != set(fields.blocked_by):
            await self._set_blockers(created.id, fields.blocked_by)
            blocked_by = tuple(sorted(fields.blocked_by))
            created = dataclasses.replace(created, fields=created.fields.replace(blocked_by=blocked_by))
        return created

    async def _adopt(self, existing: wire.Issue, fields: TaskFields) -> RemoteTask:
        """An issue with our id already exists: restore it from the trash if needed and give it our fields."""
        remote = task_from_wire(existing, self.team)
        if not existing["trashed"] and normalize(remote.fields, self.team) == normalize(fields, self.team):
            return remote
        return await self.update_task(
            remote.id, fields, frozenset(SYNCED_FIELDS), untrash=bool(existing["trashed"])
        )

    async def update_task(
        self, remote_id: str, fields: TaskFields, changed: frozenset[str], *, untrash: bool = False
    ) -> RemoteTask:
        labels = await self._label_ids(fields.tags) if "tags" in changed else []
        body = issue_input(fields, changed, self.team, labels)
        if untrash:
            body["trashed"] = False
        if "blocked_by" in changed:
            await self._set_blockers(remote_id, fields.blocked_by)
        if not body:
            found = await self.get_task(remote_id)
            if found is None:
                raise NotFoundError("Linear has no such item (it may have been deleted).")
            return found
        data, _ = await self._gql(q.ISSUE_UPDATE, {"id": remote_id, "input": body}, mutation=True)
        updated: wire.IssuePayload = data["issueUpdate"]
        return task_from_wire(updated["issue"], self.team)

    async def _set_blockers(self, remote_id: str, wanted: tuple[str, ...]) -> None:
        """Make the issues blocking ``remote_id`` exactly ``wanted``: one relation created or deleted each."""
        issue = await self._issue(remote_id)
        if issue is None:
            raise NotFoundError("Linear has no such item (it may have been deleted).")
        current = blocker_relations(issue)
        for blocker, relation_id in current.items():
            if blocker not in wanted:
                try:
                    await self._gql(q.ISSUE_RELATION_DELETE, {"id": relation_id}, mutation=True)
                except NotFoundError:
                    pass  # already removed
        for blocker in wanted:
            if blocker not in current:
                # A lost answer retried finds the relation there already: Linear refuses a second one.
                relation = {"issueId": blocker, "relatedIssueId": remote_id, "type": "blocks"}
                try:
                    await self._gql(q.ISSUE_RELATION_CREATE, {"input": relation}, mutation=True)
                except ValidationError:
                    again = await self._issue(remote_id)
                    if again is None or blocker not in blocker_relations(again):
                        raise

    async def delete_task(self, remote_id: str) -> None:
        """To Linear's trash (30 days to restore); one already gone counts as deleted."""
        try:
            await self._gql(q.ISSUE_DELETE, {"id": remote_id}, mutation=True)
        except NotFoundError:
            pass

    def normalize(self, fields: TaskFields) -> TaskFields:
        return normalize(fields, self.team)
