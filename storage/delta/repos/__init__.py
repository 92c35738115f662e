"""One repository per entity over its Delta table (the ``core.store`` repository protocols)."""

from storage.delta.repos.audit import DeltaAuditRepo
from storage.delta.repos.conversations import DeltaConversationRepo
from storage.delta.repos.deliveries import DeltaDeliveryRepo
from storage.delta.repos.integrations import DeltaIntegrationRepo
from storage.delta.repos.logs import DeltaAgentLogRepo, DeltaSyncLogRepo
from storage.delta.repos.projects import DeltaProjectRepo
from storage.delta.repos.receipts import DeltaReceiptRepo
from storage.delta.repos.schedules import DeltaScheduleRepo
from storage.delta.repos.tasks import DeltaTaskRepo
from storage.delta.repos.users import DeltaUserRepo
from storage.delta.repos.workspaces import DeltaWorkspaceRepo

__all__ = [
    "DeltaAgentLogRepo",
    "DeltaAuditRepo",
    "DeltaConversationRepo",
    "DeltaDeliveryRepo",
    "DeltaIntegrationRepo",
    "DeltaProjectRepo",
    "DeltaReceiptRepo",
    "DeltaScheduleRepo",
    "DeltaSyncLogRepo",
    "DeltaTaskRepo",
    "DeltaUserRepo",
    "DeltaWorkspaceRepo",
]
