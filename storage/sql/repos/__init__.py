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

__all__ = [
    "SqlAgentLogRepo",
    "SqlAuditRepo",
    "SqlConversationRepo",
    "SqlIntegrationRepo",
    "SqlProjectRepo",
    "SqlReceiptRepo",
    "SqlSyncLogRepo",
    "SqlTaskRepo",
    "SqlUserRepo",
    "SqlWorkspaceRepo",
]
