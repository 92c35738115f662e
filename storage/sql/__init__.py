"""The SQL implementation of the Store protocol: SQLAlchemy 2 (async) on SQLite or PostgreSQL."""

from storage.sql.store import SqlStore

__all__ = ["SqlStore"]
