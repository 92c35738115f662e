"""Where SQLAlchemy and driver exceptions become the project's own errors, and which are worth a retry."""

from __future__ import annotations

import sqlalchemy.exc as sa_exc

from core.errors import ConflictError, OrchestratorError, StorageError

# PostgreSQL: serialization_failure, deadlock_detected, lock_not_available. Safe to run the transaction again.
_RETRY_SQLSTATES = frozenset({"40001", "40P01", "55P03"})


# What a database call can raise: SQLAlchemy's (wrapping the driver's) and the socket's.
DB_ERRORS: tuple[type[BaseException], ...] = (sa_exc.SQLAlchemyError, OSError)


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]


def _sqlstate(exc: BaseException) -> str | None:
    orig = getattr(exc, "orig", None)
    for name in ("sqlstate", "pgcode"):
        value = getattr(orig, name, None)
        if isinstance(value, str):
            return value
    return None


def is_transient(exc: BaseException) -> bool:
    """A lock wait that timed out or a deadlock: the whole transaction may simply run again."""
    if isinstance(exc, sa_exc.OperationalError):
        text = str(exc).lower()
        if "database is locked" in text or "database is busy" in text:
            return True
    return isinstance(exc, sa_exc.DBAPIError) and _sqlstate(exc) in _RETRY_SQLSTATES


def translate(exc: BaseException, action: str) -> OrchestratorError:
    """A chat-friendly project error for a database failure while doing ``action``."""
    if isinstance(exc, OrchestratorError):
        return exc
    if is_transient(exc):
        return ConflictError(f"The database was busy, so I couldn't {action}.", hint="Please try again.")
    if isinstance(exc, sa_exc.IntegrityError):
        return ConflictError(f"I couldn't {action}: that record already exists ({_first_line(exc)}).")
    text = str(exc).lower()
    if "no such table" in text or ("does not exist" in text and "relation" in text):
        return StorageError(
            f"The database has no tables for this app yet, so I couldn't {action}.",
            hint="Run `orchestrator db upgrade`.",
        )
    if isinstance(exc, (OSError, sa_exc.InterfaceError)) or (
        isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated
    ):
        return StorageError(
            f"I couldn't reach the database to {action} ({_first_line(exc)}).",
            hint="Check ORCHESTRATOR_STORAGE_URL and that the database server is running.",
        )
    if isinstance(exc, sa_exc.OperationalError):
        return StorageError(
            f"The database refused to {action}: {_first_line(exc)}",
            hint="Check ORCHESTRATOR_STORAGE_URL, the database server and its permissions.",
        )
    return StorageError(f"The database failed to {action}: {_first_line(exc)}")
