"""The agent's tools for what the assistant says by itself: reminders on tasks, and the coming ones."""

from __future__ import annotations

from pydantic_ai import RunContext

from core.agent.deps import AgentDeps
from core.agent.guard import service_errors
from core.conversation.schedule_commands import reminders_text
from core.schedule.reminders import thread_of


@service_errors
async def remind(
    ctx: RunContext[AgentDeps], ref: str | None = None, when: str | None = None, who: str | None = None
) -> str:
    """Remind someone about a task at a time, or some time before it is due.

    Args:
        ref: The task: "T-3" or its title. Leave it out with "1 day before due" to remind about all of
            the person's tasks that long before they are due.
        when: "tomorrow 9am", "in 10 minutes", "fri 15:00", "1 day before due", "2 hours before due".
        who: "me" (default), a person's name, or "@name".
    """
    deps = ctx.deps
    conv = deps.conversation
    channel, thread = thread_of(conv)
    _, text = await deps.services.reminders.remind(
        deps.actor, ref, when or "", who, channel_id=channel, thread_id=thread
    )
    if ref:
        task = await deps.services.resolve.task(deps.actor, ref)
        deps.turn.touch([deps.services.tasks.annotate(deps.actor, task)])
    return text


@service_errors
async def list_reminders(ctx: RunContext[AgentDeps], everyone: bool = False) -> str:
    """The coming reminders: the user's own, or with ``everyone`` the whole workspace's.

    Args:
        everyone: True for every person's reminders in this workspace.
    """
    return await reminders_text(ctx.deps.services, ctx.deps.actor, everyone=everyone)
