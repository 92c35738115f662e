"""Which workspace an event belongs to: a guild's own, or — for DMs — the user's default one.

A DM belongs to the only server the user shares with the bot; with several, to the one they picked with
``/orchestrator workspace``. The pick is kept in the chosen workspace's settings under
``discord_dm_default:<user id>`` (one key per person: picks by different people never overwrite each other).
Membership is asked with ``GET /guilds/{id}/members/{user}``, which needs no privileged intent, and remembered
for a few minutes.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

import discord

from bot.discord.errors import NoWorkspace
from bot.discord.translate import guild_id_of, workspace_id
from core.models import Platform
from core.services import Services

log = logging.getLogger(__name__)

_MEMBERSHIP_TTL = 300.0  # seconds; joins and leaves show up after this long at worst
DM_DEFAULT_KEY = "discord_dm_default:{user_id}"


@dataclass(frozen=True)
class Scope:
    """Where an event acts: the workspace id and name, and whether it came from a DM."""

    workspace_id: str
    name: str
    is_dm: bool


def _scope(guild_id: int, name: str, *, is_dm: bool) -> Scope:
    # The unit of work creates the workspace's row on first sight, under this name.
    ws = workspace_id(guild_id)
    return Scope(ws, name or ws, is_dm)


class WorkspaceDirectory:
    """Answers "which workspace?" for guild events and DMs, and remembers DM picks."""

    def __init__(self, client: discord.Client, services: Services) -> None:
        self._client = client
        self._services = services
        self._members: dict[tuple[int, int], tuple[bool, float]] = {}

    async def scope(self, guild_id: int | None, user: discord.abc.User) -> Scope:
        """The workspace of an event in ``guild_id`` (None for a DM) by ``user``; NoWorkspace if unknown."""
        if guild_id is not None:
            guild = self._client.get_guild(guild_id)
            return _scope(guild_id, guild.name if guild else "", is_dm=False)
        guild = await self.dm_guild(user.id)
        return _scope(guild.id, guild.name, is_dm=True)

    async def dm_guild(self, user_id: int) -> discord.Guild:
        """The server a DM from ``user_id`` belongs to."""
        shared = await self.shared_guilds(user_id)
        if len(shared) == 1:
            return shared[0]
        if not shared:
            raise NoWorkspace(
                "We don't share a server yet, so I don't know which team's tasks you mean.",
                hint="Invite me to your server (see docs/discord.md), then DM me again.",
            )
        chosen = await self.chosen(user_id, shared)
        if chosen is not None:
            return chosen
        names = ", ".join(g.name for g in shared)
        raise NoWorkspace(
            f"You share several servers with me ({names}).",
            hint="Pick the one for DMs with `/orchestrator workspace`.",
        )

    async def shared_guilds(self, user_id: int) -> list[discord.Guild]:
        """Servers the bot is in where ``user_id`` is a member, by name."""
        guilds = list(self._client.guilds)
        found = await asyncio.gather(*(self.is_member(g, user_id) for g in guilds))
        return sorted((g for g, ok in zip(guilds, found, strict=True) if ok), key=lambda g: g.name.lower())

    async def is_member(self, guild: discord.Guild, user_id: int) -> bool:
        """True when ``user_id`` belongs to ``guild`` (member cache, then one REST call; remembered)."""
        if guild.get_member(user_id) is not None:
            return True
        key = (guild.id, user_id)
        known = self._members.get(key)
        if known is not None and time.monotonic() - known[1] < _MEMBERSHIP_TTL:
            return known[0]
        try:
            await guild.fetch_member(user_id)
            member = True
        except discord.NotFound:
            member = False
        except discord.HTTPException as exc:
            # Not remembered: a transient failure must not hide a server for minutes.
            log.warning("could not check membership in guild %s: %s", guild.id, exc.status)
            return False
        self._members[key] = (member, time.monotonic())
        return member

    async def belongs(self, scope: Scope, user_id: int) -> bool:
        """True when ``user_id`` is a member of the server behind ``scope``."""
        guild_id = guild_id_of(scope.workspace_id)
        guild = self._client.get_guild(guild_id) if guild_id is not None else None
        return guild is not None and await self.is_member(guild, user_id)

    def remember_member(self, guild_id: int, user_id: int) -> None:
        """Someone just acted inside ``guild_id``: no need to ask Discord."""
        self._members[(guild_id, user_id)] = (True, time.monotonic())

    async def chosen(self, user_id: int, candidates: list[discord.Guild]) -> discord.Guild | None:
        """The server ``user_id`` picked for DMs, if it is among ``candidates``."""
        key = DM_DEFAULT_KEY.format(user_id=user_id)
        store = self._services.store
        for guild in candidates:
            workspace = await store.workspaces.get(workspace_id(guild.id))
            if workspace is not None and workspace.settings.get(key):
                return guild
        return None

    async def choose(self, user_id: int, guild: discord.Guild) -> None:
        """Make ``guild`` the default for ``user_id``'s DMs (and forget any earlier pick)."""
        key = DM_DEFAULT_KEY.format(user_id=user_id)
        users = self._services.users
        for other in await self.shared_guilds(user_id):
            if other.id != guild.id:
                ws = workspace_id(other.id)
                if await self._services.store.workspaces.get(ws) is not None:
                    await users.update_workspace_settings(ws, {key: None})
        # A pick may come before anyone acted in that server: its row must exist to hold the setting.
        ws = workspace_id(guild.id)
        await users.ensure_workspace(ws, Platform.discord, guild.name or ws)
        await users.update_workspace_settings(ws, {key: True})
