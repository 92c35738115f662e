"""GitLab REST v4 payloads (api-facts §3): issues are addressed by ``iid``; labels are one comma-separated
string in and an array of names out; there is no priority field."""

from __future__ import annotations

from typing import NotRequired, TypedDict


class User(TypedDict):
    id: int
    username: str
    name: str
    email: NotRequired[str | None]  # admins only
    public_email: NotRequired[str | None]


class Milestone(TypedDict):
    id: int
    iid: NotRequired[int]
    title: str
    description: str | None
    state: NotRequired[str]  # active | closed
    due_date: NotRequired[str | None]


class Label(TypedDict):
    id: int
    name: str


class Project(TypedDict):
    id: int
    path_with_namespace: NotRequired[str]


class Issue(TypedDict):
    id: int
    iid: int
    project_id: int
    title: str
    description: str | None
    state: str  # opened | closed
    created_at: str
    updated_at: str
    closed_at: str | None
    labels: list[str]
    milestone: Milestone | None
    assignees: list[User]
    author: NotRequired[User]
    due_date: str | None  # YYYY-MM-DD
    web_url: str


class IssueBody(TypedDict, total=False):
    """``POST /projects/:id/issues`` (title required there) and ``PUT .../issues/:iid``."""

    title: str
    description: str
    labels: str  # comma-separated; "" clears
    add_labels: str
    state_event: str  # close | reopen
    due_date: str | None
    assignee_ids: list[int]
    milestone_id: int  # 0 clears


class LinkedIssue(TypedDict):
    """An issue as ``GET /projects/:id/issues/:iid/links`` lists it: the issue's fields, the link's id and
    its type seen from the issue asked about (``blocks``, ``is_blocked_by`` or ``relates_to``)."""

    iid: int
    project_id: int
    issue_link_id: int
    link_type: str
