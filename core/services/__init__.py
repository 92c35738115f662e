"""The core services: the only way any surface (chat, agent, sync, CLI) changes data."""

from __future__ import annotations

from core.services.actor import Actor
from core.services.audit import AuditTrail
from core.services.details import DetailsService
from core.services.history import ActivityService
from core.services.projects import ProjectService
from core.services.resolve import Resolver
from core.services.search import SearchService
from core.services.tasks import UNSET, TaskService
from core.services.undo import UndoResult, UndoService
from core.services.users import UserService
from core.store import Store

__all__ = ["UNSET", "Actor", "Services", "UndoResult"]


class Services:
    """Everything a surface needs, built over one Store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.resolve = Resolver(store)
        self.audit = AuditTrail()
        self.tasks = TaskService(store, self.resolve, self.audit)
        self.projects = ProjectService(store, self.resolve, self.audit)
        self.users = UserService(store, self.audit)
        self.undo = UndoService(store, self.audit)
        self.search = SearchService(store)
        self.activity = ActivityService(store, self.resolve)
        self.details = DetailsService(store, self.resolve, self.activity)
