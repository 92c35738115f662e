"""The sync engine (DESIGN §6): trackers' tasks kept in step with the local ones, both ways."""

from __future__ import annotations

from core.sync.engine import SyncEngine
from core.sync.service import ClientFactory, ConflictRecord, SyncService, describe, parse_type

__all__ = ["ClientFactory", "ConflictRecord", "SyncEngine", "SyncService", "describe", "parse_type"]
