"""One repository per entity over its SQL table (the ``core.store`` repository protocols)."""

from storage.sql.repos.logs import SqlAgentLogRepo, SqlSyncLogRepo
from storage.sql.repos.numbered import SqlProjectRepo, SqlTaskRepo
from storage.sql.repos.people import SqlUserRepo, SqlWorkspaceRepo
from storage.sql.repos.records import (
    SqlAuditRepo,
    SqlConversationRepo,
    SqlIntegrationRepo,
    SqlReceiptRepo,
)
from storage.sql.repos.schedules import SqlDeliveryRepo, SqlScheduleRepo

__all__ = [
    "SqlAgentLogRepo",
    "SqlAuditRepo",
    "SqlConversationRepo",
    "SqlDeliveryRepo",
    "SqlIntegrationRepo",
    "SqlProjectRepo",
    "SqlReceiptRepo",
    "SqlScheduleRepo",
    "SqlSyncLogRepo",
    "SqlTaskRepo",
    "SqlUserRepo",
    "SqlWorkspaceRepo",
]
