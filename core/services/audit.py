"""Recording every change as an AuditEvent (actor, surface, entity, before/after).

Services never write events themselves: they hand the store a ``recorder`` with each write, and the store
keeps the events atomically with the change (docs/audit.md).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from pydantic import BaseModel

from core.models import (
    AuditAction,
    AuditEvent,
    EntityType,
    Project,
    Surface,
    Task,
    User,
    new_id,
    snapshot,
)
from core.services.actor import Actor
from core.store import Recorder, RowChange

_IGNORED = {"updated_at"}
# Events written while one message is handled share a batch id, so `undo` reverts that whole message.
_BATCH: ContextVar[str | None] = ContextVar("audit_batch", default=None)


def changed_fields(before: BaseModel, after: BaseModel) -> tuple[dict[str, Any], dict[str, Any]]:
    """The persisted fields that differ, as JSON-safe (before, after) dicts."""
    old, new = snapshot(before), snapshot(after)
    keys = [k for k in new if k not in _IGNORED and old.get(k) != new.get(k)]
    return {k: old.get(k) for k in keys}, {k: new[k] for k in keys}


def entity_type_of(entity: BaseModel) -> EntityType:
    if isinstance(entity, Task):
        return EntityType.task
    if isinstance(entity, Project):
        return EntityType.project
    if isinstance(entity, User):
        return EntityType.user
    return EntityType.integration


def entity_ref(entity: BaseModel) -> str:
    if isinstance(entity, Task | Project):
        return entity.ref
    if isinstance(entity, User):
        return entity.name
    return ""


class AuditTrail:
    """Builds audit events; the store writes them atomically with the change they describe."""

    @staticmethod
    @contextmanager
    def batch() -> Iterator[str]:
        """Group every change made inside (one chat message, one agent turn) into one undoable unit."""
        current = _BATCH.get()
        if current is not None:  # nested: the outer unit wins
            yield current
            return
        token = _BATCH.set(new_id())
        try:
            yield _BATCH.get() or ""
        finally:
            _BATCH.reset(token)

    @staticmethod
    def current_batch_id() -> str:
        return _BATCH.get() or new_id()

    @staticmethod
    def event(
        actor: Actor | None,
        action: AuditAction,
        entity: BaseModel,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        *,
        undoes: str | None = None,
        batch_id: str | None = None,
    ) -> AuditEvent:
        """An event for ``entity`` (not yet stored); no actor means the system did it."""
        return AuditEvent(
            workspace_id=str(getattr(entity, "workspace_id", "")),
            actor_id=actor.user_id if actor is not None else None,
            surface=actor.surface if actor is not None else Surface.system,
            action=action,
            entity_type=entity_type_of(entity),
            entity_id=str(getattr(entity, "id", "")),
            entity_ref=entity_ref(entity),
            before=before,
            after=after,
            undoes=undoes,
            batch_id=batch_id,
        )

    def recorder(self, actor: Actor | None, action: AuditAction, *, batch: bool = True) -> Recorder:
        """What a store write should record: a new row's snapshot, or the fields a change altered.

        Rows that changed nothing get no event. ``batch=False`` leaves the events out of any batch (people
        appearing on first sight are not part of the command that mentioned them).
        """
        batch_id = self.current_batch_id() if batch else None

        def record(changes: Sequence[RowChange]) -> list[AuditEvent]:
            events = []
            for before, after in changes:
                if before is None:
                    events.append(self.event(actor, action, after, None, snapshot(after), batch_id=batch_id))
                    continue
                old, new = changed_fields(before, after)
                if new:
                    events.append(self.event(actor, action, after, old, new, batch_id=batch_id))
            return events

        return record
