"""Project rules: create, read with live counts, list, edit, soft delete and restore."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from core.dates import Due, parse_due
from core.errors import ValidationError
from core.models import AuditAction, Priority, Project, ProjectStatus
from core.services.actor import Actor
from core.services.audit import AuditTrail
from core.services.resolve import Resolver
from core.services.validation import clean_description, clean_project_name, clean_tags, parse_priority
from core.store import ProjectCounts, Store


def _with_counts(project: Project, counts: ProjectCounts | None) -> Project:
    c = counts or ProjectCounts()
    return project.model_copy(
        update={"task_count": c.total, "completed_task_count": c.completed, "overdue_count": c.overdue}
    )


def _due_date(actor: Actor, due: str | date | Due | None) -> date | None:
    """A project's due day: a resolved value as given, a phrase read at the turn's moment."""
    if due is None or isinstance(due, date):
        return due
    if isinstance(due, Due):
        return due.date
    return parse_due(due, actor.user.timezone, now=actor.now()).date


class ProjectService:
    def __init__(self, store: Store, resolver: Resolver, audit: AuditTrail) -> None:
        self._store = store
        self._resolve = resolver
        self._audit = audit

    async def create(
        self,
        actor: Actor,
        name: str,
        *,
        description: str = "",
        due: str | date | Due | None = None,
        priority: Priority | str | None = None,
        tags: Sequence[str] = (),
    ) -> Project:
        """Names are unique per workspace, case-insensitively."""
        clean = clean_project_name(name)
        due_date = _due_date(actor, due)
        existing = await self._store.projects.find_by_name(actor.workspace_id, clean)
        if existing is not None:
            raise ValidationError(f"A project called `{existing.name}` already exists ({existing.ref}).")
        project = Project(
            workspace_id=actor.workspace_id,
            name=clean,
            description=clean_description(description),
            due_date=due_date,
            priority=parse_priority(priority) if priority else Priority.medium,
            tags=clean_tags(list(tags)),
            owner_id=actor.user_id,
            created_by=actor.user_id,
        )
        record = self._audit.recorder(actor, AuditAction.create)
        stored = await self._store.projects.create(project, audit=record)
        return _with_counts(stored, None)

    async def get(self, actor: Actor, ref: str) -> Project:
        """By name (case-insensitive) or `P-n`, with counts computed now."""
        project = await self._resolve.project(actor, ref)
        counts = await self._store.tasks.counts_by_project(actor.workspace_id, actor.today())
        return _with_counts(project, counts.get(project.id))

    async def list(self, actor: Actor, *, include_archived: bool = False) -> list[Project]:
        projects = await self._store.projects.list(actor.workspace_id)
        if not include_archived:
            projects = [p for p in projects if p.status is not ProjectStatus.archived]
        counts = await self._store.tasks.counts_by_project(actor.workspace_id, actor.today())
        return [_with_counts(p, counts.get(p.id)) for p in sorted(projects, key=lambda p: p.number)]

    async def update(
        self,
        actor: Actor,
        ref: str,
        *,
        name: str | None = None,
        description: str | None = None,
        status: ProjectStatus | str | None = None,
        priority: Priority | str | None = None,
        due: str | date | Due | None = None,
    ) -> Project:
        project = await self._resolve.project(actor, ref)
        changes: dict[str, Any] = {}
        if name is not None:
            clean = clean_project_name(name)
            other = await self._store.projects.find_by_name(actor.workspace_id, clean)
            if other is not None and other.id != project.id:
                raise ValidationError(f"A project called `{other.name}` already exists ({other.ref}).")
            changes["name"] = clean
        if description is not None:
            changes["description"] = clean_description(description)
        if status is not None:
            try:
                changes["status"] = ProjectStatus(str(status).lower().replace(" ", "_"))
            except ValueError:
                names = ", ".join(s.value for s in ProjectStatus)
                raise ValidationError(
                    f"Unknown project status `{status}`.", hint=f"Use one of: {names}."
                ) from None
        if priority is not None:
            changes["priority"] = parse_priority(priority)
        if due is not None:
            changes["due_date"] = _due_date(actor, due)
        if not changes:
            raise ValidationError("Nothing to change.")
        return await self._change(actor, AuditAction.update, project, changes)

    async def delete(self, actor: Actor, ref: str) -> Project:
        """Soft delete; the project's tasks stay and keep their project link."""
        project = await self._resolve.project(actor, ref)
        stamp = {"deleted_at": actor.instant(), "deleted_by": actor.user_id}
        return await self._change(actor, AuditAction.delete, project, stamp)

    async def import_external(
        self, actor: Actor, name: str, description: str, external_ids: dict[str, str]
    ) -> Project:
        """A project created by a sync for a tracker's project, already linked to it."""
        project = Project(
            workspace_id=actor.workspace_id,
            name=clean_project_name(name),
            description=description.strip(),  # a tracker's own text: kept whole, never refused mid-sync
            external_ids=external_ids,
            created_by=actor.user_id,
        )
        record = self._audit.recorder(actor, AuditAction.create)
        return await self._store.projects.create(project, audit=record)

    async def link_external(self, actor: Actor, project: Project, external_ids: dict[str, str]) -> Project:
        """Record a project's ids in a tracker (a sync matched or created it there)."""
        return await self._change(actor, AuditAction.update, project, {"external_ids": external_ids})

    async def _change(
        self, actor: Actor, action: AuditAction, project: Project, changes: dict[str, Any]
    ) -> Project:
        """Write the change with its audit event, atomically."""
        record = self._audit.recorder(actor, action)
        return await self._store.projects.update(actor.workspace_id, project.id, changes, audit=record)
