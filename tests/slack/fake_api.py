"""A loopback fake of the Slack Web API (and response_url, and Socket Mode) that records every call.

Modelled on bolt-python's mock web API server: real HTTP on 127.0.0.1, canned answers per method, every
request kept for assertions. It speaks the wire formats slack_sdk uses: form and query parameters or JSON
bodies, ``Authorization: Bearer`` tokens, and ``{"ok": false, "error": …}`` for failures.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

BOT_TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-test-token"
TEAM_ID = "T0TEAM"
BOT_USER_ID = "UBOT"
# A fault switch (bench/soak.py): given a request, an answer to send instead (a 5xx), or None to go on; it may
# also sleep first, to answer late.
Fault = Callable[[web.Request], Awaitable[web.StreamResponse | None]]


@dataclass
class Call:
    """One request the fake received."""

    method: str  # Web API method, "response_url", or "socket_ack"
    params: dict[str, Any]
    token: str | None = None
    path: str = ""
    at: float = field(default_factory=time.monotonic)  # when it arrived (to check Retry-After was honoured)


@dataclass
class FakeUser:
    id: str
    name: str
    real_name: str = ""
    email: str | None = None
    tz: str = "UTC"

    def payload(self) -> dict[str, Any]:
        profile: dict[str, Any] = {"display_name": self.real_name, "real_name": self.real_name}
        if self.email:
            profile["email"] = self.email
        return {
            "id": self.id,
            "team_id": TEAM_ID,
            "name": self.name,
            "real_name": self.real_name,
            "tz": self.tz,
            "is_bot": False,
            "profile": profile,
        }


@dataclass
class FakeSlack:
    """Start with ``await fake.start()``; ``fake.api_url`` is what SLACK_API_URL should be."""

    users: dict[str, FakeUser] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    port: int = 0
    fault: Fault | None = None
    # messages posted with chat.postMessage, per channel, oldest first (conversations.history reads them)
    posted: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # chat.postMessage to these channels (or users) fails with this error (is_archived, user_not_found…)
    post_errors: dict[str, str] = field(default_factory=dict)
    # files upload v2: the bytes POSTed to each upload_url, by file id (completed or not)
    uploads: dict[str, bytes] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._ts = 1_700_000_000
        self._sockets: list[web.WebSocketResponse] = []
        self._socket_ready = asyncio.Event()
        self._failing: dict[str, list[web.Response]] = {}

    # -- lifecycle ---------------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/response/{key}", self._response_url)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base}/api/"

    def response_url(self, key: str) -> str:
        return f"{self.base}/response/{key}"

    # -- assertions --------------------------------------------------------------------------------------

    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, method: str, count: int = 1, within: float = 15.0) -> list[Call]:
        """Wait until ``count`` calls of ``method`` arrived (a condition, not a timing assertion)."""

        async def arrived() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: len(self.of(method)) >= count)

        try:
            await asyncio.wait_for(arrived(), within)
        except TimeoutError:
            seen = [c.method for c in self.calls]
            raise AssertionError(f"expected {count} call(s) of {method}; got {seen}") from None
        return self.of(method)

    async def _record(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    # -- Web API -----------------------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.StreamResponse:
        if self.fault is not None and (injected := await self.fault(request)) is not None:
            return injected
        method = request.match_info["method"]
        params: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                params.update(await request.json())
            else:
                params.update(dict(await request.post()))
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else params.get("token")
        await self._record(Call(method, params, token, request.path))
        if (failure := self._next_failure(method)) is not None:
            return failure
        expected = APP_TOKEN if method == "apps.connections.open" else BOT_TOKEN
        if token != expected:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        body: dict[str, Any] = handler(params)
        return web.json_response(body)

    def _next_ts(self) -> str:
        self._ts += 1
        return f"{self._ts}.000100"

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://acme.slack.com/",
            "team": "Acme",
            "user": "orchestrator",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": "BBOT",
            "is_enterprise_install": False,
        }

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(params.get("user")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": user.payload()}

    def _chat_postMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        if (problem := self.post_errors.get(str(params.get("channel")))) is not None:
            return {"ok": False, "error": problem}
        target = str(params.get("channel") or "")
        if target[:1] in ("U", "W"):  # a user id: Slack posts in the app's DM with that person
            if target not in self.users:
                return {"ok": False, "error": "channel_not_found"}
            params = {**params, "channel": f"D{target}"}
        ts = self._next_ts()
        message = {k: v for k, v in params.items() if k in ("text", "blocks", "thread_ts")}
        self._keep_posted(params, {**message, "ts": ts})
        return {"ok": True, "channel": params.get("channel"), "ts": ts, "message": {**message, "ts": ts}}

    def _chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "channel": params.get("channel"),
            "ts": params.get("ts"),
            "text": params.get("text"),
        }

    def _chat_getPermalink(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, ts = params.get("channel"), str(params.get("message_ts", ""))
        link = f"https://acme.slack.com/archives/{channel}/p{ts.replace('.', '')}"
        return {"ok": True, "channel": channel, "permalink": link}

    def _views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        view = params.get("view") or {}
        return {"ok": True, "view": {**view, "id": "VMODAL1", "hash": "h1"}}

    def _views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        view = params.get("view") or {}
        return {"ok": True, "view": {**view, "id": "VHOME1", "hash": "h2"}}

    def _conversations_open(self, params: dict[str, Any]) -> dict[str, Any]:
        user = str(params.get("users", ""))
        if user not in self.users:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "channel": {"id": f"D{user}", "is_im": True}}

    # -- scheduler notices: failures on demand, stored messages with metadata, history ---------------------

    def fail_next(self, method: str, times: int = 1, *, status: int = 429, retry_after: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` with HTTP ``status`` (a 429 with Retry-After)."""
        for _ in range(times):
            if status == 429:
                answer = web.json_response(
                    {"ok": False, "error": "ratelimited"},
                    status=429,
                    headers={"Retry-After": str(retry_after)},
                )
            else:
                answer = web.json_response({"ok": False, "error": "internal_error"}, status=status)
            self._failing.setdefault(method, []).append(answer)

    def _next_failure(self, method: str) -> web.Response | None:
        queued = self._failing.get(method)
        return queued.pop(0) if queued else None

    def _keep_posted(self, params: dict[str, Any], message: dict[str, Any]) -> None:
        metadata = params.get("metadata")
        if isinstance(metadata, str):
            metadata = json.loads(metadata)
        stored = {"type": "message", "user": BOT_USER_ID, "bot_id": "BBOT", **message}
        if metadata:
            stored["metadata"] = metadata
        self.posted.setdefault(str(params.get("channel")), []).append(stored)

    def _visible(self, message: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        """Metadata only with ``include_all_metadata``, as Slack does."""
        if str(params.get("include_all_metadata", "")).lower() in ("1", "true"):
            return message
        return {k: v for k, v in message.items() if k != "metadata"}

    def _conversations_history(self, params: dict[str, Any]) -> dict[str, Any]:
        limit = int(params.get("limit") or 100)
        messages = [m for m in self.posted.get(str(params.get("channel")), []) if "thread_ts" not in m]
        newest_first = [self._visible(m, params) for m in reversed(messages)][:limit]
        return {"ok": True, "messages": newest_first, "has_more": len(messages) > limit}

    def _conversations_replies(self, params: dict[str, Any]) -> dict[str, Any]:
        limit = int(params.get("limit") or 100)
        thread = str(params.get("ts"))
        messages = [
            m for m in self.posted.get(str(params.get("channel")), []) if m.get("thread_ts") == thread
        ]
        oldest_first = [self._visible(m, params) for m in messages][:limit]
        return {"ok": True, "messages": oldest_first, "has_more": len(messages) > limit}

    def posted_to(self, channel: str) -> list[dict[str, Any]]:
        """What the app posted in ``channel`` (a D… id for a DM), oldest first."""
        return self.posted.get(channel, [])

    # files upload v2: getUploadURLExternal, a POST of the bytes to upload_url, completeUploadExternal
    def _files_getUploadURLExternal(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("filename") or not str(params.get("length", "")).isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{len(self.of('files.getUploadURLExternal')):04d}"
        return {"ok": True, "upload_url": f"{self.base}/upload/{file_id}", "file_id": file_id}

    async def _upload(self, request: web.Request) -> web.StreamResponse:
        if self.fault is not None and (injected := await self.fault(request)) is not None:
            return injected
        file_id = request.match_info["file_id"]
        data = await request.read()
        self.uploads[file_id] = data
        await self._record(Call("upload", {"file_id": file_id, "length": len(data)}, None, request.path))
        return web.Response(text=f"OK - {len(data)}")

    def _files_completeUploadExternal(self, params: dict[str, Any]) -> dict[str, Any]:
        files = json.loads(str(params.get("files") or "[]"))
        if not files or any(f.get("id") not in self.uploads for f in files):
            return {"ok": False, "error": "file_not_found"}  # completing before the bytes arrived
        channel = params.get("channel_id")
        if channel and not str(channel).startswith(("C", "D", "G")):
            return {"ok": False, "error": "invalid_channel"}
        if channel and (problem := self.post_errors.get(str(channel))) is not None:
            return {"ok": False, "error": problem}  # sharing a file fails where posting does (not_in_channel)
        shares = {"public": {channel: [{"ts": self._next_ts()}]}} if channel else {}
        done = [{"id": f["id"], "title": f.get("title", ""), "shares": shares} for f in files]
        return {"ok": True, "files": done}

    def _apps_connections_open(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket"}

    # -- response_url ------------------------------------------------------------------------------------

    async def _response_url(self, request: web.Request) -> web.StreamResponse:
        if self.fault is not None and (injected := await self.fault(request)) is not None:
            return injected
        body = await request.json()
        await self._record(Call("response_url", body, None, request.path))
        return web.Response(text="ok")

    # -- Socket Mode -------------------------------------------------------------------------------------

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_json({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A1"}})
        self._socket_ready.set()
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                await self._record(Call("socket_ack", json.loads(msg.data)))
        self._sockets.remove(ws)
        return ws

    async def socket_send(self, envelope: dict[str, Any], within: float = 15.0) -> None:
        """Push an envelope to the connected Socket Mode client (waiting up to ``within`` s for it)."""
        await asyncio.wait_for(self._socket_ready.wait(), within)
        await self._sockets[-1].send_json(envelope)


def now() -> int:
    return int(time.time())
