"""Running parsed quick-add commands through the services and phrasing the replies."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.conversation.messages import Reply, ReplyKind
from core.conversation.pending import BATCH, run_batch
from core.conversation.views import project_view, task_views
from core.models import Conversation, Task
from core.quickadd import (
    HELP_TEXT,
    USAGE,
    AddProject,
    AddTask,
    ArchiveProject,
    AssignTask,
    Command,
    CompleteTask,
    DeleteProject,
    DeleteTask,
    EditTask,
    Help,
    ListProjects,
    ListTasks,
    ReopenTask,
    Reset,
    RestoreTask,
    ShowProject,
    ShowTask,
    Undo,
)
from core.services import UNSET, Actor, Services

PendingAction = dict[str, Any]


def _refs(numbers: Sequence[int]) -> str:
    return ", ".join(f"T-{n}" for n in numbers)


class CommandRunner:
    """Maps each command to one service call; every reply names the task refs it touched."""

    def __init__(self, services: Services) -> None:
        self.s = services

    async def _active_project(self, actor: Actor, conv: Conversation) -> str | None:
        """The ref of the project last shown in this conversation, if it still exists."""
        if not conv.active_project_id:
            return None
        project = await self.s.store.projects.get(actor.workspace_id, conv.active_project_id)
        return project.ref if project is not None and project.deleted_at is None else None

    async def _views(self, actor: Actor, tasks: Sequence[Task]) -> Reply:
        return Reply("", tasks=await task_views(self.s.store, actor.workspace_id, tasks))

    async def _tasks_reply(self, actor: Actor, text: str, tasks: Sequence[Task], kind: ReplyKind) -> Reply:
        reply = await self._views(actor, tasks)
        reply.text, reply.kind = text, kind
        return reply

    async def run(
        self, actor: Actor, command: Command, conv: Conversation
    ) -> tuple[Reply, PendingAction | None]:
        """The reply, and an action to confirm on the next turn (deletes), if any."""
        tasks = self.s.tasks
        match command:
            case AddTask():
                task = await tasks.create(
                    actor,
                    command.title,
                    project=command.project or await self._active_project(actor, conv),
                    due=command.due,
                    priority=command.priority,
                    assignee=command.assignee,
                    tags=command.tags,
                )
                return await self._tasks_reply(actor, f"Created {task.ref}.", [task], ReplyKind.success), None
            case ListTasks():
                return await self._list(actor, command), None
            case ShowTask():
                task = await tasks.get(actor, command.number)
                return await self._tasks_reply(actor, "", [task], ReplyKind.info), None
            case CompleteTask():
                done = await tasks.complete(actor, list(command.numbers))
                text = f"Completed {_refs(command.numbers)}. Nice work!"
                return await self._tasks_reply(actor, text, done, ReplyKind.success), None
            case ReopenTask():
                reopened = await tasks.reopen_all(actor, list(command.numbers))
                text = f"Reopened {_refs(command.numbers)}."
                return await self._tasks_reply(actor, text, reopened, ReplyKind.success), None
            case EditTask():
                task = await tasks.update(
                    actor,
                    command.number,
                    title=command.title if command.title is not None else UNSET,
                    due=None if command.clear_due else (command.due if command.due is not None else UNSET),
                    priority=command.priority if command.priority is not None else UNSET,
                    project=None if command.clear_project else (command.project or UNSET),
                    assignee=None if command.clear_assignee else (command.assignee or UNSET),
                    add_tags=command.add_tags,
                    remove_tags=command.remove_tags,
                )
                return await self._tasks_reply(actor, f"Updated {task.ref}.", [task], ReplyKind.success), None
            case AssignTask():
                task = await tasks.assign(actor, command.number, command.assignee)
                views = await task_views(self.s.store, actor.workspace_id, [task])
                who = f"@{views[0].assignee}" if views[0].assignee else "nobody"
                text = f"{task.ref} is now assigned to {who}."
                return Reply(text, kind=ReplyKind.success, tasks=views), None
            case DeleteTask():
                found = [await tasks.get(actor, n) for n in command.numbers]
                reply = await self._views(actor, found)
                what = f"{len(found)} tasks" if len(found) > 1 else found[0].ref
                reply.text = f"Delete {what}? Reply `yes` to delete or `no` to keep."
                reply.kind = ReplyKind.confirm
                reply.confirm_action = "delete"
                pending: PendingAction = {"action": "delete_tasks", "numbers": list(command.numbers)}
                return reply, pending
            case RestoreTask():
                restored = await tasks.restore_all(actor, list(command.numbers))
                text = f"Restored {_refs(command.numbers)}."
                return await self._tasks_reply(actor, text, restored, ReplyKind.success), None
            case Undo():
                result = await self.s.undo.undo(actor)
                ev = result.undone
                text = (
                    f"Undid your last change: {ev.action.value} of {ev.entity_ref or ev.entity_type.value}."
                )
                undone = [self.s.tasks.annotate(actor, e) for e in result.entities if isinstance(e, Task)]
                if undone:
                    return await self._tasks_reply(actor, text, undone, ReplyKind.success), None
                return Reply(text, kind=ReplyKind.success), None
            case AddProject():
                project = await self.s.projects.create(
                    actor, command.name, due=command.due, priority=command.priority, tags=command.tags
                )
                handle = project.ref if " " in project.name else project.name
                text = f"Created project {project.name} ({project.ref}). Add tasks: `add TITLE #{handle}`."
                return Reply(text, kind=ReplyKind.success, projects=[project_view(project)]), None
            case ListProjects():
                projects = await self.s.projects.list(actor)
                if not projects:
                    return Reply("No projects yet. Create one with `project add NAME`."), None
                return Reply(
                    f"{len(projects)} project{'s' if len(projects) != 1 else ''}:",
                    projects=[project_view(p) for p in projects],
                ), None
            case ShowProject():
                project = await self.s.projects.get(actor, command.ref)
                conv.active_project_id = project.id  # "add X" now goes to this project
                page = await tasks.list(actor, project=project.ref, limit=25)
                reply = await self._views(actor, page.items)
                reply.projects = [project_view(project)]
                reply.text = project.description
                if page.total > len(page.items):
                    reply.footer = f"Showing {len(page.items)} of {page.total} open tasks."
                elif not page.items:
                    reply.footer = f"No open tasks. Add one with `add TITLE #{project.ref}`."
                return reply, None
            case Help():
                topic = (command.topic or "").lower()
                if topic in USAGE:
                    return Reply(f"Usage: {USAGE[topic]}", kind=ReplyKind.help), None
                return Reply(HELP_TEXT, kind=ReplyKind.help), None
            case DeleteProject():
                project = await self.s.projects.get(actor, command.ref)
                text = (
                    f"Delete project {project.name} ({project.ref})? Its {project.task_count} task(s) stay. "
                    "Reply `yes` to delete or `no` to keep."
                )
                pending = {"action": "delete_project", "project_id": project.id}
                return Reply(text, kind=ReplyKind.confirm, projects=[project_view(project)]), pending
            case ArchiveProject():
                archived = await self.s.projects.update(actor, command.ref, status="archived")
                text = f"Archived project {archived.name} ({archived.ref})."
                return Reply(text, kind=ReplyKind.success, projects=[project_view(archived)]), None
            case Reset():
                await self.s.store.conversations.delete(actor.workspace_id, conv.id)
                return Reply("Conversation cleared.", kind=ReplyKind.success), None
        return Reply("That command isn't supported here yet.", kind=ReplyKind.error), None

    async def _list(self, actor: Actor, command: ListTasks) -> Reply:
        page = await self.s.tasks.list(
            actor,
            project=command.project,
            assignee=command.assignee,
            window=command.window,
            include_closed=command.include_closed,
        )
        reply = await self._views(actor, page.items)
        noun = "task" if page.total == 1 else "tasks"
        scope = noun if command.include_closed else f"open {noun}"
        if not page.items:
            which = "tasks" if command.include_closed else "open tasks"
            reply.text = f"No {which} match. Add one with `add TITLE due fri`."
            return reply
        reply.text = (
            f"{page.total} {scope}:"
            if page.total == len(page.items)
            else (f"{len(page.items)} of {page.total} {scope}:")
        )
        overdue = sum(1 for t in page.items if t.is_overdue)
        if overdue:
            reply.footer = f"{overdue} overdue."
        return reply

    async def confirm(self, actor: Actor, pending: PendingAction) -> Reply:
        """Carry out an action the user just confirmed with `yes`."""
        if pending.get("action") == "delete_tasks":
            numbers = []
            for n in (int(n) for n in pending.get("numbers", [])):
                task = await self.s.store.tasks.get_by_number(actor.workspace_id, n)
                if task is not None and task.deleted_at is None:  # a Delete button may have done it
                    numbers.append(n)
            if not numbers:
                return Reply("Already deleted; nothing else to do.", kind=ReplyKind.info)
            deleted = await self.s.tasks.delete(actor, numbers)
            text = f"Deleted {_refs(numbers)}. `restore {deleted[0].ref}` or `undo` brings it back."
            return await self._tasks_reply(actor, text, deleted, ReplyKind.success)
        if pending.get("action") == "delete_project":
            project = await self.s.store.projects.get(actor.workspace_id, str(pending.get("project_id")))
            if project is None or project.deleted_at is not None:
                return Reply("That project is already gone.", kind=ReplyKind.info)
            gone = await self.s.projects.delete(actor, project.ref)
            return Reply(f"Deleted project {gone.name}. `undo` brings it back.", kind=ReplyKind.success)
        if pending.get("action") == BATCH:  # the agent's deletes and bulk changes
            return await run_batch(self.s, actor, pending)
        return Reply("That confirmation has expired; please ask again.", kind=ReplyKind.info)
