"""Faults injected between a change and its audit events, for each backend.

``Crash`` is a ``BaseException``: like the process dying, nothing on the way up may catch it and carry on.
- SQL: the ``INSERT INTO audit_events`` of the change's transaction raises (the database then rolls back).
- Delta: handing the events over for their copy into ``audit_events`` raises, right after the entity's commit
  has landed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from core.store import Store
from storage.delta import DeltaStore
from storage.sql import SqlStore


class Crash(BaseException):
    """The process stops here."""


@contextmanager
def crash_before_events(store: Store) -> Iterator[None]:
    """Inside the block, every audited write stops after its change and before its events are written."""
    if isinstance(store, DeltaStore):

        def publish(*_args: Any) -> None:
            raise Crash("after the entity commit")

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(store.outbox, "publish", publish)
            yield
        return
    if isinstance(store, SqlStore):
        engine = store.db.engine.sync_engine

        def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            if statement.lstrip().upper().startswith("INSERT INTO AUDIT_EVENTS"):
                raise Crash("before the audit insert")

        event.listen(engine, "before_cursor_execute", before)
        try:
            yield
        finally:
            event.remove(engine, "before_cursor_execute", before)
        return
    raise AssertionError(f"no fault injection for {type(store).__name__}")
