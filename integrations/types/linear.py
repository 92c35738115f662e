"""Linear's GraphQL payloads (api-facts §2), as the documents in ``linear_queries`` select them: every
selected field is present, null when empty; connections are Relay (``nodes``, ``pageInfo``)."""

from __future__ import annotations

from typing import Generic, NotRequired, TypedDict, TypeVar

T = TypeVar("T")


class PageInfo(TypedDict):
    hasNextPage: bool
    endCursor: str | None


class Connection(TypedDict, Generic[T]):
    nodes: list[T]
    pageInfo: NotRequired[PageInfo]


class Ref(TypedDict):
    id: str


class State(TypedDict):
    id: str
    name: str
    type: str  # triage | backlog | unstarted | started | completed | canceled | duplicate
    position: NotRequired[float]


class Label(TypedDict):
    id: str
    name: str


class Team(TypedDict):
    id: str
    key: str
    name: str
    states: Connection[State]
    labels: Connection[Label]


class User(TypedDict):
    id: str
    name: str
    displayName: NotRequired[str]
    email: NotRequired[str | None]
    active: NotRequired[bool]


class Project(TypedDict):
    id: str
    name: str
    description: str | None
    teams: NotRequired[Connection[Ref]]


class InverseRelation(TypedDict):
    """A relation pointing at an issue: ``issue`` (for type ``blocks``: the blocker) → this issue."""

    id: str
    type: str  # blocks | duplicate | related | similar
    issue: Ref


class Issue(TypedDict):
    id: str
    identifier: NotRequired[str]
    title: str
    description: str | None  # Markdown
    priority: int  # 0 none, 1 urgent, 2 high, 3 medium, 4 low
    dueDate: str | None  # YYYY-MM-DD
    estimate: NotRequired[float | None]
    createdAt: str
    updatedAt: str
    completedAt: str | None
    canceledAt: NotRequired[str | None]
    archivedAt: NotRequired[str | None]
    trashed: bool | None
    url: str
    state: State
    assignee: Ref | None
    project: Ref | None
    labelIds: list[str]
    parent: NotRequired[Ref | None]  # a sub-issue's parent
    inverseRelations: NotRequired[Connection[InverseRelation]]


class ErrorExtensions(TypedDict, total=False):
    code: str
    type: str
    userError: bool
    userPresentableMessage: str


class GraphQLError(TypedDict):
    message: str
    extensions: NotRequired[ErrorExtensions]


class IssueInput(TypedDict, total=False):
    """``IssueCreateInput`` (``teamId`` required; ``id`` a client-supplied UUID) / ``IssueUpdateInput``."""

    id: str
    teamId: str
    title: str
    description: str
    priority: int
    dueDate: str | None
    assigneeId: str | None
    labelIds: list[str]
    projectId: str | None
    stateId: str
    parentId: str | None
    trashed: bool


class IssuePayload(TypedDict):
    success: bool
    issue: Issue


class ProjectPayload(TypedDict):
    success: bool
    project: Project


class LabelPayload(TypedDict):
    success: bool
    issueLabel: Label


class RelationPayload(TypedDict):
    success: bool
