"""The fake REST API: the routes discord.py calls to log in, register commands, send and edit messages and
answer interactions. JSON answers carry ``Content-Type: application/json`` with no charset, as discord.py
only decodes that exact value.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from tests.discord.fake.payloads import Json, dm_channel, member, message

if TYPE_CHECKING:
    from tests.discord.fake.server import FakeDiscord, InteractionRecord

EPHEMERAL, LOADING = 1 << 6, 1 << 7
_OPEN = ("/interactions/", "/webhooks/")  # authorised by the interaction token in the path, not the bot token
# A fault switch (bench/soak.py): given a request, an answer to send instead (a 5xx), or None to go on; it may
# also sleep first, to answer late.
Fault = Callable[[web.Request], Awaitable[web.StreamResponse | None]]


def reply(data: Any, status: int = 200) -> web.Response:
    return web.Response(
        body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"}
    )


def error(status: int, code: int, text: str, errors: Json | None = None) -> web.Response:
    body: Json = {"message": text, "code": code}
    if errors:
        body["errors"] = errors
    return reply(body, status)


def form_errors(body: Json) -> Json:
    """The limits Discord enforces on a message body (a subset: the ones a renderer can break)."""
    problems: Json = {}
    if len(body.get("content") or "") > 2000:
        problems["content"] = "Must be 2000 or fewer in length."
    embeds = body.get("embeds") or []
    if len(embeds) > 10:
        problems["embeds"] = "Must be 10 or fewer in length."
    for i, e in enumerate(embeds):
        if len(e.get("title") or "") > 256 or len(e.get("description") or "") > 4096:
            problems[f"embeds.{i}"] = "Embed size exceeds maximum size."
    rows = body.get("components") or []
    if len(rows) > 5:
        problems["components"] = "Must be 5 or fewer in length."
    for r, row in enumerate(rows):
        for c, comp in enumerate(row.get("components", [])):
            if len(comp.get("custom_id", "")) > 100 or len(comp.get("label") or "") > 80:
                problems[f"components.{r}.components.{c}"] = "Must be 100 or fewer in length."
        if len(row.get("components", [])) > 5:
            problems[f"components.{r}"] = "Must be 5 or fewer in length."
    return problems


def _reference(ref: Json, channel_id: int) -> Json:
    """Discord answers with string snowflakes whatever the client sent."""
    return {"message_id": str(ref["message_id"]), "channel_id": str(channel_id)}


async def body_of(request: web.Request) -> Json:
    """JSON bodies, and the ``payload_json`` part of multipart ones (used when files are attached)."""
    return (await body_and_files(request))[0]


async def body_and_files(request: web.Request) -> tuple[Json, list[Json]]:
    """The JSON body and the files of a multipart one (``files[n]`` parts: name and bytes)."""
    if request.content_type.startswith("multipart/"):
        form = await request.post()
        files = [
            {"filename": part.filename, "data": part.file.read()}
            for name, part in form.items()
            if name.startswith("files[") and isinstance(part, web.FileField)
        ]
        return json.loads(str(form.get("payload_json") or "{}")), files
    if not request.can_read_body:
        return {}, []
    return await request.json(), []


def rate_limited(retry_after: float) -> web.Response:
    """A 429 as Discord sends it: the JSON body discord.py reads, and the Via header it checks to tell a
    rate limit from a Cloudflare ban."""
    answer = reply(
        {"message": "You are being rate limited.", "retry_after": retry_after, "global": False}, 429
    )
    answer.headers.update({"Retry-After": str(retry_after), "Via": "1.1 google", "X-RateLimit-Scope": "user"})
    return answer


class FakeRest:
    def __init__(self, server: FakeDiscord) -> None:
        self.s = server
        self.fault: Fault | None = None

    def routes(self) -> list[web.RouteDef]:
        api = "/api/v10"
        return [
            web.get(f"{api}/users/@me", self.me),
            web.get(f"{api}/oauth2/applications/@me", self.application),
            web.get(f"{api}/gateway", self.gateway),
            web.get(f"{api}/gateway/bot", self.gateway_bot),
            web.post(f"{api}/users/@me/channels", self.create_dm),
            web.post(f"{api}/channels/{{channel}}/messages", self.create_message),
            web.get(f"{api}/channels/{{channel}}/messages", self.channel_history),
            web.get(f"{api}/channels/{{channel}}/messages/{{message}}", self.get_message),
            web.patch(f"{api}/channels/{{channel}}/messages/{{message}}", self.edit_message),
            web.get(f"{api}/applications/{{app}}/commands", self.get_commands),
            web.put(f"{api}/applications/{{app}}/commands", self.put_commands),
            web.get(f"{api}/applications/{{app}}/guilds/{{guild}}/commands", self.get_commands),
            web.put(f"{api}/applications/{{app}}/guilds/{{guild}}/commands", self.put_commands),
            web.get(f"{api}/guilds/{{guild}}/members/{{user}}", self.get_member),
            web.post(f"{api}/interactions/{{id}}/{{token}}/callback", self.callback),
            web.post(f"{api}/webhooks/{{app}}/{{token}}", self.followup),
            web.get(f"{api}/webhooks/{{app}}/{{token}}/messages/{{message}}", self.get_webhook_message),
            web.patch(f"{api}/webhooks/{{app}}/{{token}}/messages/{{message}}", self.edit_webhook_message),
        ]

    @web.middleware
    async def middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        self.s.requests.append((request.method, request.path))
        self.s.timed.append((request.method, request.path, time.monotonic()))
        if self.fault is not None and (injected := await self.fault(request)) is not None:
            return injected
        if (failure := self.s.next_failure(request.method, request.path)) is not None:
            self.s.changed()
            return failure
        if request.path.startswith("/api/") and not any(p in request.path for p in _OPEN):
            if request.headers.get("Authorization") != f"Bot {self.s.token}":
                return error(401, 0, "401: Unauthorized")
        try:
            return await handler(request)
        except web.HTTPNotFound:
            return error(404, 0, "404: Not Found")
        finally:
            self.s.changed()

    # login
    async def me(self, request: web.Request) -> web.Response:
        return reply(
            {**self.s.bot.payload(), "verified": True, "mfa_enabled": False, "flags": 0, "email": None}
        )

    async def application(self, request: web.Request) -> web.Response:
        owner = self.s.users[self.s.owner_id]
        return reply(
            {
                "id": str(self.s.application_id),
                "name": self.s.bot.name,
                "icon": None,
                "description": "",
                "bot_public": True,
                "bot_require_code_grant": False,
                "verify_key": "0" * 64,
                "flags": self.s.application_flags,
                "owner": owner.payload(),
                "team": None,
                "bot": self.s.bot.payload(),
            }
        )

    async def gateway(self, request: web.Request) -> web.Response:
        return reply({"url": self.s.gateway_url})

    async def gateway_bot(self, request: web.Request) -> web.Response:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return reply({"url": self.s.gateway_url, "shards": 1, "session_start_limit": limit})

    # channels and messages
    async def create_dm(self, request: web.Request) -> web.Response:
        user = self.s.users.get(int((await body_of(request))["recipient_id"]))
        if user is None:
            return error(400, 50035, "Invalid Form Body")
        return reply(dm_channel(self.s.dm_channel_for(user), user))

    async def create_message(self, request: web.Request) -> web.Response:
        channel_id = int(request.match_info["channel"])
        if channel_id not in self.s.channels:
            return error(404, 10003, "Unknown Channel")
        if self.s.dm_closed(channel_id):
            return error(403, 50007, "Cannot send messages to this user")
        body, files = await body_and_files(request)
        problems = form_errors(body)
        if problems:
            return error(400, 50035, "Invalid Form Body", problems)
        nonce = str(body.get("nonce") or "")
        if nonce and body.get("enforce_nonce") and (earlier := self.s.nonces.get(nonce)) is not None:
            # Discord: a repeated nonce from the same author within a few minutes returns that message.
            return reply({**self.s.messages[earlier], "nonce": nonce})
        ref = body.get("message_reference")
        data = message(
            self.s.ids(),
            channel_id,
            self.s.bot,
            body.get("content") or "",
            guild=self.s.guild_of_channel(channel_id),
            embeds=body.get("embeds"),
            components=body.get("components"),
            reference=_reference(ref, channel_id) if ref else None,
            flags=int(body.get("flags") or 0),
        )
        if files:
            data["attachments"] = self._attachments(files)
        if nonce:
            self.s.nonces[nonce] = int(data["id"])
        await self.s.store_message(data)
        return reply({**data, "nonce": nonce} if nonce else data)

    async def channel_history(self, request: web.Request) -> web.Response:
        """GET /channels/{id}/messages: newest first, ``limit`` of them (fetched messages carry no nonce)."""
        channel_id = int(request.match_info["channel"])
        if channel_id not in self.s.channels:
            return error(404, 10003, "Unknown Channel")
        limit = int(request.query.get("limit") or 50)
        found = [m for m in self.s.messages.values() if int(m["channel_id"]) == channel_id]
        found = [m for m in found if not int(m.get("flags", 0)) & EPHEMERAL]
        found.sort(key=lambda m: int(m["id"]), reverse=True)
        return reply(found[:limit])

    async def get_message(self, request: web.Request) -> web.Response:
        data = self.s.messages.get(int(request.match_info["message"]))
        return reply(data) if data else error(404, 10008, "Unknown Message")

    async def edit_message(self, request: web.Request) -> web.Response:
        message_id = int(request.match_info["message"])
        return await self._edit(message_id, await body_of(request))

    async def _edit(self, message_id: int, body: Json) -> web.Response:
        data = self.s.messages.get(message_id)
        if data is None:
            return error(404, 10008, "Unknown Message")
        problems = form_errors(body)
        if problems:
            return error(400, 50035, "Invalid Form Body", problems)
        await self.s.update_message(message_id, body)
        return reply(self.s.messages[message_id])

    # application commands
    async def get_commands(self, request: web.Request) -> web.Response:
        guild = request.match_info.get("guild")
        return reply(self.s.commands.get(int(guild) if guild else None, []))

    async def put_commands(self, request: web.Request) -> web.Response:
        guild = request.match_info.get("guild")
        commands: list[Json] = await request.json()
        return reply(self.s.register_commands(int(guild) if guild else None, commands))

    async def get_member(self, request: web.Request) -> web.Response:
        guild = self.s.guilds.get(int(request.match_info["guild"]))
        user_id = int(request.match_info["user"])
        if guild is None:
            return error(404, 10004, "Unknown Guild")
        if user_id not in guild.member_ids:
            return error(404, 10007, "Unknown Member")
        return reply(member(self.s.users[user_id]))

    # interactions
    def _record(self, request: web.Request) -> InteractionRecord | None:
        return self.s.interaction_by_token(request.match_info["token"])

    async def callback(self, request: web.Request) -> web.Response:
        record = self.s.interactions.get(int(request.match_info["id"]))
        if record is None or record.token != request.match_info["token"]:
            return error(404, 10062, "Unknown interaction")
        if record.acknowledged:
            return error(400, 40060, "Interaction has already been acknowledged.")
        body = await body_of(request)
        kind, data = int(body["type"]), body.get("data") or {}
        if kind in (4, 7) and (problems := form_errors(data)):
            return error(400, 50035, "Invalid Form Body", problems)
        record.acknowledged = True
        record.responses.append(body)
        resource: Json | None = None
        if kind in (4, 5):  # a new message: with content now (4) or a "thinking…" placeholder (5)
            flags = int(data.get("flags") or 0) | (LOADING if kind == 5 else 0)
            msg = await self.s.interaction_message(record, data if kind == 4 else {}, flags)
            resource = {"type": kind, "message": msg}
        elif kind in (6, 7):  # the component's own message: edited now (7) or later (6)
            record.message_id = record.component_message_id
            if kind == 7 and record.message_id is not None:
                await self.s.update_message(record.message_id, data)
                resource = {"type": kind, "message": self.s.messages[record.message_id]}
        elif kind == 8:
            record.choices = list(data.get("choices", []))
        msg_data = self.s.messages.get(record.message_id) if record.message_id else None
        answer: Json = {
            "interaction": {
                "id": str(record.id),
                "type": record.kind,
                "response_message_id": str(record.message_id) if record.message_id else None,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(msg_data and int(msg_data["flags"]) & EPHEMERAL),
            }
        }
        if resource is not None:
            answer["resource"] = resource
        if request.query.get("with_response") in ("1", "true"):
            return reply(answer)
        return web.Response(status=204)

    def _attachments(self, files: list[Json]) -> list[Json]:
        """Attachment objects for uploaded files; their bytes are kept in ``files`` by attachment id."""
        found: list[Json] = []
        for f in files:
            attachment_id = str(self.s.ids())
            # What Discord's attachment object always carries (discord.py reads url and proxy_url).
            url = f"https://cdn.discordapp.com/attachments/0/{attachment_id}/{f['filename']}"
            found.append(
                {
                    "id": attachment_id,
                    "filename": f["filename"],
                    "size": len(f["data"]),
                    "url": url,
                    "proxy_url": url.replace("cdn.discordapp.com", "media.discordapp.net"),
                    "content_type": "image/png"
                    if f["filename"].endswith(".png")
                    else "application/octet-stream",
                }
            )
        self.s.files.update({a["id"]: f["data"] for a, f in zip(found, files, strict=True)})
        return found

    async def followup(self, request: web.Request) -> web.Response:
        record = self._record(request)
        if record is None:
            return error(404, 10015, "Unknown Webhook")
        body, files = await body_and_files(request)
        if problems := form_errors(body):
            return error(400, 50035, "Invalid Form Body", problems)
        msg = await self.s.interaction_message(record, body, int(body.get("flags") or 0), followup=True)
        if files:
            msg["attachments"] = self._attachments(files)
        return reply(msg) if request.query.get("wait") in ("true", "1") else web.Response(status=204)

    def _webhook_message_id(self, request: web.Request, record: InteractionRecord) -> int | None:
        wanted = request.match_info["message"]
        return record.message_id if wanted == "@original" else int(wanted)

    async def get_webhook_message(self, request: web.Request) -> web.Response:
        record = self._record(request)
        message_id = self._webhook_message_id(request, record) if record else None
        data = self.s.messages.get(message_id) if message_id else None
        return reply(data) if data else error(404, 10008, "Unknown Message")

    async def edit_webhook_message(self, request: web.Request) -> web.Response:
        record = self._record(request)
        if record is None:
            return error(404, 10015, "Unknown Webhook")
        message_id = self._webhook_message_id(request, record)
        if message_id is None:
            return error(404, 10008, "Unknown Message")
        body, files = await body_and_files(request)
        if files and message_id in self.s.messages and not form_errors(body):
            # An edit uploading files adds them (what the body's ``attachments`` keeps is not modelled).
            self.s.messages[message_id]["attachments"] = self._attachments(files)
        record.edits += 1
        return await self._edit(message_id, body)
