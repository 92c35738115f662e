"""Merge sources for writes that span workspaces: rows named by ``(workspace_id, id)``, each with its own
changes (the scheduler releases and records hundreds of rows of any workspaces per tick, in one commit)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

import pyarrow as pa

from core.models import utcnow
from storage.delta.convert import SET_FLAG, changes_many_to_arrow, validate_changes
from storage.delta.predicates import is_in
from storage.delta.schema import M, TableSpec

Key = tuple[str, str]  # (workspace_id, id)


def validated(
    spec: TableSpec[M], items: Sequence[tuple[str, str, Mapping[str, Any]]], **always: Any
) -> dict[Key, dict[str, Any]]:
    """Per row, in order of first mention, its validated changes plus ``always``; ``updated_at`` stamped."""
    validate = partial(validate_changes, spec)
    rows: dict[Key, dict[str, Any]] = {}
    for workspace_id, row_id, changes in items:
        values = validate(changes) | always
        if spec.has_updated_at:
            values["updated_at"] = utcnow()
        rows.setdefault((workspace_id, row_id), {}).update(values)
    return rows


def source(spec: TableSpec[M], rows: Mapping[Key, Mapping[str, Any]]) -> pa.Table:
    """One source row per key: the union of changed columns, and a flag per column and row (``convert``)."""
    keys = list(rows)
    table = changes_many_to_arrow(spec, {str(i): rows[key] for i, key in enumerate(keys)})
    ids = pa.array([row_id for _, row_id in keys], pa.string())
    table = table.set_column(table.schema.get_field_index("id"), spec.schema.field("id"), ids)
    workspaces = pa.array([workspace_id for workspace_id, _ in keys], pa.string())
    return table.append_column(spec.schema.field("workspace_id"), workspaces)


def match(keys: Sequence[Key]) -> str:
    """The merge predicate of ``keys``; the literal ids let the merge skip files that can't hold them."""
    return f"t.id = s.id AND t.workspace_id = s.workspace_id AND t.{is_in('id', {i for _, i in keys})}"


def updates(rows: Mapping[Key, Mapping[str, Any]]) -> dict[str, str]:
    """Each row takes only the columns it was given; a CASE per column keeps the others as stored."""
    columns = sorted({c for values in rows.values() for c in values})
    return {f'"{c}"': f'CASE WHEN s."{SET_FLAG}{c}" THEN s."{c}" ELSE t."{c}" END' for c in columns}
