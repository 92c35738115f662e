"""The core services: the only way any surface (chat, agent, sync, CLI) changes data."""

from __future__ import annotations

from core.services.actor import Actor
from core.services.audit import AuditTrail
from core.services.details import DetailsService
from core.services.history import ActivityService
from core.services.projects import ProjectService
from core.services.resolve import Resolver
from core.services.search import SearchService
from core.services.structure import StructureService
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
        self.structure = StructureService(store, self.resolve, self.audit, self.tasks)
        self.details = DetailsService(store, self.resolve, self.activity, self.structure)
        self.tasks.structure = self.structure  # deletes, restores and moves take subtasks along
        # core.schedule builds on this package (Actor, Resolver): imported here, once it is initialised.
        from core.schedule.digests import DigestService
        from core.schedule.reminders import ReminderService
        from core.schedule.reports import ReportService

        self.reminders = ReminderService(store, self.resolve)
        self.digests = DigestService(store)
        self.reports = ReportService(store, self.resolve)
        # A write that moves a task's due date, owner or state moves its reminders in the same call.
        self.tasks.after_write = self.undo.after_write = self.reminders.tasks_changed
