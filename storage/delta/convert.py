"""Rows <-> models for one table: encoding to the arrow schema, decoding scans, validating partial changes."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import time
from enum import Enum
from typing import Any

import pyarrow as pa
import pydantic_core

from storage.changes import validated_changes
from storage.delta.schema import M, TableSpec


def _encode(spec: TableSpec[Any], name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in spec.json_columns:
        return pydantic_core.to_json(value).decode()
    if name in spec.time_columns:
        return value.isoformat() if isinstance(value, time) else str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [v.value if isinstance(v, Enum) else v for v in value]
    return value


def model_row(spec: TableSpec[M], model: M) -> dict[str, Any]:
    """The persisted columns of one model, encoded for the arrow schema."""
    return {name: _encode(spec, name, getattr(model, name)) for name in spec.columns}


def plain(spec: TableSpec[M], table: pa.Table, names: Sequence[str]) -> pa.Table:
    """Just the named columns, cast to the declared schema types.

    Scans hand back ``string_view`` columns, which most pyarrow compute kernels (lower, match, sort, is_in)
    don't take yet; casting only what is computed on keeps large reads cheap.
    """
    columns = []
    for name in names:
        column = table.column(name)
        wanted = spec.schema.field(name).type
        columns.append(column if column.type == wanted else column.cast(wanted))
    return pa.table(columns, names=list(names))


_SLICE_LIMIT = 256  # above this many rows, casting the whole table and taking is cheaper than slicing


def rows_at(spec: TableSpec[M], table: pa.Table, indices: pa.Array | pa.ChunkedArray) -> pa.Table:
    """``table.take(indices)`` for scanned tables, whose ``string_view`` columns have no take kernel.

    A page is glued together from zero-copy one-row slices; a large selection casts the table first.
    """
    if len(indices) > _SLICE_LIMIT:
        return plain(spec, table, table.column_names).take(indices)
    positions = indices.to_pylist()
    if not positions:
        return table.schema.empty_table()
    return pa.concat_tables([table.slice(i, 1) for i in positions])


def to_arrow(spec: TableSpec[M], models: Sequence[M]) -> pa.Table:
    return pa.Table.from_pylist([model_row(spec, m) for m in models], schema=spec.schema)


def to_models(spec: TableSpec[M], table: pa.Table) -> list[M]:
    """Decode scanned rows back into models (validated, so a corrupt row fails loudly)."""
    out: list[M] = []
    for row in table.to_pylist():
        for name in spec.json_columns:
            if row.get(name) is not None:
                row[name] = json.loads(row[name])
        for name in spec.time_columns:
            if row.get(name) is not None:
                row[name] = time.fromisoformat(row[name])
        out.append(spec.model.model_validate(row))
    return out


def validate_changes(spec: TableSpec[M], changes: Mapping[str, Any]) -> dict[str, Any]:
    """The changed columns' new python values, validated through the model (see ``storage.changes``)."""
    return validated_changes(
        spec.model, changes, columns=spec.columns, exclude=spec.exclude, noun=spec.entity
    )


SET_FLAG = "__set_"  # per-row flag columns of a multi-row update source: was this column given for this row?


def changes_many_to_arrow(spec: TableSpec[M], rows: Mapping[str, Mapping[str, Any]]) -> pa.Table:
    """A source with one row per id: the union of changed columns, and a flag per column and row."""
    columns = sorted({c for values in rows.values() for c in values})
    fields = [spec.schema.field("id")]
    fields += [spec.schema.field(c).with_nullable(True) for c in columns]
    fields += [pa.field(SET_FLAG + c, pa.bool_(), nullable=False) for c in columns]
    data = [
        {
            "id": row_id,
            **{c: _encode(spec, c, values[c]) if c in values else None for c in columns},
            **{SET_FLAG + c: c in values for c in columns},
        }
        for row_id, values in rows.items()
    ]
    return pa.Table.from_pylist(data, schema=pa.schema(fields))
