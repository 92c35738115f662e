"""The agent's instructions: short, plus what the model can't know (today, the user, the active project)."""

from __future__ import annotations

from pydantic_ai import RunContext

from core.agent.deps import AgentDeps

BASE = """\
You are Tasks Orchestrator, a team's task assistant in chat. Act with the tools; never claim a change you \
did not make with a tool. Refer to tasks as T-n and projects by name. Pass dates as the user's own words \
("fri 3pm", "next week"): the tools resolve them in the user's timezone. If a tool reports an error, fix the \
arguments or ask the user. Deleting and changing many tasks wait for the user's "yes": say what will happen \
and ask. The chat shows the tasks you touched or listed as cards under your answer, so don't repeat them; \
answer in one or two short sentences."""


async def instructions(ctx: RunContext[AgentDeps]) -> str:
    """BASE plus today's date, who is asking, the active project and the summary of older turns."""
    deps = ctx.deps
    actor = deps.actor
    lines = [
        BASE,
        f"Today is {actor.now():%A %Y-%m-%d %H:%M} in {actor.user.timezone}. "
        f'You are talking to {actor.user.label} ("me" means them).',
    ]
    if deps.conversation.active_project_id:
        project = await deps.services.store.projects.get(
            actor.workspace_id, deps.conversation.active_project_id
        )
        if project is not None and project.deleted_at is None:
            lines.append(
                f"Active project: {project.name} ({project.ref}); new tasks without a project go there."
            )
    if deps.conversation.summary:
        lines.append("Earlier in this conversation:\n" + deps.conversation.summary)
    return "\n".join(lines)
