"""``DeltaStore``: the Delta Lake implementation of ``core.store.Store``.

Tables live at ``<root>/orchestrator/<table>`` (``<catalog>.orchestrator.<table>`` in a catalog), one per
entity.
"""

from __future__ import annotations

import asyncio
from typing import Any

from core.errors import ConfigurationError
from core.store import (
    AgentLogRepo,
    AuditRepo,
    ConversationRepo,
    DeliveryRepo,
    IntegrationRepo,
    MaintenanceReport,
    ProjectRepo,
    ReceiptRepo,
    ScheduleRepo,
    SyncLogRepo,
    TableInfo,
    TaskRepo,
    UserRepo,
    WorkspaceRepo,
)
from storage.delta.leases import MaintenanceLeases
from storage.delta.maintenance import Maintainer
from storage.delta.outbox import AuditOutbox
from storage.delta.repos import (
    DeltaAgentLogRepo,
    DeltaAuditRepo,
    DeltaConversationRepo,
    DeltaDeliveryRepo,
    DeltaIntegrationRepo,
    DeltaProjectRepo,
    DeltaReceiptRepo,
    DeltaScheduleRepo,
    DeltaSyncLogRepo,
    DeltaTaskRepo,
    DeltaUserRepo,
    DeltaWorkspaceRepo,
)
from storage.delta.schema import (
    AGENT_LOGS,
    ALL_SPECS,
    AUDIT_EVENTS,
    CONVERSATIONS,
    DELIVERIES,
    INTEGRATIONS,
    LEASES,
    PROJECTS,
    RECEIPTS,
    SCHEDULES,
    SCHEMA_NAME,
    SYNC_LOGS,
    TASKS,
    USERS,
    WORKSPACES,
    M,
    TableSpec,
    schema_drift,
)
from storage.delta.table import DeltaEntityTable


class DeltaStore:
    """Delta Lake tables under ``root`` (a folder or an object-store URI), one per entity.

    ``auto_maintain_files``: once a table passes this many data files, the write that noticed schedules its
    maintenance in the background (``0`` turns that off; ``maintain()`` uses the same threshold).
    """

    def __init__(
        self,
        root: str,
        storage_options: dict[str, str] | None = None,
        *,
        auto_maintain_files: int = 150,
        vacuum_retention_hours: int = 24,
        reopen_every: int = 50,
    ) -> None:
        if reopen_every < 1:
            raise ConfigurationError("reopen_every must be at least 1.")
        drift = [problem for spec in ALL_SPECS for problem in schema_drift(spec)]
        if drift:
            # A model field without a column would be silently dropped on every write.
            raise ConfigurationError("storage/delta/schema.py is behind core/models.py: " + "; ".join(drift))
        self.root = root.rstrip("/")
        self._options = storage_options
        self._reopen_every = reopen_every
        self._auto = auto_maintain_files > 0
        self._all: dict[str, DeltaEntityTable[Any]] = {}
        self._tables: dict[str, DeltaEntityTable[Any]] = {}  # the ones maintenance looks after
        # The audited tables' commits carry their audit events; the outbox copies them to audit_events.
        self.outbox = AuditOutbox(self._table(AUDIT_EVENTS))
        # Annotated with the protocol types: Store declares them as (invariant) attributes.
        self.workspaces: WorkspaceRepo = DeltaWorkspaceRepo(self._table(WORKSPACES))
        self.users: UserRepo = DeltaUserRepo(self._table(USERS, audited=True))
        self.projects: ProjectRepo = DeltaProjectRepo(self._table(PROJECTS, audited=True))
        self.tasks: TaskRepo = DeltaTaskRepo(self._table(TASKS, audited=True))
        self.audit: AuditRepo = DeltaAuditRepo(self._all[AUDIT_EVENTS.name], self.outbox)
        self.integrations: IntegrationRepo = DeltaIntegrationRepo(self._table(INTEGRATIONS))
        self.conversations: ConversationRepo = DeltaConversationRepo(self._table(CONVERSATIONS))
        self.agent_logs: AgentLogRepo = DeltaAgentLogRepo(self._table(AGENT_LOGS))
        self.sync_logs: SyncLogRepo = DeltaSyncLogRepo(self._table(SYNC_LOGS))
        self.receipts: ReceiptRepo = DeltaReceiptRepo(self._table(RECEIPTS))
        self.schedules: ScheduleRepo = DeltaScheduleRepo(self._table(SCHEDULES))
        self.deliveries: DeliveryRepo = DeltaDeliveryRepo(self._table(DELIVERIES))
        # The lease table stays tiny (a row per table, rewritten in place) and is left out of maintenance,
        # which would otherwise need a lease on itself.
        leases = MaintenanceLeases(self._table(LEASES, maintained=False))
        self._maintainer = Maintainer(
            self._tables,
            leases,
            threshold=auto_maintain_files,
            vacuum_retention_hours=vacuum_retention_hours,
            before_cleanup=self.outbox.reconcile,  # events still only in the log must be copied first
        )

    def _table(
        self, spec: TableSpec[M], *, maintained: bool = True, audited: bool = False
    ) -> DeltaEntityTable[M]:
        table = DeltaEntityTable(
            spec,
            f"{self.root}/{SCHEMA_NAME}/{spec.name}",
            self._options,
            reopen_every=self._reopen_every,
            on_commit=self._after_commit,
            outbox=self.outbox if audited else None,
        )
        if audited:
            self.outbox.watch(table)
        self._all[spec.name] = table
        if maintained:
            self._tables[spec.name] = table
        return table

    def _after_commit(self, table: DeltaEntityTable[Any], files: int) -> None:
        if self._auto and self._maintainer.due(files):
            self._maintainer.request(table.name)

    def table_uri(self, name: str) -> str:
        """Where one table lives (for engines that read it directly)."""
        return self._all[name].uri

    async def open(self) -> None:
        """Create missing tables; safe to call on every start."""
        await asyncio.gather(*(t.open() for t in self._all.values()))

    async def close(self) -> None:
        """Let background audit copies and maintenance finish, then drop the table handles."""
        await self.outbox.idle()
        await self._maintainer.idle()
        for table in self._all.values():
            table.close()

    async def info(self) -> list[TableInfo]:
        return list(await asyncio.gather(*(t.info() for t in self._all.values())))

    async def maintain(self, *, force: bool = False) -> list[MaintenanceReport]:
        """Compact, checkpoint and vacuum; without ``force`` only tables past their threshold."""
        reports = []
        for table in self._tables.values():
            report = await self._maintainer.run(table, force=force)
            if report is not None:
                reports.append(report)
        return reports

    async def maintenance_idle(self) -> None:
        """Wait for maintenance scheduled in the background after writes (tests, graceful shutdown)."""
        await self._maintainer.idle()
