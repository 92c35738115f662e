"""Turning what a person typed (`T-3`, `#Launch`, `@sam`, `<@U123>`) into entities of their workspace."""

from __future__ import annotations

from core import refs
from core.errors import NotFoundError, ValidationError
from core.models import Project, Task, User
from core.services.actor import Actor
from core.store import Store


def task_number(ref: str | int) -> int:
    """The number in `T-3`, `t3`, `3`; ValidationError for anything else."""
    number = refs.task_number(ref)
    if number is None:
        raise ValidationError(f"`{ref}` is not a task reference.", hint="Task references look like `T-3`.")
    return number


class Resolver:
    """Looks things up strictly inside the actor's workspace."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def task(self, actor: Actor, ref: str | int, *, include_deleted: bool = False) -> Task:
        number = task_number(ref)
        task = await self._store.tasks.get_by_number(actor.workspace_id, number)
        if task is None or (task.deleted_at is not None and not include_deleted):
            hint = f"Use `restore T-{number}` to bring it back." if task is not None else None
            what = "was deleted" if task is not None else "doesn't exist in this workspace"
            raise NotFoundError(f"Task T-{number} {what}.", hint=hint or "Try `list` to see your tasks.")
        return task

    async def project(self, actor: Actor, ref: str) -> Project:
        text = ref.strip().lstrip("#").strip()
        if not text:
            raise ValidationError("Which project?", hint="Name it like `#Launch` or `P-2`.")
        number = refs.project_number(text)
        project: Project | None
        if number is not None:
            project = await self._store.projects.get_by_number(actor.workspace_id, number)
            if project is not None and project.deleted_at is not None:
                project = None
        else:
            project = await self._store.projects.find_by_name(actor.workspace_id, text)
        if project is None:
            names = [p.name for p in await self._store.projects.list(actor.workspace_id)][:10]
            hint = (
                ("Projects here: " + ", ".join(names) + ".")
                if names
                else "Create it with `project add NAME`."
            )
            raise NotFoundError(f"There is no project `{text}` in this workspace.", hint=hint)
        return project

    async def user(self, actor: Actor, ref: str) -> User:
        text = ref.strip()
        person = refs.parse_person(text)
        if person is not None and person.me:
            return actor.user
        user: User | None = None
        if person is not None and person.platform_id is not None:
            field = "discord_user_id" if refs.is_discord_id(person.platform_id) else "slack_user_id"
            user = await self._store.users.find_by_field(actor.workspace_id, field, person.platform_id)
        else:
            name = text.lstrip("@")
            if "@" in name and "." in name:
                user = await self._store.users.find_by_field(actor.workspace_id, "email", name.lower())
            if user is None and name:
                user = await self._store.users.find_by_name(actor.workspace_id, name)
        if user is None or user.deleted_at is not None:
            known = [u.label for u in await self._store.users.list(actor.workspace_id)][:10]
            hint = ("People here: " + ", ".join("@" + k for k in known) + ".") if known else None
            raise NotFoundError(f"I don't know anyone called `{text}` in this workspace.", hint=hint)
        return user
