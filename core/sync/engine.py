"""The sync engine: one run keeps a workspace's tasks and one tracker's in step (pull, push or both).

A run: load the tracker's workspace, map people and projects, list what changed remotely since the cursor,
then walk every item once:
- matched by external id (or, for a task whose create answer was lost before a crash, by the tag the create
  put on it) → three-way merge against the baseline stored on the task (``core.sync.conflicts``);
- new remotely → created locally (one batched commit); new locally → created remotely, tagged with the local
  id so a retried or resumed create finds it instead of making a twin;
- deleted on one side → deleted on the other (local deletes are soft).
Structure (subtask parents, blockers) maps through the task links: remote items are walked parents and
blockers first, so a new subtask's parent is linked (or imported) before it; local tasks are pushed in the
same order, so a new subtask is created under its already-created parent.
Remote writes happen before the matching local write, and every local write carries the new baseline, so a run
that stops anywhere is resumed by the next one without duplicates or lost changes. The cursor only moves when
every remote change was applied.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from core.errors import OrchestratorError
from core.integrations import ChangeSet, IntegrationClient, Progress, RemoteTask, TaskFields
from core.models import (
    AuditAction,
    ConflictPolicy,
    Integration,
    Platform,
    Role,
    Surface,
    SyncDirection,
    SyncLog,
    Task,
    utcnow,
)
from core.services import Actor, Services
from core.store import TaskQuery, TaskSort
from core.sync.conflicts import merge, winner
from core.sync.directory import ITEM_ERRORS, build_directory
from core.sync.mapping import (
    Baseline,
    Directory,
    fingerprint,
    link_key,
    linked_ids,
    local_changes,
    local_fields,
    new_local_task,
    read_base,
    resolved,
    unlinked_ids,
)
from core.sync.structure import StructureCheck, local_refs, parents_first, remote_refs

log = logging.getLogger(__name__)
T = TypeVar("T")

_PAGE = 1000  # local tasks read per query
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_IMPORT_BATCH = 500  # new local tasks per commit
_LOG_FIELDS = {
    "status",
    "finished_at",
    "pulled",
    "pushed",
    "created",
    "updated",
    "deleted",
    "conflicts",
    "errors",
}


@dataclass
class _Run:
    """Counters and queued local writes of one run."""

    actor: Actor
    directory: Directory
    changes: ChangeSet
    can_pull: bool
    can_push: bool
    log: SyncLog
    updates: list[tuple[AuditAction, Task, dict[str, Any]]] = field(default_factory=list)
    imports: list[Task] = field(default_factory=list)
    pull_failed: bool = False
    check: StructureCheck = field(default_factory=lambda: StructureCheck(()))


class SyncEngine:
    """Runs syncs of one integration; local changes go through the services, audited as ``Surface.sync``."""

    def __init__(
        self,
        services: Services,
        client: IntegrationClient,
        integration: Integration,
        *,
        progress: Progress | None = None,
        flush_every: int = 100,
    ) -> None:
        self.services = services
        self.client = client
        self.integration = integration
        self.kind = integration.type
        self._progress = progress
        self._flush_every = flush_every

    @property
    def policy(self) -> ConflictPolicy:
        return self.integration.conflict_policy

    async def run(self, direction: SyncDirection | None = None) -> SyncLog:
        """One sync; returns its SyncLog (also stored). Failures are recorded there, not raised."""
        integ = self.integration
        direction = direction or integ.sync_direction
        store = self.services.store
        entry = SyncLog(workspace_id=integ.workspace_id, integration_id=integ.id, direction=direction)
        await store.sync_logs.add(entry)
        run: _Run | None = None
        cursor = integ.last_sync_cursor
        try:
            actor = await self._actor()
            await self.client.prepare()
            can_pull = direction in (SyncDirection.pull, SyncDirection.both)
            can_push = direction in (SyncDirection.push, SyncDirection.both)
            directory, report = await build_directory(
                self.services, self.client, actor, can_pull=can_pull, can_push=can_push
            )
            entry.errors.extend(report.errors)
            entry.created += report.projects_pulled + report.projects_pushed
            entry.pulled += report.projects_pulled
            entry.pushed += report.projects_pushed
            directory.structure = frozenset(self.client.structure)
            changes = await self.client.changes_since(integ.last_sync_cursor, self._progress)
            run = _Run(actor, directory, changes, can_pull, can_push, entry)
            await self._walk(run, await self._local_tasks())
            await self._flush(run, force=True)
            if not run.pull_failed:
                cursor = changes.cursor
            entry.status = "partial" if entry.errors else "ok"
        except OrchestratorError as exc:
            entry.errors.append(str(exc))
            entry.status = "failed"
            if run is not None:
                await self._flush_quietly(run)
        except Exception:
            entry.errors.append("An unexpected error stopped the sync; see the server log.")
            entry.status = "failed"
            raise
        finally:
            await self._finish(entry, cursor)
        return entry

    async def _finish(self, entry: SyncLog, cursor: str | None) -> None:
        entry.finished_at = utcnow()
        store = self.services.store
        await store.sync_logs.update(
            entry.workspace_id,
            entry.id,
            entry.model_dump(include=_LOG_FIELDS),
        )
        self.integration = await store.integrations.update(
            self.integration.workspace_id,
            self.integration.id,
            {"last_sync_at": entry.finished_at, "last_sync_status": entry.status, "last_sync_cursor": cursor},
        )
        counts = f"pulled {entry.pulled}, pushed {entry.pushed}, conflicts {len(entry.conflicts)}"
        log.info("sync %s %s: %s (%s)", self.kind.value, entry.direction.value, entry.status, counts)

    async def _actor(self) -> Actor:
        """The workspace's sync user: every local change of a run is audited under it."""
        ws = self.integration.workspace_id
        users = self.services.users
        if await self.services.store.workspaces.get(ws) is None:
            await users.ensure_workspace(ws, Platform.console)
        user = await users.ensure_user(ws, f"{self.kind.value} sync", role=Role.member)
        return Actor(user, Surface.sync)

    async def _local_tasks(self) -> list[Task]:
        ws = self.integration.workspace_id
        out: list[Task] = []
        while True:
            query = TaskQuery(include_deleted=True, sort=TaskSort.number, limit=_PAGE, offset=len(out))
            page = await self.services.store.tasks.list(ws, query)
            out.extend(page.items)
            if not page.items or not page.has_more:
                return out

    async def _walk(self, run: _Run, local: list[Task]) -> None:
        key = link_key(self.kind)
        linked = {t.external_ids[key]: t for t in local if key in t.external_ids}
        unlinked = {t.id: t for t in local if key not in t.external_ids}
        for remote_id, linked_task in linked.items():
            run.directory.link_task(linked_task.id, remote_id)
        run.check = StructureCheck(local)
        remote_ids = {r.id for r in run.changes.tasks}
        total = len(run.changes.tasks) + len(unlinked)
        done = 0
        for remote in parents_first(run.changes.tasks, lambda r: r.id, remote_refs):
            task = linked.get(remote.id)
            if task is None and remote.local_ref in unlinked:
                task = unlinked.pop(remote.local_ref)  # created by an earlier push whose answer was lost
                run.directory.link_task(task.id, remote.id)
            try:
                remote = resolved(remote, run.directory)
                if task is None:
                    self._import(run, remote)
                else:
                    await self._settle(run, task, remote)
            except ITEM_ERRORS as exc:
                run.log.errors.append(f"{task.ref if task else remote.fields.title}: {exc}")
            done += 1
            await self._flush(run)
            self._tick(done, total)
        # A snapshot lists every remote task, so a linked one missing from it is gone; an incremental
        # listing names its deletions.
        gone = set(linked) if run.changes.snapshot else set(run.changes.deleted_ids)
        for remote_id, task in linked.items():
            if remote_id in remote_ids:
                continue
            if remote_id in gone:
                if await self._remote_deleted(run, task):  # recreate it there
                    ids = unlinked_ids(task, self.kind)
                    unlinked[task.id] = task.model_copy(update={"external_ids": ids})
            else:
                await self._unlisted(run, task, remote_id)
        for task in parents_first(list(unlinked.values()), lambda t: t.id, local_refs):
            if task.deleted_at is None and run.can_push:
                try:
                    await self._push_new(run, task)
                except ITEM_ERRORS as exc:
                    run.log.errors.append(f"{task.ref}: {exc}")
            done += 1
            await self._flush(run)
            self._tick(done, total)

    async def _unlisted(self, run: _Run, task: Task, remote_id: str) -> None:
        """A linked task an incremental listing left out (unchanged there): push its local edits or delete."""
        base = read_base(task, self.kind)
        if base is None:
            return
        # The remote side stands at the baseline: the merge then only carries local changes out.
        stand_in = RemoteTask(remote_id, TaskFields.from_json(base), updated_at=_EPOCH)
        try:
            await self._settle(run, task, stand_in)
        except ITEM_ERRORS as exc:
            run.log.errors.append(f"{task.ref}: {exc}")
        await self._flush(run)

    async def _settle(self, run: _Run, task: Task, remote: RemoteTask) -> None:
        """Bring a linked task and its remote item together; a task deleted here goes out as a delete."""
        if task.deleted_at is not None:
            await self._local_deleted(run, task, remote)
        else:
            await self._reconcile(run, task, remote)

    def _tick(self, done: int, total: int) -> None:
        if self._progress:
            self._progress("apply", done, total)

    def _import(self, run: _Run, remote: RemoteTask) -> None:
        if not run.can_pull:
            return
        ws = self.integration.workspace_id
        parent = run.directory.remote_to_task.get(remote.fields.parent or "")
        # A new task has no subtasks yet and nothing waits on it: only its depth can be refused.
        reason = run.check.refuse_parent("", parent) if parent else None
        if reason:
            run.log.errors.append(f"{remote.fields.title[:60]}: kept as a top-level task here ({reason}).")
            remote = dataclasses.replace(remote, fields=remote.fields.replace(parent=None))
        task = new_local_task(ws, run.actor.user_id, self.kind, remote, run.directory)
        run.directory.link_task(task.id, remote.id)  # its subtasks and the tasks it blocks, walked later
        run.check.add(task)
        run.imports.append(task)

    def _fields(self, run: _Run, task: Task, base: Baseline | None) -> dict[str, Any]:
        return self.client.normalize(local_fields(task, run.directory, base)).to_json()

    async def _reconcile(self, run: _Run, task: Task, remote: RemoteTask) -> None:
        base = read_base(task, self.kind)
        # Cheap checks first: raw values equal to the baseline are unchanged without normalizing them
        # (normalizing means a Markdown round trip per description).
        raw_local = local_fields(task, run.directory, base).to_json()
        local_same = base is not None and fingerprint(raw_local) == base
        remote_changed = base is None or (
            remote.id in run.changes.changed_ids and fingerprint(remote.fields.to_json()) != base
        )
        if local_same and not remote_changed:
            return  # the common case of an incremental run: nothing to do, nothing written
        local = raw_local if local_same else self._fields(run, task, base)
        remote_json = self.client.normalize(remote.fields).to_json() if remote_changed else None
        result = merge(
            base,
            local,
            remote_json,
            policy=self.policy,
            local_time=task.updated_at,
            remote_time=remote.updated_at,
            can_pull=run.can_pull,
            can_push=run.can_push,
        )
        for c in result.conflicts:
            self._record_conflict(run, task, remote.id, c.field, c.local, c.remote, c.winner)
        if result.to_remote:
            try:
                await self.client.update_task(
                    remote.id, TaskFields.from_json(local), frozenset(result.to_remote)
                )
                run.log.pushed += 1
                run.log.updated += 1
            except ITEM_ERRORS as exc:
                run.log.errors.append(f"{task.ref}: {exc}")
                for name in result.to_remote:  # keep the old baseline: the change is retried next run
                    result.base[name] = (base or fingerprint(remote_json or local))[name]
        changes = local_changes(task, remote, result.to_local, run.directory)
        changes = {k: v for k, v in changes.items() if getattr(task, k) != v}
        if changes.keys() & {"parent_id", "dependencies"}:
            self._check_structure(run, task, changes, result.base, local)
        if changes:
            run.log.pulled += 1
            run.log.updated += 1
        if changes or result.base != base:
            changes["external_ids"] = linked_ids(task, self.kind, remote.id, result.base)
            run.updates.append((AuditAction.update, task, changes))

    def _check_structure(
        self, run: _Run, task: Task, changes: dict[str, Any], base: Baseline, local: dict[str, Any]
    ) -> None:
        """Drop pulled structure our rules refuse: the local value stays, and so does its baseline."""
        agreed = fingerprint(local)
        if "parent_id" in changes:
            reason = run.check.refuse_parent(task.id, changes["parent_id"])
            if reason:
                run.log.errors.append(f"{task.ref}: kept its parent here ({reason}).")
                del changes["parent_id"]
                base["parent"] = agreed["parent"]
        if "dependencies" in changes:
            refused = run.check.refused_blockers(task.id, changes["dependencies"])
            if refused:
                run.log.errors.append(f"{task.ref}: kept its blockers here (a blocker there waits on it).")
                del changes["dependencies"]
                base["blocked_by"] = agreed["blocked_by"]
        run.check.set(
            task.id,
            parent_id=changes.get("parent_id", task.parent_id),
            dependencies=changes.get("dependencies", task.dependencies),
        )

    async def _local_deleted(self, run: _Run, task: Task, remote: RemoteTask) -> None:
        """Deleted here, still there: delete it there, unless the policy keeps a newer remote edit."""
        if not run.can_push:
            return
        base = read_base(task, self.kind)
        remote_json = self.client.normalize(remote.fields).to_json()
        remote_edited = (
            remote.id in run.changes.changed_ids and base is not None and fingerprint(remote_json) != base
        )
        if remote_edited:
            side = winner(self.policy, task.deleted_at or task.updated_at, remote.updated_at)
            if not run.can_pull:
                side = "local"
            self._record_conflict(run, task, remote.id, "deleted", True, False, side)
            if side == "remote":
                changes = local_changes(task, remote, frozenset(remote_json), run.directory)
                changes.update(deleted_at=None, deleted_by=None)
                changes["external_ids"] = linked_ids(task, self.kind, remote.id, fingerprint(remote_json))
                run.updates.append((AuditAction.restore, task, changes))
                run.log.pulled += 1
                return
        await self.client.delete_task(remote.id)
        run.log.pushed += 1
        run.log.deleted += 1
        run.updates.append((AuditAction.update, task, {"external_ids": unlinked_ids(task, self.kind)}))

    async def _remote_deleted(self, run: _Run, task: Task) -> bool:
        """Gone there: soft-delete here, or create it again (kept local edit, push-only). True: recreate."""
        if task.deleted_at is not None:
            run.updates.append((AuditAction.update, task, {"external_ids": unlinked_ids(task, self.kind)}))
            return False
        base = read_base(task, self.kind)
        local_edited = base is not None and fingerprint(self._fields(run, task, base)) != base
        keep = not run.can_pull or (local_edited and self.policy is not ConflictPolicy.remote_wins)
        if local_edited:
            self._record_conflict(run, task, None, "deleted", False, True, "local" if keep else "remote")
        if keep and run.can_push:
            run.updates.append((AuditAction.update, task, {"external_ids": unlinked_ids(task, self.kind)}))
            return True
        if not run.can_pull:
            return False
        stamp = {"deleted_at": utcnow(), "deleted_by": run.actor.user_id}
        run.updates.append(
            (AuditAction.delete, task, {**stamp, "external_ids": unlinked_ids(task, self.kind)})
        )
        run.log.pulled += 1
        run.log.deleted += 1
        return False

    async def _push_new(self, run: _Run, task: Task) -> None:
        local = self._fields(run, task, None)
        created = await self.client.create_task(TaskFields.from_json(local), task.id)
        run.log.pushed += 1
        run.log.created += 1
        ids = linked_ids(task, self.kind, created.id, fingerprint(local))
        run.directory.link_task(task.id, created.id)  # its subtasks, pushed after it, go under it
        run.updates.append((AuditAction.update, task, {"external_ids": ids}))

    def _record_conflict(
        self, run: _Run, task: Task, remote_id: str | None, name: str, local: Any, remote: Any, side: str
    ) -> None:
        run.log.conflicts.append(
            {
                "task": task.ref,
                "task_id": task.id,
                "title": task.title[:80],
                "remote_id": remote_id,
                "field": name,
                "local": local,
                "remote": remote,
                "winner": side,
                "policy": self.policy.value,
                "at": utcnow().isoformat(),
            }
        )

    async def _flush(self, run: _Run, *, force: bool = False) -> None:
        """Write queued local changes (grouped per audit action) and new tasks."""
        if run.imports and (force or len(run.imports) >= _IMPORT_BATCH):
            batch, run.imports = run.imports, []
            try:
                await self.services.tasks.import_external(run.actor, batch)
                run.log.pulled += len(batch)
                run.log.created += len(batch)
            except ITEM_ERRORS as exc:
                run.pull_failed = True
                run.log.errors.append(f"importing {len(batch)} tasks: {exc}")
        if not run.updates or (not force and len(run.updates) < self._flush_every):
            return
        work, run.updates = run.updates, []
        for action in (AuditAction.update, AuditAction.delete, AuditAction.restore):
            group = [(task, changes) for a, task, changes in work if a is action]
            if group:
                await self._apply(run, action, group)

    async def _apply(self, run: _Run, action: AuditAction, group: list[tuple[Task, dict[str, Any]]]) -> None:
        try:
            await self.services.tasks.apply_external(run.actor, group, action)
        except ITEM_ERRORS:
            # One bad row must not sink the batch: retry one by one and record the failures.
            for task, changes in group:
                try:
                    await self.services.tasks.apply_external(run.actor, [(task, changes)], action)
                except ITEM_ERRORS as exc:
                    run.pull_failed = True
                    run.log.errors.append(f"{task.ref}: {exc}")

    async def _flush_quietly(self, run: _Run) -> None:
        """After a failure, still record what the tracker already accepted, so the baselines stay right."""
        try:
            await self._flush(run, force=True)
        except OrchestratorError as exc:
            log.warning("sync %s: could not save progress: %s", self.kind.value, exc)
