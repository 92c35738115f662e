"""Notion payloads, ``Notion-Version: 2022-06-28`` (api-facts §4). Page properties are the database's own,
keyed by the users' property names; each property value holds one key named after its type."""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict


class TextContent(TypedDict):
    content: str


class RichText(TypedDict):
    type: NotRequired[str]
    text: NotRequired[TextContent]
    plain_text: NotRequired[str]  # in answers, not in requests


class Option(TypedDict):
    name: str
    id: NotRequired[str]


class StatusGroup(TypedDict):
    name: str
    option_ids: list[str]


class SelectConfig(TypedDict):
    options: list[Option]
    groups: NotRequired[list[StatusGroup]]  # status properties only


class DateValue(TypedDict):
    start: str
    end: str | None


class PartialUser(TypedDict):
    id: str
    object: NotRequired[str]


class RelationConfig(TypedDict, total=False):
    """A relation property's target: ``database_id`` (a self-relation names its own database)."""

    database_id: str
    type: str  # single_property | dual_property


class PropertySchema(TypedDict, total=False):
    """One database property: ``type`` and, under the same key, the type's configuration."""

    id: str
    type: str
    select: SelectConfig
    status: SelectConfig
    multi_select: SelectConfig
    relation: RelationConfig


class Database(TypedDict):
    object: NotRequired[str]
    id: str
    properties: dict[str, PropertySchema]


# A page property's value: {"type": ..., <type>: value}; the value's shape depends on the type (title and
# rich_text: list[RichText], select and status: Option | None, date: DateValue | None, ...).
PropertyValue = dict[str, Any]


class Page(TypedDict):
    object: NotRequired[str]
    id: str
    created_time: str
    last_edited_time: str
    created_by: PartialUser
    archived: bool
    in_trash: NotRequired[bool]
    properties: dict[str, PropertyValue]
    url: NotRequired[str]


class Person(TypedDict):
    email: NotRequired[str]


class User(TypedDict):
    object: NotRequired[str]
    id: str
    type: NotRequired[str]  # person | bot
    name: NotRequired[str | None]
    person: NotRequired[Person]


class ListResponse(TypedDict):
    object: str
    results: list[Any]
    next_cursor: str | None
    has_more: bool
