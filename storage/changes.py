"""Validating a partial update, shared by every backend: each changed field goes through the model."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

import pydantic

from core.errors import ValidationError
from core.models import utcnow

# Keys and the short number never change after a row is created.
IMMUTABLE = frozenset({"id", "workspace_id", "number"})


def validated_changes(
    model: type[pydantic.BaseModel],
    changes: Mapping[str, Any],
    *,
    columns: Collection[str],
    exclude: Collection[str],
    noun: str,
) -> dict[str, Any]:
    """The changed fields' new python values, validated by the model.

    Fields computed on read are dropped (callers may pass a whole snapshot); unknown or key fields
    are refused.
    """
    probe = model.model_construct()
    out: dict[str, Any] = {}
    for name, value in changes.items():
        if name in exclude:
            continue
        if name not in columns:
            raise ValidationError(f"A {noun} has no field called `{name}`.")
        if name in IMMUTABLE:
            raise ValidationError(f"The `{name}` of a {noun} can't be changed.")
        try:
            setattr(probe, name, value)
        except pydantic.ValidationError as exc:
            reason = exc.errors()[0].get("msg", "invalid value") if exc.errors() else "invalid value"
            raise ValidationError(f"`{value!r}` is not a valid {name} for a {noun}: {reason}.") from exc
        out[name] = getattr(probe, name)
    return out


def changes_by_row(
    items: Sequence[tuple[str, Mapping[str, Any]]],
    validate: Callable[[Mapping[str, Any]], dict[str, Any]],
    *,
    stamp_updated_at: bool,
) -> dict[str, dict[str, Any]]:
    """Per row id, in order of first mention, its validated changes; later mentions add to earlier ones."""
    rows: dict[str, dict[str, Any]] = {}
    for row_id, changes in items:
        values = validate(changes)
        if stamp_updated_at:
            values["updated_at"] = utcnow()
        rows.setdefault(row_id, {}).update(values)
    return rows
