"""One Delta table of entities: its handle, its single in-process writer, reads, and every kind of commit.

Every blocking deltalake call runs in a worker thread. Writes to one table are serialised by an asyncio lock
(one writer per table per process, so this process never conflicts with itself) and retried with jittered
backoff when another process commits first. The handle is refreshed before each read and write so other
processes' commits are seen, and re-opened every ``reopen_every`` commits because a long-lived handle gets
slower with every commit it makes (delta-facts.md).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Generic, TypeVar

import pyarrow as pa
import pyarrow.compute as pc
from deltalake import DeltaTable, Field, write_deltalake
from deltalake.exceptions import CommitFailedError

from core.errors import NotFoundError, OrchestratorError, StorageError
from core.models import AuditEvent
from core.store import Recorder, TableInfo
from storage.changes import changes_by_row
from storage.delta.convert import (
    SET_FLAG,
    changes_many_to_arrow,
    plain,
    rows_at,
    to_arrow,
    to_models,
    validate_changes,
)
from storage.delta.errors import retry_conflicts, translate
from storage.delta.numbering import NumberCache
from storage.delta.outbox import OUTBOX_KEY, AuditOutbox, commit_properties, decode
from storage.delta.predicates import and_, eq, is_in
from storage.delta.schema import TABLE_PROPERTIES, M, TableSpec

T = TypeVar("T")


@dataclass
class _Outcome(Generic[T]):
    """What a commit function returns: its result, for numbered appends the new per-workspace maxima, and
    the audit events its commit carried."""

    result: T
    highest: Mapping[str, int] | None = None
    events: list[AuditEvent] = field(default_factory=list)


@dataclass
class _Committed(Generic[T]):
    outcome: _Outcome[T]
    version: int
    files: int | None  # None: nothing was committed


CommitHook = Callable[["DeltaEntityTable[Any]", int], None]


class DeltaEntityTable(Generic[M]):
    """Reads and writes of one entity table; every predicate is scoped by ``spec.scope``."""

    def __init__(
        self,
        spec: TableSpec[M],
        uri: str,
        storage_options: dict[str, str] | None = None,
        *,
        reopen_every: int = 50,
        on_commit: CommitHook | None = None,
        outbox: AuditOutbox | None = None,
    ) -> None:
        self.spec = spec
        self.name = spec.name
        self.uri = uri
        self.lock = asyncio.Lock()  # the table's one writer in this process
        self.storage_options = storage_options
        self._reopen_every = reopen_every
        self._on_commit = on_commit
        self._outbox = outbox  # where the audit events this table's commits carry are copied to
        # Two handles: readers refresh theirs at any moment, while a commit must stay on the snapshot its
        # numbers and merge were computed on; the writer's handle is only touched under ``lock``.
        self._reader: DeltaTable | None = None
        self._writer: DeltaTable | None = None
        self._writes = 0
        self._numbers = NumberCache()

    # -- lifecycle -------------------------------------------------------------------------------------------

    async def open(self) -> None:
        """Create the table if it is missing and add columns the model gained since it was created."""
        await self._run(self._open_sync, action="open")

    def _open_sync(self) -> None:
        if not DeltaTable.is_deltatable(self.uri, storage_options=self.storage_options):
            try:
                DeltaTable.create(
                    self.uri,
                    self.spec.schema,
                    mode="ignore",
                    name=self.name,
                    configuration=TABLE_PROPERTIES,
                    storage_options=self.storage_options,
                )
            except Exception:
                # Another process may have created it between the check and our create.
                if not DeltaTable.is_deltatable(self.uri, storage_options=self.storage_options):
                    raise
        dt = DeltaTable(self.uri, storage_options=self.storage_options)
        present = {f.name for f in dt.schema().fields}
        missing = [self.spec.schema.field(n) for n in self.spec.columns if n not in present]
        if missing:
            dt.alter.add_columns([Field.from_arrow(f) for f in missing])
        self._writer = dt
        self._reader = DeltaTable(self.uri, storage_options=self.storage_options)

    def close(self) -> None:
        self._reader = self._writer = None

    def handle(self) -> DeltaTable:
        """The handle for reads."""
        if self._reader is None:
            raise StorageError("The store is not open yet.", hint="Call `await store.open()` first.")
        return self._reader

    def writer(self) -> DeltaTable:
        """The handle for commits: only while holding ``lock``."""
        if self._writer is None:
            raise StorageError("The store is not open yet.", hint="Call `await store.open()` first.")
        return self._writer

    def reopen_sync(self) -> None:
        """Swap in fresh handles (under ``lock``; readers still holding the old one finish undisturbed)."""
        self._writer = DeltaTable(self.uri, storage_options=self.storage_options)
        self._reader = DeltaTable(self.uri, storage_options=self.storage_options)
        self._writes = 0
        self._numbers.clear()

    async def _run(self, fn: Callable[..., T], *args: Any, action: str) -> T:
        try:
            return await asyncio.to_thread(fn, *args)
        except (CommitFailedError, OrchestratorError):
            raise  # a conflict is retried by retry_conflicts; our own errors (NotFoundError …) are final
        except Exception as exc:
            raise translate(exc, self.name, action) from exc

    # -- reads -----------------------------------------------------------------------------------------------

    def key(self, scope_value: str, row_id: str) -> str:
        """Predicate for one row of one workspace."""
        if self.spec.scope == "id":
            return eq("id", row_id) if row_id == scope_value else "FALSE"
        return and_(eq(self.spec.scope, scope_value), eq("id", row_id))

    def _select_sync(self, predicate: str | None, columns: Sequence[str] | None) -> pa.Table:
        dt = self.handle()
        dt.update_incremental()
        names = list(columns or self.spec.columns)
        return pa.table(dt.scan(columns=names, predicate=predicate)).select(names)

    async def read(
        self, predicate: str | None, fn: Callable[[pa.Table], T], columns: Sequence[str] | None = None
    ) -> T:
        """Scan, then shape the rows with ``fn`` in the same worker thread (sorting, paging, decoding).

        ``predicate`` ``None`` reads every workspace: only for the few cross-tenant listings. The rows come
        with the engine's types (``string_view``); see ``convert.plain`` before computing on them.
        """

        def work() -> T:
            return fn(self._select_sync(predicate, columns))

        return await self._run(work, action=f"read {self.name}")

    async def models(
        self, predicate: str | None, *, order: Sequence[tuple[str, str]] = (), limit: int | None = None
    ) -> list[M]:
        """Matching rows as models, sorted by ``order`` (nulls last) and cut to ``limit``."""

        def shape(table: pa.Table) -> list[M]:
            if order and table.num_rows > 1:
                keys = plain(self.spec, table, [name for name, _ in order])
                sort_keys = [(name, direction, "at_end") for name, direction in order]
                indices = pc.sort_indices(keys, sort_keys=sort_keys)
                table = rows_at(self.spec, table, indices if limit is None else indices[: max(limit, 0)])
            elif limit is not None:
                table = table.slice(0, max(limit, 0))
            return to_models(self.spec, table)

        return await self.read(predicate, shape)

    async def first(self, predicate: str) -> M | None:
        rows = await self.models(predicate)
        return rows[0] if rows else None

    async def get(self, scope_value: str, row_id: str) -> M | None:
        return await self.first(self.key(scope_value, row_id))

    async def info(self) -> TableInfo:
        return await self._run(self._info_sync, action=f"describe {self.name}")

    def _info_sync(self) -> TableInfo:
        dt = self.handle()
        dt.update_incremental()
        # count() sums per-file statistics, which every writer here records: exact without a scan.
        return TableInfo(self.name, dt.version(), len(dt.file_uris()), dt.count(), self.uri)

    async def file_count(self) -> int:
        return (await self.info()).files

    async def current_version(self) -> int:
        def work() -> int:
            dt = self.handle()
            dt.update_incremental()
            return dt.version()

        return await self._run(work, action=f"read the {self.name} version")

    async def outbox_events(self, since: int, versions: set[int]) -> list[AuditEvent]:
        """The audit events carried by the given versions (all newer than ``since``), oldest first."""

        def work() -> list[AuditEvent]:
            dt = self.handle()
            out: list[AuditEvent] = []
            for commit in reversed(dt.history(max(dt.version() - since, 1))):
                if commit.get("version") in versions and OUTBOX_KEY in commit:
                    out.extend(decode(str(commit[OUTBOX_KEY])))
            return out

        return await self._run(work, action=f"read the {self.name} history")

    def _rows_sync(self, dt: DeltaTable, predicate: str) -> list[M]:
        """Rows as of the snapshot ``dt`` is about to commit on (the before-image of a change)."""
        return to_models(self.spec, pa.table(dt.scan(columns=self.spec.columns, predicate=predicate)))

    # -- writes ----------------------------------------------------------------------------------------------

    async def _write(self, fn: Callable[[DeltaTable], _Outcome[T]], *, action: str) -> T:
        async def attempt() -> _Committed[T]:
            async with self.lock:
                done = await self._run(self._commit_sync, fn, action=action)
                if done.outcome.events and self._outbox is not None:
                    # Under the lock: no reconcile can see the version before it is known to be ours.
                    self._outbox.publish(self, done.version, done.outcome.events)
            return done

        done = await retry_conflicts(attempt, table=self.name, action=action)
        if done.files is not None and self._on_commit is not None:
            self._on_commit(self, done.files)
        return done.outcome.result

    def _commit_sync(self, fn: Callable[[DeltaTable], _Outcome[T]]) -> _Committed[T]:
        dt = self.writer()
        dt.update_incremental()
        before = dt.version()
        outcome = fn(dt)
        after = dt.version()
        if after == before:
            return _Committed(outcome, after, None)  # nothing was committed
        self._numbers.committed(before, after, outcome.highest)
        files = len(dt.file_uris())
        self._writes += 1
        if self._writes >= self._reopen_every:
            self.reopen_sync()
        return _Committed(outcome, after, files)

    def _audited(self, audit: Recorder | None, changes: Sequence[tuple[M | None, M]]) -> list[AuditEvent]:
        if audit is None:
            return []
        if self._outbox is None:
            raise StorageError(f"The {self.name} table can't keep audit events.")
        return audit(changes)

    async def append(self, models: Sequence[M], *, audit: Recorder | None = None) -> None:
        """Add rows in one commit (deltalake's own retry rebases plain appends over concurrent commits)."""
        if not models:
            return
        rows = list(models)

        def op(dt: DeltaTable) -> _Outcome[None]:
            events = self._audited(audit, [(None, m) for m in rows])
            props = commit_properties(events)
            write_deltalake(dt, to_arrow(self.spec, rows), mode="append", commit_properties=props)
            return _Outcome(None, events=events)

        await self._write(op, action=f"save the {self.spec.entity}")

    async def append_numbered(self, models: Sequence[M], *, audit: Recorder | None = None) -> list[M]:
        """Add rows in one commit, giving each the next free number of its workspace."""
        if not models:
            return []
        work = partial(self._numbered_sync, list(models), audit)
        return await self._write(work, action=f"add the {self.spec.entity}")

    def _numbered_sync(self, models: list[M], audit: Recorder | None, dt: DeltaTable) -> _Outcome[list[M]]:
        base = dt.version()
        groups: dict[str, list[int]] = {}
        for i, model in enumerate(models):
            groups.setdefault(getattr(model, self.spec.scope), []).append(i)
        out = list(models)
        highest: dict[str, int] = {}
        for workspace_id, indexes in groups.items():
            top = self._numbers.get(workspace_id, base)
            if top is None:
                top = self._max_number_sync(dt, workspace_id)
            for offset, i in enumerate(indexes, start=1):
                out[i] = out[i].model_copy(update={"number": top + offset})
            highest[workspace_id] = top + len(indexes)
        events = self._audited(audit, [(None, m) for m in out])  # numbered: refs are known now
        # No retries inside deltalake: committing exactly at base+1 or failing is what makes max+1 safe
        # across processes (a lost race surfaces, and the numbers are recomputed).
        props = commit_properties(events, max_commit_retries=0)
        write_deltalake(dt, to_arrow(self.spec, out), mode="append", commit_properties=props)
        return _Outcome(out, highest, events)

    def _max_number_sync(self, dt: DeltaTable, workspace_id: str) -> int:
        numbers = pa.table(dt.scan(columns=["number"], predicate=eq(self.spec.scope, workspace_id)))
        top = pc.max(numbers.column("number")).as_py() if numbers.num_rows else None
        return int(top or 0)

    def _merge_predicate(self, scope_value: str, row_id: str) -> str:
        # The literal key lets the merge skip every file whose id range cannot hold the row.
        clauses = ["t.id = s.id", f"t.{eq('id', row_id)}"]
        if self.spec.scope != "id":
            clauses.append(f"t.{eq(self.spec.scope, scope_value)}")
        return " AND ".join(clauses)

    async def update(
        self, scope_value: str, row_id: str, changes: Mapping[str, Any], *, audit: Recorder | None = None
    ) -> M:
        """Apply just the given fields (validated through the model) and return the stored row."""
        if self.spec.scope == "id" and row_id != scope_value:
            raise self._not_found(row_id)
        return (await self.update_many(scope_value, [(row_id, changes)], audit=audit))[0]

    async def update_many(
        self,
        scope_value: str,
        items: Sequence[tuple[str, Mapping[str, Any]]],
        *,
        audit: Recorder | None = None,
    ) -> list[M]:
        """Apply each row's own changes in one merge (one commit); other fields stay as stored.

        The rows are read inside the commit, on the snapshot it commits on: that is the exact before-image
        for the audit events, and the rows returned are those rows with the changes applied (no read after).
        """
        prepared = changes_by_row(
            items, partial(validate_changes, self.spec), stamp_updated_at=self.spec.has_updated_at
        )
        if not prepared:
            return []
        ids = list(prepared)
        source = changes_many_to_arrow(self.spec, prepared)
        columns = sorted({c for values in prepared.values() for c in values})
        # Each row takes only the columns it was given; a CASE per column keeps the others as stored.
        updates = {f'"{c}"': f'CASE WHEN s."{SET_FLAG}{c}" THEN s."{c}" ELSE t."{c}" END' for c in columns}
        # Literal keys let the merge skip every file whose id range cannot hold the rows.
        keys = eq("id", ids[0]) if len(ids) == 1 else is_in("id", ids)
        scope = and_(eq(self.spec.scope, scope_value), keys)
        predicate = f"t.id = s.id AND t.{eq(self.spec.scope, scope_value)} AND t.{keys}"

        def op(dt: DeltaTable) -> _Outcome[list[M]]:
            stored = {str(getattr(m, "id", "")): m for m in self._rows_sync(dt, scope)}
            missing = [row_id for row_id in ids if row_id not in stored]
            if missing:  # checked before writing: all or nothing
                raise self._not_found(missing[0])
            pairs = [(stored[i], stored[i].model_copy(update=prepared[i])) for i in ids]
            events = self._audited(audit, pairs)
            merge = dt.merge(
                source,
                predicate,
                source_alias="s",
                target_alias="t",
                commit_properties=commit_properties(events),
            )
            merge.when_matched_update(updates).execute()
            return _Outcome([after for _, after in pairs], events=events)

        return await self._write(
            op, action=f"update the {self.spec.entity}s" if len(ids) > 1 else f"update the {self.spec.entity}"
        )

    def _not_found(self, row_id: str) -> NotFoundError:
        return NotFoundError(f"I couldn't find that {self.spec.entity} (`{row_id}`) in this workspace.")

    async def upsert(self, scope_value: str, model: M) -> None:
        """Insert the row, or replace every column of the existing one."""
        row_id = str(getattr(model, "id"))  # noqa: B009 - every entity has an id
        source = to_arrow(self.spec, [model])
        predicate = self._merge_predicate(scope_value, row_id)

        def op(dt: DeltaTable) -> _Outcome[None]:
            merge = dt.merge(source, predicate, source_alias="s", target_alias="t")
            merge.when_matched_update_all().when_not_matched_insert_all().execute()
            return _Outcome(None)

        await self._write(op, action=f"save the {self.spec.entity}")

    async def insert_if_absent(self, scope_value: str, model: M) -> bool:
        """Insert the row unless one with its id exists; True if it was inserted."""
        row_id = str(getattr(model, "id"))  # noqa: B009
        source = to_arrow(self.spec, [model])
        predicate = self._merge_predicate(scope_value, row_id)

        def op(dt: DeltaTable) -> _Outcome[bool]:
            merge = dt.merge(source, predicate, source_alias="s", target_alias="t")
            metrics = merge.when_not_matched_insert_all().execute()
            return _Outcome(int(metrics.get("num_target_rows_inserted", 0)) > 0)

        return await self._write(op, action=f"add the {self.spec.entity}")

    async def put_if(self, scope_value: str, model: M, condition: str) -> bool:
        """Insert the row, or replace the stored one if ``condition`` (on ``t.``) holds; True if written.

        Two processes racing for the same row cannot both win: the loser's merge read the row's file, which
        the winner replaced, so its commit conflicts, is retried, and then sees the winner's row.
        """
        row_id = str(getattr(model, "id"))  # noqa: B009
        source = to_arrow(self.spec, [model])
        predicate = self._merge_predicate(scope_value, row_id)

        def op(dt: DeltaTable) -> _Outcome[bool]:
            merge = dt.merge(source, predicate, source_alias="s", target_alias="t")
            metrics = (
                merge.when_matched_update_all(predicate=condition).when_not_matched_insert_all().execute()
            )
            written = metrics.get("num_target_rows_inserted", 0) + metrics.get("num_target_rows_updated", 0)
            return _Outcome(int(written) > 0)

        return await self._write(op, action=f"save the {self.spec.entity}")

    async def commit(self, fn: Callable[[DeltaTable], T], *, action: str) -> T:
        """Run ``fn`` as this table's writer, on a fresh snapshot, retried whole on a commit conflict.

        For the conditional merges a repository builds itself (schedule claims): ``fn`` reads through the
        handle it is given and commits at most once through it.
        """
        return await self._write(lambda dt: _Outcome(fn(dt)), action=action)

    async def delete(self, predicate: str) -> int:
        """Delete matching rows; returns how many there were."""

        def op(dt: DeltaTable) -> _Outcome[int]:
            found = pa.table(dt.scan(columns=["id"], predicate=predicate)).num_rows
            if found:
                dt.delete(predicate)
            return _Outcome(found)

        return await self._write(op, action=f"delete the {self.spec.entity}")
