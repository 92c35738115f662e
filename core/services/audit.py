"""Recording every change as an AuditEvent (actor, surface, entity, before/after)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from pydantic import BaseModel

from core.models import AuditAction, AuditEvent, EntityType, Project, Task, User, new_id, snapshot
from core.services.actor import Actor
from core.store import Store

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
    """Builds and stores audit events; one commit for all events of one command."""

    def __init__(self, store: Store) -> None:
        self._store = store

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

    def event(
        self,
        actor: Actor,
        action: AuditAction,
        entity: BaseModel,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        *,
        undoes: str | None = None,
        batch_id: str | None = None,
    ) -> AuditEvent:
        """An event for ``entity`` (not yet stored)."""
        return AuditEvent(
            workspace_id=actor.workspace_id,
            actor_id=actor.user_id,
            surface=actor.surface,
            action=action,
            entity_type=entity_type_of(entity),
            entity_id=str(getattr(entity, "id", "")),
            entity_ref=entity_ref(entity),
            before=before,
            after=after,
            undoes=undoes,
            batch_id=batch_id,
        )

    async def created(self, actor: Actor, entities: Sequence[BaseModel]) -> None:
        """Record the creation of ``entities`` in one commit."""
        batch = self.current_batch_id()
        events = [
            self.event(actor, AuditAction.create, e, None, snapshot(e), batch_id=batch) for e in entities
        ]
        await self._store.audit.add_many(events)

    async def changed(
        self, actor: Actor, action: AuditAction, pairs: Sequence[tuple[BaseModel, BaseModel]]
    ) -> None:
        """Record (before, after) changes; pairs that changed nothing are skipped."""
        events = []
        batch = self.current_batch_id()
        for before, after in pairs:
            old, new = changed_fields(before, after)
            if new:
                events.append(self.event(actor, action, after, old, new, batch_id=batch))
        if events:
            await self._store.audit.add_many(events)
