"""People and projects of one sync run: who is who remotely, and which project is which.

People are matched by their stored tracker id, else by email on first sight (then the id is stored).
Projects are matched by stored id, else by name; the rest are created on the other side as the
direction allows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from core.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from core.integrations import IntegrationClient
from core.services import Actor, Services
from core.sync.mapping import Directory, link_key

log = logging.getLogger(__name__)

# Failures that concern one item: recorded, and the run goes on. Anything else (credentials rejected, the
# tracker down past every retry) stops the run; the next run resumes where this one stopped.
ITEM_ERRORS = (ValidationError, NotFoundError, PermissionDenied, ConflictError)


@dataclass
class DirectoryReport:
    users_linked: int = 0
    projects_pulled: int = 0
    projects_pushed: int = 0
    errors: list[str] = field(default_factory=list)


async def build_directory(
    services: Services, client: IntegrationClient, actor: Actor, *, can_pull: bool, can_push: bool
) -> tuple[Directory, DirectoryReport]:
    """Map people and projects, creating missing projects on either side as the direction allows."""
    directory = Directory()
    report = DirectoryReport()
    await _map_users(services, client, actor, directory, report)
    await _map_projects(services, client, actor, directory, report, can_pull=can_pull, can_push=can_push)
    return directory, report


async def _map_users(
    services: Services, client: IntegrationClient, actor: Actor, directory: Directory, report: DirectoryReport
) -> None:
    id_field = f"{client.kind.value}_user_id"
    ws = actor.workspace_id
    remote_users = await client.list_users()
    local_users = [u for u in await services.users.list(ws) if u.deleted_at is None]
    by_remote = {getattr(u, id_field): u for u in local_users if getattr(u, id_field, None)}
    by_email = {u.email.lower(): u for u in local_users if u.email and not getattr(u, id_field, None)}
    for remote in remote_users:
        user = by_remote.get(remote.id)
        if user is None and remote.email:
            user = by_email.pop(remote.email.lower(), None)
            if user is not None:
                # First sight: remember the tracker id so a changed email later doesn't break the link.
                user = await services.users.link_external(ws, user.id, id_field, remote.id)
                report.users_linked += 1
        if user is not None:
            directory.link_user(user.id, remote.id)


async def _map_projects(
    services: Services,
    client: IntegrationClient,
    actor: Actor,
    directory: Directory,
    report: DirectoryReport,
    *,
    can_pull: bool,
    can_push: bool,
) -> None:
    key = link_key(client.kind)
    ws = actor.workspace_id
    remote_projects = await client.list_containers()
    local_projects = await services.store.projects.list(ws, include_deleted=True)
    by_remote = {p.external_ids[key]: p for p in local_projects if key in p.external_ids}
    unlinked = {
        p.name.lower(): p for p in local_projects if key not in p.external_ids and p.deleted_at is None
    }
    for remote in remote_projects:
        project = by_remote.get(remote.id)
        if project is None:
            project = unlinked.pop(remote.name.lower(), None)
            try:
                if project is not None:
                    ids = {**project.external_ids, key: remote.id}
                    project = await services.projects.link_external(actor, project, ids)
                elif can_pull:
                    name = remote.name.strip()[:80]
                    if await services.store.projects.find_by_name(ws, name) is not None:
                        # Two tracker projects share a name: keep local names unique (they are references).
                        name = f"{name} ({client.kind.value} {remote.id[-6:]})"
                    project = await services.projects.import_external(
                        actor, name, remote.description, {key: remote.id}
                    )
                    report.projects_pulled += 1
            except ITEM_ERRORS as exc:
                report.errors.append(f"project {remote.name}: {exc}")
                continue
        if project is not None:
            directory.link_project(project.id, remote.id)
    if not can_push:
        return
    for project in unlinked.values():
        try:
            created = await client.create_container(project.name, project.description)
            ids = {**project.external_ids, key: created.id}
            await services.projects.link_external(actor, project, ids)
        except ITEM_ERRORS as exc:
            report.errors.append(f"{project.ref} {project.name}: {exc}")
            continue
        directory.link_project(project.id, created.id)
        report.projects_pushed += 1
