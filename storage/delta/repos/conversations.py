"""Agent context per conversation: saved whole each turn."""

from __future__ import annotations

from core.models import Conversation
from storage.delta.table import DeltaEntityTable


class DeltaConversationRepo:
    def __init__(self, table: DeltaEntityTable[Conversation]) -> None:
        self._t = table

    async def get(self, workspace_id: str, conversation_id: str) -> Conversation | None:
        return await self._t.get(workspace_id, conversation_id)

    async def save(self, conversation: Conversation) -> None:
        """Insert or replace the whole conversation row."""
        await self._t.upsert(conversation.workspace_id, conversation)

    async def delete(self, workspace_id: str, conversation_id: str) -> None:
        await self._t.delete(self._t.key(workspace_id, conversation_id))
