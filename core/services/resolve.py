"""Turning what a person typed (`T-3`, `the slides`, `#web`, `@sam`, `<@U123>`) into their workspace's rows.

Names are matched by the same rules the offline parser uses (``core.understanding.names``): a project by exact
name, slug, unique prefix or its words; a person by name, display name, first or last name; a task by ref, or
by its title among the workspace's open tasks. A name that fits several gets a ValidationError naming them.
"""

from __future__ import annotations

from typing import Any

from core import refs
from core.errors import NotFoundError, ValidationError
from core.models import OPEN_STATUSES, Project, Task, TaskStatus, User
from core.services.actor import Actor
from core.store import Store, TaskQuery, TaskSort
from core.understanding.names import is_confident, match_people, match_projects, match_tasks
from core.understanding.vocabulary import MAX_CLOSED, MAX_TITLES, PersonName, ProjectName, TaskTitle

_ASK_AT_MOST = 3  # candidates named in a "which one?" error


def task_number(ref: str | int) -> int:
    """The number in `T-3`, `t3`, `3`; ValidationError for anything else."""
    number = refs.task_number(ref)
    if number is None:
        raise ValidationError(f"`{ref}` is not a task reference.", hint="Task references look like `T-3`.")
    return number


def _recent(limit: int, **filters: Any) -> TaskQuery:
    """A bounded page of tasks, the most recently updated first."""
    return TaskQuery(sort=TaskSort.updated, descending=True, limit=limit, **filters)


def _either(names: list[str]) -> str:
    """``["a", "b", "c"]`` → ``a, b or c``."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" or {names[-1]}"


class Resolver:
    """Looks things up strictly inside the actor's workspace."""

    def __init__(self, store: Store) -> None:
        self._store = store

    # -- tasks ------------------------------------------------------------------------------------------

    async def task(self, actor: Actor, ref: str | int, *, include_deleted: bool = False) -> Task:
        """The task a ref (`T-3`, `3`) or a title (`the slides`) names.

        A title is matched against the open tasks (the most recently updated ``MAX_TITLES``); when none is
        close, against recently closed ones too, and deleted ones with ``include_deleted`` (what `reopen`
        and `restore` name)."""
        if isinstance(ref, str) and refs.task_number(ref) is None and ref.strip():
            return await self._task_by_title(actor, ref.strip(), include_deleted=include_deleted)
        number = task_number(ref)
        task = await self._store.tasks.get_by_number(actor.workspace_id, number)
        if task is None or (task.deleted_at is not None and not include_deleted):
            hint = f"Use `restore T-{number}` to bring it back." if task is not None else None
            what = "was deleted" if task is not None else "doesn't exist in this workspace"
            raise NotFoundError(f"Task T-{number} {what}.", hint=hint or "Try `list` to see your tasks.")
        return task

    async def _task_by_title(self, actor: Actor, text: str, *, include_deleted: bool) -> Task:
        open_tasks = _recent(MAX_TITLES, statuses=OPEN_STATUSES)
        closed = _recent(MAX_CLOSED, statuses=frozenset(TaskStatus) - OPEN_STATUSES)
        deleted = _recent(MAX_CLOSED, only_deleted=True)
        # Open tasks first, closed ones only when no open title is close (`reopen the slides`). A deleted
        # task competes with the others (`restore the budget task`): a look-alike makes it a question.
        rounds = [[open_tasks, closed, deleted]] if include_deleted else [[open_tasks], [closed]]
        for queries in rounds:
            pages = [await self._store.tasks.list(actor.workspace_id, q) for q in queries]
            tasks = {t.number: t for page in pages for t in page.items}
            scored = match_tasks(text, [TaskTitle(t.number, t.title) for t in tasks.values()])
            if not scored:
                continue
            if is_confident(scored):
                return tasks[scored[0][0].number]
            named = [f"{t.ref} '{t.title}'" for t, _ in scored[:_ASK_AT_MOST]]
            if len(named) == 1:
                raise ValidationError(f"Did you mean {named[0]}?", hint="Say it with its number to be sure.")
            raise ValidationError(f"Which one: {_either(named)}?", hint="Say it with its number.")
        raise ValidationError(
            f"`{text}` is not a task reference, and no task here is called that.",
            hint="Task references look like `T-3`; `find WORDS` searches titles.",
        )

    # -- projects ---------------------------------------------------------------------------------------

    async def project(self, actor: Actor, ref: str) -> Project:
        """The project `P-2`, `Website relaunch`, `website-relaunch`, `web` or `#website` names."""
        text = ref.strip().lstrip("#").strip()
        if not text:
            raise ValidationError("Which project?", hint="Name it like `#Launch` or `P-2`.")
        number = refs.project_number(text)
        if number is not None:
            project = await self._store.projects.get_by_number(actor.workspace_id, number)
            if project is not None and project.deleted_at is None:
                return project
        else:
            exact = await self._store.projects.find_by_name(actor.workspace_id, text)
            if exact is not None:
                return exact
        projects = [p for p in await self._store.projects.list(actor.workspace_id) if p.deleted_at is None]
        if number is None:
            by_ref = {p.ref: p for p in projects}
            found = match_projects(text, [ProjectName(p.ref, p.name) for p in projects])
            if len(found) == 1:
                return by_ref[found[0].ref]
            if found:
                which = _either([p.name for p in found[:5]])
                raise ValidationError(f"`{text}` could be {which}; say which.", hint="Or name it like `P-2`.")
        names = [p.name for p in projects][:10]
        hint = ("Projects here: " + ", ".join(names) + ".") if names else "Create it with `project add NAME`."
        raise NotFoundError(f"There is no project `{text}` in this workspace.", hint=hint)

    # -- people -----------------------------------------------------------------------------------------

    async def user(self, actor: Actor, ref: str) -> User:
        """The person `me`, `<@U123>`, `@sam`, `sam`, `Sam Park`, `park` or an email names."""
        text = ref.strip()
        person = refs.parse_person(text)
        if person is not None and person.me:
            return actor.user
        user: User | None = None
        name = text.lstrip("@")
        if person is not None and person.platform_id is not None:
            field = "discord_user_id" if refs.is_discord_id(person.platform_id) else "slack_user_id"
            user = await self._store.users.find_by_field(actor.workspace_id, field, person.platform_id)
        else:
            if "@" in name and "." in name:
                user = await self._store.users.find_by_field(actor.workspace_id, "email", name.lower())
            if user is None and name:
                user = await self._store.users.find_by_name(actor.workspace_id, name)
        if user is not None and user.deleted_at is None:
            return user
        people = [u for u in await self._store.users.list(actor.workspace_id) if u.deleted_at is None]
        if name and (person is None or person.platform_id is None):
            by_id = {u.id: u for u in people}
            found = match_people(name, [PersonName(u.id, u.name, u.display_name) for u in people])
            if len(found) == 1:
                return by_id[found[0].id]
            if found:
                which = _either(["@" + p.label for p in found[:5]])
                raise ValidationError(f"`{text}` could be {which}; say which.", hint="Use their full name.")
        known = [u.label for u in people][:10]
        hint = ("People here: " + ", ".join("@" + k for k in known) + ".") if known else None
        raise NotFoundError(f"I don't know anyone called `{text}` in this workspace.", hint=hint)
