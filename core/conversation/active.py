"""The conversation's active project: set only by `use #Project`, shown on replies while it is set."""

from __future__ import annotations

from core.models import Conversation, Project
from core.store import Store


async def active_project(store: Store, conv: Conversation) -> Project | None:
    """The project new tasks of this conversation go to, if one is set and still exists."""
    if not conv.active_project_id:
        return None
    project = await store.projects.get(conv.workspace_id, conv.active_project_id)
    return project if project is not None and project.deleted_at is None else None


def active_note(project: Project) -> str:
    """The line every reply carries while a project is in use."""
    handle = f"#{project.name}" if " " not in project.name else project.ref
    return f"Using {handle}: new tasks go there (`use none` to stop)."
