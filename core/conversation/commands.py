"""Running parsed commands through the services and phrasing the replies: one handler per command type."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from core.conversation.active import active_project
from core.conversation.messages import Reply, ReplyKind
from core.conversation.pending import BATCH, run_batch
from core.conversation.schedule_commands import run_schedule
from core.conversation.structure_commands import (
    COMPLETE_TREE,
    STRUCTURE_COMMANDS,
    complete,
    confirm_tree,
    list_state,
    run_structure,
)
from core.conversation.views import activity_views, detail_view, progress_text, project_view, task_views
from core.dates import Due
from core.models import Conversation, Task
from core.quickadd import (
    HELP_TEXT,
    USAGE,
    AddProject,
    AddTask,
    ArchiveProject,
    AssignTask,
    ChartProject,
    Command,
    CompleteTask,
    DeleteProject,
    DeleteTask,
    EditTask,
    Help,
    History,
    ListProjects,
    ListTasks,
    ReopenTask,
    Reset,
    RestoreTask,
    SearchTasks,
    ShowProject,
    ShowTask,
    SnoozeTask,
    SuggestProjects,
    SuggestTasks,
    Undo,
    UseProject,
)
from core.quickadd_commands import DuePhrase, DueValue
from core.quickadd_schedule import SCHEDULE_COMMANDS
from core.refs import format_tasks, task_prefix
from core.schedule.chart_series import project_chart
from core.services import UNSET, Actor, Services

PendingAction = dict[str, Any]
Outcome = tuple[Reply, PendingAction | None]
Handler = Callable[[Any, Actor, Any, Conversation], Awaitable[Outcome]]
_HANDLERS: dict[type, Handler] = {}


def _handles(*types: type) -> Callable[[Handler], Handler]:
    """Register a CommandRunner method as the handler of ``types``."""

    def register(method: Handler) -> Handler:
        for kind in types:
            _HANDLERS[kind] = method
        return method

    return register


def _done(reply: Reply) -> Outcome:
    return reply, None


def _due(value: DueValue | None) -> Due | None:
    if isinstance(value, DuePhrase):  # the unit of work resolves phrases before a command runs
        raise TypeError("a due phrase reached the command runner unresolved")
    return value


class CommandRunner:
    """Maps each command to its service calls; every reply names the task refs it touched.

    Only the unit of work (ConversationHandler.execute) calls it: it owns the actor, the clock and the audit.
    """

    def __init__(self, services: Services) -> None:
        self.s = services

    async def run(self, actor: Actor, command: Command, conv: Conversation) -> Outcome:
        """The reply, and an action to confirm on the next turn (deletes), if any."""
        if isinstance(command, SCHEDULE_COMMANDS):
            return _done(await run_schedule(self.s, actor, command, conv))
        if isinstance(command, STRUCTURE_COMMANDS):
            return _done(await run_structure(self.s, actor, command))
        handler = _HANDLERS.get(type(command))
        if handler is None:
            return _done(Reply("That command isn't supported here yet.", kind=ReplyKind.error))
        return await handler(self, actor, command, conv)

    async def _views(self, actor: Actor, text: str, tasks: Sequence[Task], kind: ReplyKind) -> Reply:
        views = await task_views(self.s.store, actor.workspace_id, tasks)
        return Reply(text, kind=kind, tasks=views)

    @_handles(AddTask)
    async def _add(self, actor: Actor, c: AddTask, conv: Conversation) -> Outcome:
        project = c.project
        if project is None and (active := await active_project(self.s.store, conv)) is not None:
            project = active.ref
        if c.parent is not None:  # a subtask: in its parent's project unless one is named
            task = await self.s.structure.add_subtask(
                actor,
                c.parent,
                c.title,
                project=c.project,
                due=_due(c.due),
                priority=c.priority,
                assignee=c.assignee,
                tags=c.tags,
                estimate_minutes=c.estimate_minutes,
                repeat=c.repeat,
            )
            text = f"Created {task.ref} under T-{c.parent}."
            return _done(await self._views(actor, text, [task], ReplyKind.success))
        task = await self.s.tasks.create(
            actor,
            c.title,
            project=project,
            due=_due(c.due),
            priority=c.priority,
            assignee=c.assignee,
            tags=c.tags,
            description=c.description,
            source_url=c.source_url,
            repeat=c.repeat,
            estimate_minutes=c.estimate_minutes,
        )
        return _done(await self._views(actor, f"Created {task.ref}.", [task], ReplyKind.success))

    @_handles(ListTasks)
    async def _list(self, actor: Actor, c: ListTasks, conv: Conversation) -> Outcome:
        if c.state is not None:
            return _done(await list_state(self.s, actor, c))
        page = await self.s.tasks.list(
            actor,
            project=c.project,
            assignee=c.assignee,
            window=c.window,
            include_closed=c.include_closed,
            limit=c.limit,
        )
        reply = await self._views(actor, "", page.items, ReplyKind.info)
        reply.total = page.total
        if not page.items:
            which = "tasks" if c.include_closed else "open tasks"
            reply.text = f"No {which} match. Add one with `add TITLE due fri`."
            return _done(reply)
        noun = "task" if page.total == 1 else "tasks"
        scope = noun if c.include_closed else f"open {noun}"
        shown = len(page.items)
        reply.text = f"{page.total} {scope}:" if page.total == shown else f"{shown} of {page.total} {scope}:"
        overdue = sum(1 for t in page.items if t.is_overdue)
        if overdue:
            reply.footer = f"{overdue} overdue."
        return _done(reply)

    @_handles(ShowTask)
    async def _show(self, actor: Actor, c: ShowTask, conv: Conversation) -> Outcome:
        details = await self.s.details.details(actor, c.number)
        reply = await self._views(actor, "", [details.task], ReplyKind.info)
        reply.detail = detail_view(details, actor.now())
        return _done(reply)

    @_handles(SearchTasks)
    async def _search(self, actor: Actor, c: SearchTasks, conv: Conversation) -> Outcome:
        hits = await self.s.search.search(actor, c.text, include_closed=c.include_closed, limit=c.limit)
        if not hits:
            text = f"Nothing matches “{c.text}”. Try fewer or other words, or `list all`."
            return _done(Reply(text, kind=ReplyKind.info))
        found = f"{len(hits)} task{'s' if len(hits) != 1 else ''}"
        reply = await self._views(
            actor, f"{found} matching “{c.text}”:", [h.task for h in hits], ReplyKind.info
        )
        closed = sum(1 for h in hits if not h.task.is_open)
        if closed:
            reply.footer = f"{closed} of them closed, listed after the open ones."
        return _done(reply)

    @_handles(History)
    async def _history(self, actor: Actor, c: History, conv: Conversation) -> Outcome:
        found = await self.s.activity.history(
            actor, task=c.task, person=c.person, project=c.project, since=c.since, limit=c.limit
        )
        scope = "" if found.scope == "this workspace" else f" for {found.scope}"
        if not found.lines:
            return _done(Reply(f"No changes{scope} {found.period.label}.", kind=ReplyKind.info))
        n = len(found.lines)
        more = " (the latest shown)" if n >= c.limit else ""
        text = f"{n} change{'s' if n != 1 else ''}{scope} {found.period.label}{more}:"
        return _done(Reply(text, kind=ReplyKind.info, activity=activity_views(found.lines)))

    @_handles(CompleteTask, ReopenTask, RestoreTask)
    async def _bulk(
        self, actor: Actor, c: CompleteTask | ReopenTask | RestoreTask, conv: Conversation
    ) -> Outcome:
        tasks = self.s.tasks
        if isinstance(c, CompleteTask):
            return await complete(self.s, actor, c)
        change, phrase = {
            ReopenTask: (tasks.reopen_all, "Reopened {}."),
            RestoreTask: (tasks.restore_all, "Restored {}."),
        }[type(c)]
        changed = await change(actor, list(c.numbers))
        text = phrase.format(format_tasks(c.numbers))
        return _done(await self._views(actor, text, changed, ReplyKind.success))

    @_handles(EditTask)
    async def _edit(self, actor: Actor, c: EditTask, conv: Conversation) -> Outcome:
        task = await self.s.tasks.update(
            actor,
            c.number,
            title=c.title if c.title is not None else UNSET,
            due=None if c.clear_due else (_due(c.due) if c.due is not None else UNSET),
            priority=c.priority if c.priority is not None else UNSET,
            project=None if c.clear_project else (c.project or UNSET),
            assignee=None if c.clear_assignee else (c.assignee or UNSET),
            add_tags=c.add_tags,
            remove_tags=c.remove_tags,
            repeat="none" if c.clear_repeat else (c.repeat or UNSET),
            estimate_minutes=None if c.clear_estimate else (c.estimate_minutes or UNSET),
        )
        return _done(await self._views(actor, f"Updated {task.ref}.", [task], ReplyKind.success))

    @_handles(AssignTask)
    async def _assign(self, actor: Actor, c: AssignTask, conv: Conversation) -> Outcome:
        task = await self.s.tasks.assign(actor, c.number, c.assignee)
        reply = await self._views(actor, "", [task], ReplyKind.success)
        who = f"@{reply.tasks[0].assignee}" if reply.tasks[0].assignee else "nobody"
        reply.text = f"{task.ref} is now assigned to {who}."
        return _done(reply)

    @_handles(SnoozeTask)
    async def _snooze(self, actor: Actor, c: SnoozeTask, conv: Conversation) -> Outcome:
        task = await self.s.tasks.snooze(actor, c.number, days=c.days)
        days = f"{c.days} day{'s' if c.days != 1 else ''}"
        return _done(await self._views(actor, f"Snoozed {task.ref} by {days}.", [task], ReplyKind.success))

    @_handles(DeleteTask)
    async def _delete(self, actor: Actor, c: DeleteTask, conv: Conversation) -> Outcome:
        if c.confirmed:
            return _done(await self._delete_now(actor, list(c.numbers)))
        found = [await self.s.tasks.get(actor, n) for n in c.numbers]
        what = f"{len(found)} tasks" if len(found) > 1 else found[0].ref
        text = f"Delete {what}? Reply `yes` to delete or `no` to keep."
        reply = await self._views(actor, text, found, ReplyKind.confirm)
        reply.confirm_action = "delete"
        return reply, {"action": "delete_tasks", "numbers": list(c.numbers)}

    @_handles(Undo)
    async def _undo(self, actor: Actor, c: Undo, conv: Conversation) -> Outcome:
        result = await self.s.undo.undo(actor)
        ev = result.undone
        text = f"Undid your last change: {ev.action.value} of {ev.entity_ref or ev.entity_type.value}."
        undone = [self.s.tasks.annotate(actor, e) for e in result.entities if isinstance(e, Task)]
        if undone:
            return _done(await self._views(actor, text, undone, ReplyKind.success))
        return _done(Reply(text, kind=ReplyKind.success))

    @_handles(AddProject)
    async def _add_project(self, actor: Actor, c: AddProject, conv: Conversation) -> Outcome:
        project = await self.s.projects.create(
            actor, c.name, due=_due(c.due), priority=c.priority, tags=c.tags
        )
        handle = project.ref if " " in project.name else project.name
        text = f"Created project {project.name} ({project.ref}). Add tasks: `add TITLE #{handle}`."
        return _done(Reply(text, kind=ReplyKind.success, projects=[project_view(project)]))

    @_handles(ListProjects)
    async def _list_projects(self, actor: Actor, c: ListProjects, conv: Conversation) -> Outcome:
        projects = await self.s.projects.list(actor)
        if not projects:
            return _done(Reply("No projects yet. Create one with `project add NAME`."))
        text = f"{len(projects)} project{'s' if len(projects) != 1 else ''}:"
        return _done(Reply(text, projects=[project_view(p) for p in projects]))

    @_handles(ShowProject)
    async def _show_project(self, actor: Actor, c: ShowProject, conv: Conversation) -> Outcome:
        # A question: it never changes where new tasks go (that is `use #Project`).
        project = await self.s.projects.get(actor, c.ref)
        page = await self.s.tasks.list(actor, project=project.ref, limit=25)
        reply = await self._views(actor, project.description, page.items, ReplyKind.info)
        reply.projects = [project_view(project)]
        notes = [progress_text(await self.s.structure.rollup_of_project(actor, project.id))]
        if page.total > len(page.items):
            notes.append(f"Showing {len(page.items)} of {page.total} open tasks.")
        elif not page.items:
            notes.append(f"No open tasks. Add one with `add TITLE #{project.ref}`.")
        reply.footer = "\n".join(notes)
        return _done(reply)

    @_handles(ChartProject)
    async def _chart(self, actor: Actor, c: ChartProject, conv: Conversation) -> Outcome:
        project = await self.s.projects.get(actor, c.ref)
        chart = await project_chart(self.s.store, actor, project, c.days)
        now_open = chart.open_at_end[-1] if chart.open_at_end else 0
        text = (
            f"{project.name}, last {c.days} day{'s' if c.days != 1 else ''}: {sum(chart.created)} created, "
            f"{sum(chart.completed)} done, {now_open} open."
        )
        return _done(Reply(text, kind=ReplyKind.info, chart=chart))

    @_handles(UseProject)
    async def _use(self, actor: Actor, c: UseProject, conv: Conversation) -> Outcome:
        if c.ref is None:
            conv.active_project_id = None
            return _done(Reply("New tasks here no longer go to a project.", kind=ReplyKind.success))
        project = await self.s.projects.get(actor, c.ref)
        conv.active_project_id = project.id
        return _done(Reply(f"Now using project {project.name} ({project.ref}).", kind=ReplyKind.success))

    @_handles(Help)
    async def _help(self, actor: Actor, c: Help, conv: Conversation) -> Outcome:
        topic = (c.topic or "").lower()
        if topic in USAGE:
            return _done(Reply(f"Usage: {USAGE[topic]}", kind=ReplyKind.help))
        return _done(Reply(HELP_TEXT, kind=ReplyKind.help))

    @_handles(DeleteProject)
    async def _delete_project(self, actor: Actor, c: DeleteProject, conv: Conversation) -> Outcome:
        project = await self.s.projects.get(actor, c.ref)
        text = (
            f"Delete project {project.name} ({project.ref})? Its {project.task_count} task(s) stay. "
            "Reply `yes` to delete or `no` to keep."
        )
        reply = Reply(text, kind=ReplyKind.confirm, projects=[project_view(project)])
        return reply, {"action": "delete_project", "project_id": project.id}

    @_handles(ArchiveProject)
    async def _archive(self, actor: Actor, c: ArchiveProject, conv: Conversation) -> Outcome:
        archived = await self.s.projects.update(actor, c.ref, status="archived")
        text = f"Archived project {archived.name} ({archived.ref})."
        return _done(Reply(text, kind=ReplyKind.success, projects=[project_view(archived)]))

    @_handles(Reset)
    async def _reset(self, actor: Actor, c: Reset, conv: Conversation) -> Outcome:
        await self.s.store.conversations.delete(actor.workspace_id, conv.id)
        return _done(Reply("Conversation cleared.", kind=ReplyKind.success))

    async def lookup(self, actor: Actor, command: SuggestTasks | SuggestProjects) -> Reply:
        """Autocomplete answers: no conversation, no audit."""
        if isinstance(command, SuggestProjects):
            needle = command.typed.strip().lstrip("#").lower()
            projects = [
                p
                for p in await self.s.projects.list(actor)
                if needle in p.name.lower() or needle == p.ref.lower()
            ]
            return Reply("", projects=[project_view(p) for p in projects[: command.limit]])
        digits = task_prefix(command.typed)
        tasks: list[Task]
        if digits is not None:
            page = await self.s.tasks.list(actor, limit=200)
            tasks = [t for t in page.items if str(t.number).startswith(digits)]
        elif command.typed.strip():  # words: the same typo-tolerant search as `find`, open tasks only
            found = await self.s.search.search(
                actor, command.typed, include_closed=False, limit=min(command.limit, 50)
            )
            tasks = [h.task for h in found]
        else:
            tasks = (await self.s.tasks.list(actor, limit=command.limit)).items
        return await self._views(actor, "", tasks[: command.limit], ReplyKind.info)

    async def _delete_now(self, actor: Actor, wanted: list[int]) -> Reply:
        numbers = []
        for n in wanted:
            task = await self.s.store.tasks.get_by_number(actor.workspace_id, n)
            if task is not None and task.deleted_at is None:  # a Delete button may have done it
                numbers.append(n)
        if not numbers:
            return Reply("Already deleted; nothing else to do.", kind=ReplyKind.info)
        deleted = await self.s.tasks.delete(actor, numbers)
        text = f"Deleted {format_tasks(numbers)}. `restore {deleted[0].ref}` or `undo` brings it back."
        return await self._views(actor, text, deleted, ReplyKind.success)

    async def confirm(self, actor: Actor, pending: PendingAction) -> Reply:
        """Carry out an action the user just confirmed with `yes`."""
        if pending.get("action") == "delete_tasks":
            return await self._delete_now(actor, [int(n) for n in pending.get("numbers", [])])
        if pending.get("action") == "delete_project":
            project = await self.s.store.projects.get(actor.workspace_id, str(pending.get("project_id")))
            if project is None or project.deleted_at is not None:
                return Reply("That project is already gone.", kind=ReplyKind.info)
            gone = await self.s.projects.delete(actor, project.ref)
            return Reply(f"Deleted project {gone.name}. `undo` brings it back.", kind=ReplyKind.success)
        if pending.get("action") == COMPLETE_TREE:
            return await confirm_tree(self.s, actor, pending)
        if pending.get("action") == BATCH:  # the agent's deletes and bulk changes
            return await run_batch(self.s, actor, pending)
        return Reply("That confirmation has expired; please ask again.", kind=ReplyKind.info)
