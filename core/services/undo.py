"""Undo of the acting user's last change (one whole command), from the audit trail."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.errors import NothingToUndo
from core.models import AuditAction, AuditEvent, EntityType, Project, Task, utcnow
from core.services.actor import Actor
from core.services.audit import AuditTrail, changed_fields
from core.store import Store

# How far back to look for the user's last undoable change.
_HISTORY = 200


@dataclass(frozen=True)
class UndoResult:
    undone: AuditEvent  # the first event of the reverted command
    entities: list[Task | Project] = field(default_factory=list)

    @property
    def entity(self) -> Task | Project | None:
        return self.entities[0] if self.entities else None


class UndoService:
    def __init__(self, store: Store, audit: AuditTrail) -> None:
        self._store = store
        self._audit = audit

    async def last_undoable(self, actor: Actor) -> list[AuditEvent]:
        """The events of this user's newest command that no later undo has reverted."""
        events = await self._store.audit.list(actor.workspace_id, actor_id=actor.user_id, limit=_HISTORY)
        reverted = {e.undoes for e in events if e.action is AuditAction.undo and e.undoes}
        for event in events:
            if event.action is AuditAction.undo or event.id in reverted:
                continue
            if event.entity_type not in (EntityType.task, EntityType.project):
                continue
            if event.batch_id is None:
                return [event]
            return [e for e in events if e.batch_id == event.batch_id and e.id not in reverted]
        raise NothingToUndo("There is nothing of yours left to undo.")

    async def undo(self, actor: Actor) -> UndoResult:
        """Revert the user's last command and record the undo itself."""
        events = await self.last_undoable(actor)
        ws = actor.workspace_id
        batch = self._audit.current_batch_id()
        records: list[AuditEvent] = []
        entities: list[Task | Project] = []
        for event in events:
            if event.action is AuditAction.create:
                changes: dict[str, object] = {"deleted_at": utcnow(), "deleted_by": actor.user_id}
            else:
                changes = dict(event.before or {})
            before: Task | Project | None
            after: Task | Project
            if event.entity_type is EntityType.task:
                before = await self._store.tasks.get(ws, event.entity_id)
                if before is None:
                    continue
                after = await self._store.tasks.update(ws, event.entity_id, changes)
            else:
                before = await self._store.projects.get(ws, event.entity_id)
                if before is None:
                    continue
                after = await self._store.projects.update(ws, event.entity_id, changes)
            old, new = changed_fields(before, after)
            records.append(
                self._audit.event(actor, AuditAction.undo, after, old, new, undoes=event.id, batch_id=batch)
            )
            entities.append(after)
        if not records:
            raise NothingToUndo("What your last change touched no longer exists.")
        await self._store.audit.add_many(records)
        return UndoResult(undone=events[0], entities=entities)
