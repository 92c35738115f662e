"""Undo of the acting user's last change (one whole command), from the audit trail."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from core.errors import NothingToUndo
from core.models import AuditAction, AuditEvent, EntityType, Project, Task
from core.services.actor import Actor
from core.services.audit import AuditTrail, changed_fields
from core.services.tasks import AfterWrite
from core.store import Recorder, RowChange, Store

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
        # Told of the tasks an undo wrote back (their reminders follow), like TaskService.after_write.
        self.after_write: AfterWrite | None = None

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
        """Revert the user's last command; each revert is written atomically with its undo event.

        One write per kind of entity (tasks, projects), so a crash can leave part of a command reverted:
        the reverted part carries its undo events, and the rest stays undoable.
        """
        events = await self.last_undoable(actor)
        ws = actor.workspace_id
        batch = self._audit.current_batch_id()
        stored: dict[str, Task | Project] = {}
        for kind, repo in ((EntityType.task, self._store.tasks), (EntityType.project, self._store.projects)):
            group = [e for e in events if e.entity_type is kind]
            present = {i for i in {e.entity_id for e in group} if await repo.get(ws, i) is not None}
            group = [e for e in group if e.entity_id in present]
            if not group:
                continue
            # Events come newest first and are taken back in that order: for a row changed twice in one
            # command, the older event's values come later in one update and so are the ones that stay.
            items = [(e.entity_id, self._reversal(actor, e)) for e in group]
            record = self._recorder(actor, batch, group)
            rows: list[Task | Project] = list(await repo.update_many(ws, items, audit=record))
            stored.update((row.id, row) for row in rows)
        if not stored:
            raise NothingToUndo("What your last change touched no longer exists.")
        entities = [stored[i] for i in dict.fromkeys(e.entity_id for e in events) if i in stored]
        if self.after_write is not None:  # an undone due date or completion moves reminders back too
            await self.after_write(actor, [e for e in entities if isinstance(e, Task)])
        return UndoResult(undone=events[0], entities=entities)

    @staticmethod
    def _reversal(actor: Actor, event: AuditEvent) -> dict[str, object]:
        """The changes that take back what ``event`` did (a creation is taken back by a soft delete)."""
        if event.action is AuditAction.create:
            return {"deleted_at": actor.instant(), "deleted_by": actor.user_id}
        return dict(event.before or {})

    def _recorder(self, actor: Actor, batch: str, undone: list[AuditEvent]) -> Recorder:
        """One undo event per reverted event, holding the fields that revert changed on its row."""

        def record(changes: Sequence[RowChange]) -> list[AuditEvent]:
            out: list[AuditEvent] = []
            for before, after in changes:
                if before is None:  # update_many never creates rows
                    continue
                old, new = changed_fields(before, after)
                for event in (e for e in undone if e.entity_id == getattr(after, "id", None)):
                    keys = self._reversal(actor, event).keys()
                    out.append(
                        self._audit.event(
                            actor,
                            AuditAction.undo,
                            after,
                            {k: v for k, v in old.items() if k in keys},
                            {k: v for k, v in new.items() if k in keys},
                            undoes=event.id,
                            batch_id=batch,
                        )
                    )
            return out

        return record
