"""FakeDiscord: the world (users, guilds, channels, messages, commands), the server, and test helpers that act
as people — typing messages, running slash commands, clicking buttons — by dispatching Gateway events.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import web

from tests.discord.fake.gateway import FakeGateway
from tests.discord.fake.payloads import (
    FakeGuild,
    FakeUser,
    Json,
    Snowflakes,
    dm_channel,
    guild_create,
    interaction,
    member,
    message,
    text_channel,
)
from tests.discord.fake.rest import EPHEMERAL, LOADING, FakeRest, error, rate_limited

T = TypeVar("T")
CONTENT_FLAGS = 1 << 19  # GATEWAY_MESSAGE_CONTENT_LIMITED: the portal toggle of an unverified bot
WAIT = 15.0


@dataclass
class InteractionRecord:
    id: int
    token: str
    kind: int
    payload: Json
    component_message_id: int | None = None
    message_id: int | None = None  # the "original response"
    acknowledged: bool = False
    responses: list[Json] = field(default_factory=list)
    choices: list[Json] | None = None
    followups: list[int] = field(default_factory=list)
    edits: int = 0


class FakeDiscord:
    def __init__(self, *, token: str = "fake-bot-token", message_content: bool = True) -> None:
        self.ids = Snowflakes()
        self.token = token
        self.application_id = self.ids()
        self.application_flags = CONTENT_FLAGS if message_content else 0
        self.bot = FakeUser(self.application_id, "Orchestrator", bot=True)
        self.users: dict[int, FakeUser] = {self.bot.id: self.bot}
        self.owner_id = self.bot.id
        self.guilds: dict[int, FakeGuild] = {}
        self.channels: dict[int, Json] = {}
        self.dm_channels: dict[int, int] = {}
        self.messages: dict[int, Json] = {}
        self.commands: dict[int | None, list[Json]] = {}
        self.interactions: dict[int, InteractionRecord] = {}
        self.requests: list[tuple[str, str]] = []
        self.timed: list[tuple[str, str, float]] = []  # (method, path, monotonic time) of every request
        self.nonces: dict[str, int] = {}  # nonce → the message created with it (enforce_nonce)
        self.files: dict[str, bytes] = {}  # attachment id → the bytes uploaded with the message
        self.closed_dms: set[int] = set()  # users who don't accept DMs from the bot (403 50007)
        self._failing: list[tuple[str, str, web.Response]] = []
        self.gateway = FakeGateway(self)
        self.rest = FakeRest(self)
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # lifecycle
    async def start(self) -> None:
        app = web.Application(middlewares=[self.rest.middleware])
        app.add_routes(self.rest.routes())
        app.router.add_get("/gateway", self.gateway.handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def changed(self) -> None:
        self._changed.set()

    async def wait_for(self, predicate: Callable[[], T | None], within: float = WAIT) -> T:
        """Wait until ``predicate()`` is truthy (re-checked on every change of the fake) and return it."""
        async with asyncio.timeout(within):
            while True:
                result = predicate()
                if result:
                    return result
                self._changed.clear()
                await self._changed.wait()

    # the world
    def add_user(self, name: str, global_name: str | None = None, *, bot: bool = False) -> FakeUser:
        user = FakeUser(self.ids(), name, global_name, bot)
        self.users[user.id] = user
        return user

    def add_guild(self, name: str, members: list[FakeUser]) -> FakeGuild:
        owner = members[0] if members else self.bot
        guild = FakeGuild(
            self.ids(), name, owner.id, self.ids(), self.ids(), [self.bot.id] + [m.id for m in members]
        )
        self.guilds[guild.id] = guild
        self.channels[guild.channel_id] = text_channel(guild)
        return guild

    def guild_payload(self, guild: FakeGuild) -> Json:
        return guild_create(guild, self.users, self.bot)

    def guild_of_channel(self, channel_id: int) -> FakeGuild | None:
        return next((g for g in self.guilds.values() if g.channel_id == channel_id), None)

    def dm_channel_for(self, user: FakeUser) -> int:
        if user.id not in self.dm_channels:
            channel_id = self.ids()
            self.dm_channels[user.id] = channel_id
            self.channels[channel_id] = dm_channel(channel_id, user)
        return self.dm_channels[user.id]

    def register_commands(self, guild_id: int | None, commands: list[Json]) -> list[Json]:
        """PUT semantics: the list replaces what was there; names keep their ids."""
        known = {c["name"]: c["id"] for c in self.commands.get(guild_id, [])}
        stored = []
        for cmd in commands:
            item = {
                "type": 1,
                "default_member_permissions": None,
                "nsfw": False,
                **cmd,
                "id": known.get(cmd["name"], str(self.ids())),
                "application_id": str(self.application_id),
                "version": str(self.ids()),
            }
            if guild_id is not None:
                item["guild_id"] = str(guild_id)
            stored.append(item)
        self.commands[guild_id] = stored
        return stored

    # failures and refusals on demand
    def fail_next(
        self, method: str, path_end: str, times: int = 1, *, status: int = 429, retry_after: float = 0.5
    ) -> None:
        """Answer the next ``times`` ``method`` requests whose path ends with ``path_end`` with ``status``."""
        for _ in range(times):
            if status == 429:
                answer = rate_limited(retry_after)
            else:
                answer = error(status, 0, f"{status}: Server Error")
            self._failing.append((method, path_end, answer))

    def next_failure(self, method: str, path: str) -> web.Response | None:
        for i, (m, end, answer) in enumerate(self._failing):
            if m == method and path.endswith(end):
                del self._failing[i]
                return answer
        return None

    def dm_closed(self, channel_id: int) -> bool:
        return any(self.dm_channels.get(u) == channel_id for u in self.closed_dms)

    def times_of(self, method: str, path_end: str) -> list[float]:
        """When each ``method`` request to a path ending with ``path_end`` arrived (monotonic seconds)."""
        return [t for m, p, t in self.timed if m == method and p.endswith(path_end)]

    def in_channel(self, channel_id: int) -> list[Json]:
        """The messages of a channel, oldest first."""
        return sorted(
            (m for m in self.messages.values() if int(m["channel_id"]) == channel_id),
            key=lambda m: int(m["id"]),
        )

    # messages
    async def store_message(self, data: Json) -> None:
        self.messages[int(data["id"])] = data
        if not int(data.get("flags", 0)) & EPHEMERAL:  # Discord sends no Gateway events for ephemeral ones
            await self.gateway.dispatch("MESSAGE_CREATE", data)
        self.changed()

    async def update_message(self, message_id: int, body: Json) -> None:
        data = self.messages[message_id]
        for key in ("content", "embeds", "components"):
            if key in body:
                data[key] = body[key] if body[key] is not None else ([] if key != "content" else "")
        data["flags"] = int(data.get("flags", 0)) & ~LOADING
        data["edited_timestamp"] = data["timestamp"]
        data["edits"] = int(data.get("edits", 0)) + 1  # not Discord's: lets tests count edits
        if not int(data["flags"]) & EPHEMERAL:
            await self.gateway.dispatch("MESSAGE_UPDATE", data)
        self.changed()

    async def interaction_message(
        self, record: InteractionRecord, body: Json, flags: int, *, followup: bool = False
    ) -> Json:
        channel_id = int(record.payload["channel_id"])
        user = record.payload.get("member", {}).get("user") or record.payload["user"]
        data = message(
            self.ids(),
            channel_id,
            self.bot,
            body.get("content") or "",
            guild=self.guild_of_channel(channel_id),
            embeds=body.get("embeds"),
            components=body.get("components"),
            flags=flags,
            webhook_id=self.application_id,
        )
        data["interaction_metadata"] = {"id": str(record.id), "type": record.kind, "user": user}
        await self.store_message(data)
        if followup:
            record.followups.append(int(data["id"]))
        else:
            record.message_id = int(data["id"])
        return data

    def interaction_by_token(self, token: str) -> InteractionRecord | None:
        return next((r for r in self.interactions.values() if r.token == token), None)

    def replies_to(self, message_id: int) -> list[Json]:
        return [
            m
            for m in self.messages.values()
            if m.get("message_reference", {}).get("message_id") == str(message_id)
        ]

    # acting as people
    async def say(
        self,
        user: FakeUser,
        content: str,
        *,
        guild: FakeGuild | None = None,
        mentions: tuple[FakeUser, ...] = (),
        role_mentions: tuple[int, ...] = (),
        message_id: int | None = None,
        dm_with: FakeUser | None = None,
    ) -> Json:
        """``user`` posts ``content`` in the guild's channel, or in their DM with the bot (``dm_with`` names
        the person when the bot itself is the author)."""
        channel_id = guild.channel_id if guild is not None else self.dm_channel_for(dm_with or user)
        data = message(
            message_id or self.ids(),
            channel_id,
            user,
            content,
            guild=guild,
            mentions=list(mentions),
            role_mentions=list(role_mentions),
        )
        await self.store_message(data)
        return data

    async def wait_reply(self, message_id: int) -> Json:
        """The bot's reply to a message (a reply that references it)."""
        return (await self.wait_for(lambda: self.replies_to(message_id)))[0]

    def _command(self, name: str, guild: FakeGuild | None) -> Json:
        scopes = ([guild.id] if guild is not None else []) + [None]
        for scope in scopes:
            for cmd in self.commands.get(scope, []):
                if cmd["name"] == name:
                    return cmd
        raise AssertionError(f"/{name} is not registered")

    def _options(
        self, command: str, values: dict[str, Any], guild: FakeGuild | None, focused: str | None
    ) -> Json:
        """Typed options the way Discord sends them, checked against the registered schema."""
        top_name, _, sub_name = command.partition(" ")
        top = self._command(top_name, guild)
        if sub_name:
            sub = next(o for o in top.get("options", []) if o["name"] == sub_name and o["type"] == 1)
        else:
            sub = top  # a command without subcommands (/digest): its options are the command's own
        schema = {o["name"]: o for o in sub.get("options", [])}
        options: list[Json] = []
        resolved: Json = {}
        for name, value in values.items():
            spec = schema[name]
            if spec["type"] == 6:  # USER
                assert isinstance(value, FakeUser)
                resolved.setdefault("users", {})[str(value.id)] = value.payload()
                if guild is not None:
                    resolved.setdefault("members", {})[str(value.id)] = {
                        k: v for k, v in self._member(value).items() if k != "user"
                    }
                value = str(value.id)
            elif spec.get("choices") and name != focused:
                assert value in [c["value"] for c in spec["choices"]], f"{value!r} is not a choice of {name}"
            option: Json = {"name": name, "type": spec["type"], "value": value}
            if name == focused:
                option["focused"] = True
            options.append(option)
        data: Json = {
            "id": top["id"],
            "name": top["name"],
            "type": 1,
            "options": [{"name": sub_name, "type": 1, "options": options}] if sub_name else options,
        }
        if resolved:
            data["resolved"] = resolved
        if "guild_id" in top:
            data["guild_id"] = top["guild_id"]
        return data

    def _member(self, user: FakeUser) -> Json:
        return {**member(user), "permissions": "1071698660929"}

    def _channel(self, user: FakeUser, guild: FakeGuild | None) -> Json:
        if guild is not None:
            return {**self.channels[guild.channel_id], "permissions": "1071698660929"}
        return self.channels[self.dm_channel_for(user)]

    async def interact(
        self,
        kind: int,
        user: FakeUser,
        data: Json,
        *,
        guild: FakeGuild | None,
        message_payload: Json | None = None,
        interaction_id: int | None = None,
    ) -> InteractionRecord:
        """Dispatch INTERACTION_CREATE (a new one, or the same id again to replay it)."""
        if interaction_id is not None and interaction_id in self.interactions:
            record = self.interactions[interaction_id]
        else:
            interaction_id = interaction_id or self.ids()
            token = secrets.token_urlsafe(24)
            payload = interaction(
                interaction_id,
                token,
                self.application_id,
                kind,
                user,
                guild=guild,
                channel=self._channel(user, guild),
                data=data,
                message_payload=message_payload,
            )
            record = InteractionRecord(interaction_id, token, kind, payload)
            if message_payload is not None:
                record.component_message_id = int(message_payload["id"])
            self.interactions[interaction_id] = record
        await self.gateway.dispatch("INTERACTION_CREATE", record.payload)
        return record

    async def slash(
        self, user: FakeUser, command: str, *, guild: FakeGuild | None = None, **options: Any
    ) -> InteractionRecord:
        """Run ``/task add`` & co.; returns once the bot has finished its answer."""
        record = await self.interact(2, user, self._options(command, options, guild, None), guild=guild)
        await self.wait_answered(record)
        return record

    async def wait_answered(self, record: InteractionRecord) -> Json:
        """The final original response (not a "thinking…" placeholder)."""

        def done() -> Json | None:
            msg = self.messages.get(record.message_id) if record.message_id else None
            if msg is not None and not int(msg["flags"]) & LOADING:
                return msg
            return None

        return await self.wait_for(done)

    async def autocomplete(
        self, user: FakeUser, command: str, option: str, typed: str, *, guild: FakeGuild | None = None
    ) -> list[Json]:
        record = await self.interact(
            4, user, self._options(command, {option: typed}, guild, option), guild=guild
        )
        await self.wait_for(lambda: record.choices is not None)
        return record.choices or []

    async def click(self, user: FakeUser, message_id: int, custom_id: str, **kw: Any) -> InteractionRecord:
        """Press a button of a stored message."""
        msg = self.messages[message_id]
        guild = self.guilds.get(int(msg["guild_id"])) if "guild_id" in msg else None
        data = {"custom_id": custom_id, "component_type": 2}
        return await self.interact(3, user, data, guild=guild, message_payload=msg, **kw)

    async def wait_edited(self, record: InteractionRecord, edits: int = 1) -> Json:
        """The message a component interaction edited, once it has been edited ``edits`` times."""
        await self.wait_for(lambda: record.edits >= edits)
        return self.message_for(record)

    def message_for(self, record: InteractionRecord) -> Json:
        assert record.message_id is not None
        return self.messages[record.message_id]
