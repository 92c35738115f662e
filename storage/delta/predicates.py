"""SQL predicate text for ``DeltaTable.scan`` and ``merge`` (DataFusion dialect).

Values always become literals here and nowhere else, so quoting is done once and done right: a single quote
inside a string doubles (``'it''s'``); the generic dialect treats backslashes literally.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime


def lit(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def date_lit(value: date) -> str:
    return f"DATE '{value.isoformat()}'"


def ts_lit(value: datetime) -> str:
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return f"TIMESTAMP '{aware.astimezone(UTC).isoformat()}'"


def eq(column: str, value: str) -> str:
    return f"{column} = {lit(value)}"


def is_in(column: str, values: Iterable[str]) -> str:
    return f"{column} IN ({', '.join(lit(v) for v in sorted(values))})"


def and_(*parts: str | None) -> str:
    """AND together the given clauses, skipping ``None``."""
    return " AND ".join(f"({p})" for p in parts if p)
