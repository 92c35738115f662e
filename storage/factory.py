"""Build the configured ``Store`` from a storage URL (``ORCHESTRATOR_STORAGE_URL``)."""

from __future__ import annotations

import os
from urllib.parse import unquote, urlsplit

from core.errors import ConfigurationError
from core.store import Store

_OBJECT_STORES = frozenset({"s3", "s3a", "gs", "gcs", "abfs", "abfss", "az", "azure", "adl"})
# Database URLs (``dialect+driver://``): SQLite and PostgreSQL are served, the others refused by name.
_DATABASES = frozenset({"sqlite", "postgresql", "postgres", "mysql", "mariadb", "mssql", "oracle"})


def _scheme(text: str) -> str:
    return text.split(":", 1)[0].lower() if ":" in text else ""


def open_store(
    url: str, *, storage_options: dict[str, str] | None = None, auto_maintain_files: int = 150
) -> Store:
    """A Store for ``url``: Delta Lake tables in a folder, ``file://`` or an object-store URI (``s3://``,
    ``abfss://``, ``gs://``), or a SQL database: ``sqlite+aiosqlite:///file.db`` or
    ``postgresql+asyncpg://user@host/db`` (optionally ``?schema=name``).

    ``storage_options`` go to delta-rs' object store (credentials, region, endpoint); environment variables
    such as ``AWS_ACCESS_KEY_ID`` work too. ``auto_maintain_files``: a Delta table past this many files is
    maintained in the background (0 turns it off). Tables are created by ``await store.open()``; a SQL
    database whose schema is behind is refused there (``orchestrator db upgrade`` fixes it).
    """
    text = url.strip()
    if not text:
        raise ConfigurationError(
            "The storage URL is empty.", hint="Set ORCHESTRATOR_STORAGE_URL to a folder such as ./data."
        )
    if _scheme(text).split("+", 1)[0] in _DATABASES:
        from storage.sql import SqlStore  # deferred: a Delta deployment never imports SQLAlchemy
        from storage.sql.engine import parse_sql_url

        return SqlStore(parse_sql_url(text))
    from storage.delta import DeltaStore  # deferred: importing deltalake is slow and SQL does not need it

    delta = {"auto_maintain_files": auto_maintain_files}
    scheme = _scheme(text)
    if scheme == "file":
        parts = urlsplit(text)
        return DeltaStore(os.path.abspath(unquote(parts.netloc + parts.path)), storage_options, **delta)
    if "://" in text:
        if scheme not in _OBJECT_STORES:
            raise ConfigurationError(
                f"I don't know how to store data at `{scheme}://` URLs.",
                hint="Use a folder, file://, s3://, abfss:// or gs:// for Delta Lake, or "
                "sqlite+aiosqlite:///file.db or postgresql+asyncpg://user@host/db for SQL.",
            )
        return DeltaStore(text, storage_options, **delta)
    return DeltaStore(os.path.abspath(os.path.expanduser(text)), storage_options, **delta)
