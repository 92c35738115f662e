"""Where deltalake exceptions become the project's own errors, and how commit conflicts are retried."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from deltalake.exceptions import CommitFailedError, SchemaMismatchError, TableNotFoundError
from tenacity import (
    AsyncRetrying,
    retry_if_exception_type,
    stop_after_attempt,
    stop_after_delay,
    wait_random_exponential,
)

from core.errors import ConflictError, OrchestratorError, StorageError

T = TypeVar("T")

log = logging.getLogger("storage.delta")

# Two writers colliding settle within a few attempts; the cap only stops a pathological livelock.
_MAX_ATTEMPTS = 60
_MAX_SECONDS = 60.0


def _first_line(exc: BaseException) -> str:
    # Rust errors can carry a full backtrace; a chat user needs only the headline.
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]


def translate(exc: BaseException, table: str, action: str) -> OrchestratorError:
    """A chat-friendly project error for a deltalake/arrow/OS failure while doing ``action`` on ``table``."""
    if isinstance(exc, OrchestratorError):
        return exc
    if isinstance(exc, CommitFailedError):
        return ConflictError(
            f"Someone else changed the {table} at the same moment, so I couldn't {action}.",
            hint="Please try again.",
        )
    if isinstance(exc, TableNotFoundError):
        return StorageError(
            f"The {table} table is missing, so I couldn't {action}.",
            hint="Check ORCHESTRATOR_STORAGE_URL; the tables are created on start.",
        )
    if isinstance(exc, SchemaMismatchError):
        return StorageError(f"The {table} table's columns don't match this version: {_first_line(exc)}")
    if isinstance(exc, OSError):
        return StorageError(f"I couldn't reach the storage to {action} ({_first_line(exc)}).")
    return StorageError(f"The {table} table failed to {action}: {_first_line(exc)}")


async def retry_conflicts(op: Callable[[], Awaitable[T]], *, table: str, action: str) -> T:
    """Run ``op`` until it commits, backing off with jitter whenever another writer won the race."""
    retrying = AsyncRetrying(
        retry=retry_if_exception_type(CommitFailedError),
        wait=wait_random_exponential(multiplier=0.01, max=0.5),
        stop=stop_after_attempt(_MAX_ATTEMPTS) | stop_after_delay(_MAX_SECONDS),
        reraise=True,
    )
    try:
        async for attempt in retrying:
            with attempt:
                return await op()
    except CommitFailedError as exc:
        log.warning("giving up on %s of %s after repeated commit conflicts", action, table)
        raise translate(exc, table, action) from exc
    raise AssertionError("unreachable: tenacity either returns or raises")  # pragma: no cover
