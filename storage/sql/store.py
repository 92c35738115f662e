"""``SqlStore``: the SQLAlchemy (async) implementation of ``core.store.Store`` on SQLite or PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

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
from storage.sql import bulk, migrate
from storage.sql.convert import (
    AGENT_LOGS,
    AUDIT_EVENTS,
    CONVERSATIONS,
    DELIVERIES,
    INTEGRATIONS,
    PROJECTS,
    SCHEDULES,
    SYNC_LOGS,
    TASKS,
    USERS,
    WORKSPACES,
)
from storage.sql.database import Database
from storage.sql.engine import SqlLocation, parse_sql_url
from storage.sql.repos import (
    SqlAgentLogRepo,
    SqlAuditRepo,
    SqlConversationRepo,
    SqlDeliveryRepo,
    SqlIntegrationRepo,
    SqlProjectRepo,
    SqlReceiptRepo,
    SqlScheduleRepo,
    SqlSyncLogRepo,
    SqlTaskRepo,
    SqlUserRepo,
    SqlWorkspaceRepo,
)
from storage.sql.rows import EntityRows
from storage.sql.tables import DATA_TABLES, number_counters


class SqlStore:
    """Every entity in its own table of one SQLite file or PostgreSQL database (``url``)."""

    def __init__(self, url: str | SqlLocation) -> None:
        self.location = url if isinstance(url, SqlLocation) else parse_sql_url(url)
        self.db = Database(self.location)
        db = self.db
        # Annotated with the protocol types: Store declares them as (invariant) attributes.
        self.workspaces: WorkspaceRepo = SqlWorkspaceRepo(EntityRows(db, WORKSPACES))
        self.users: UserRepo = SqlUserRepo(EntityRows(db, USERS))
        self.projects: ProjectRepo = SqlProjectRepo(EntityRows(db, PROJECTS))
        self.tasks: TaskRepo = SqlTaskRepo(EntityRows(db, TASKS))
        self.audit: AuditRepo = SqlAuditRepo(EntityRows(db, AUDIT_EVENTS))
        self.integrations: IntegrationRepo = SqlIntegrationRepo(EntityRows(db, INTEGRATIONS))
        self.conversations: ConversationRepo = SqlConversationRepo(EntityRows(db, CONVERSATIONS))
        self.agent_logs: AgentLogRepo = SqlAgentLogRepo(EntityRows(db, AGENT_LOGS))
        self.sync_logs: SyncLogRepo = SqlSyncLogRepo(EntityRows(db, SYNC_LOGS))
        self.receipts: ReceiptRepo = SqlReceiptRepo(db)
        self.schedules: ScheduleRepo = SqlScheduleRepo(EntityRows(db, SCHEDULES))
        self.deliveries: DeliveryRepo = SqlDeliveryRepo(EntityRows(db, DELIVERIES))
        self.revision: str | None = None

    # -- lifecycle -------------------------------------------------------------------------------------------

    async def open(self) -> None:
        """Create the schema in an empty database; refuse to start on one that is behind (or ahead)."""
        path = self.location.sqlite_path
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        state = await self.db.schema_work(migrate.ensure_current, action="check the database schema")
        self.revision = state.after

    async def upgrade(self) -> migrate.SchemaState:
        """Apply the migrations the database is missing (``orchestrator db upgrade``)."""
        path = self.location.sqlite_path
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        state = await self.db.schema_work(migrate.upgrade, action="upgrade the database schema")
        self.revision = state.after
        return state

    async def close(self) -> None:
        await self.db.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Writes made through this store inside the block commit together, or not at all.

        Don't run repository calls concurrently inside it (they would share one connection in turn).
        """
        async with self.db.transaction():
            yield

    # -- statistics and maintenance --------------------------------------------------------------------------

    def _tables(self) -> list[sa.Table]:
        return [*DATA_TABLES, number_counters]

    async def info(self) -> list[TableInfo]:
        """Row counts per table; ``version`` is the schema revision, ``files`` 1 (a table is one relation)."""
        tables = self._tables()
        query = sa.union_all(*(sa.select(sa.literal(t.name), sa.func.count()).select_from(t) for t in tables))

        async def work(conn: AsyncConnection) -> dict[str, int]:
            return {name: int(n) for name, n in await conn.execute(query)}

        counts = await self.db.read(work, action="describe the tables")
        version = migrate.revision_number(self.revision)
        where = self.location.display()
        return [TableInfo(t.name, version, 1, counts.get(t.name, 0), f"{where}#{t.name}") for t in tables]

    async def maintain(self, *, force: bool = False) -> list[MaintenanceReport]:
        """Refresh the planner statistics (ANALYZE); forced on SQLite also VACUUM, a WAL checkpoint and a
        merge of the search index.

        Unforced, SQLite runs ``PRAGMA optimize`` (ANALYZE where it is stale) and PostgreSQL leaves it to
        autovacuum: no table is past a threshold, so no report.
        """
        started = time.perf_counter()
        sqlite = self.db.dialect == "sqlite"
        if not force:
            if sqlite:
                await self._autocommit(["PRAGMA optimize"])
            return []
        if sqlite:
            # Merging the search index's segments into one makes every search's vocabulary walk cheaper.
            optimize = "INSERT INTO task_search (task_search) VALUES ('optimize')"
            statements = [optimize, "ANALYZE", "VACUUM", "PRAGMA wal_checkpoint(TRUNCATE)"]
        else:  # table by table: a shared database may hold much else
            statements = [f"ANALYZE {t.name}" for t in self._tables()]
        await self._autocommit(statements)
        seconds = round(time.perf_counter() - started, 3)
        return [MaintenanceReport(t.name, 1, 1, sqlite, sqlite, 0, seconds) for t in self._tables()]

    async def _autocommit(self, statements: Sequence[str]) -> None:
        async def work(conn: AsyncConnection) -> None:
            raw = await conn.get_raw_connection()
            driver: Any = raw.driver_connection
            for statement in statements:
                await driver.execute(statement)

        # Outside any transaction: VACUUM refuses to run inside one.
        await self.db.read(work, action="maintain the database")

    # -- bulk copy (orchestrator db copy) -------------------------------------------------------------------

    async def count_rows(self, table: str) -> int:
        return await bulk.count(self.db, table)

    def export_rows(self, table: str, batch: int = 1000) -> AsyncIterator[list[dict[str, Any]]]:
        return bulk.export_rows(self.db, table, batch)

    async def import_rows(self, table: str, rows: Sequence[dict[str, Any]]) -> None:
        await bulk.import_rows(self.db, table, rows)
