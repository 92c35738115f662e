"""`/digest`: the person's daily digest on (at a time), off, shown now, or described; one core ``Digest``."""

from __future__ import annotations

from typing import Any, Literal

import discord
from discord import app_commands

from bot.discord.commands import Options, respond
from core.quickadd import Command
from core.quickadd_schedule import Digest

Interaction = discord.Interaction[Any]
DEFAULT_WHEN = "8:30 weekdays"


def digest_command(turn: str | None, when: str | None) -> Digest:
    """The options as the core's command: ``on`` (at ``when``, by default 8:30 on weekdays), ``off``, ``now``
    (today's digest at once), or nothing (how it is set)."""
    if turn == "on":
        return Digest(on=True, when=(when or "").strip() or DEFAULT_WHEN)
    if turn == "off":
        return Digest(on=False)
    if turn == "now":
        return Digest(preview=True)
    return Digest()


@app_commands.command(name="digest", description="Your daily digest: what is due, overdue and new for you")
@app_commands.describe(
    turn="on, off, or now (today's digest at once); leave empty to see how it is set",
    when="with on: when it comes, e.g. 8:30 weekdays, 9:00 daily, 7:45 mon wed fri",
)
async def digest(
    interaction: Interaction,
    turn: Literal["on", "off", "now"] | None = None,
    when: app_commands.Range[str, 1, 100] | None = None,
) -> None:
    async def build(o: Options) -> Command:
        return digest_command(turn, when)

    await respond(interaction, build)
