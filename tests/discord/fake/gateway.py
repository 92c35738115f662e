"""The fake Gateway: HELLO → IDENTIFY → READY → GUILD_CREATE, heartbeats, dispatch, RESUME, zlib-stream.

discord.py connects with ``?v=10&encoding=json&compress=zlib-stream``: every frame it receives is a binary
chunk of one shared zlib stream, each message ending in a Z_SYNC_FLUSH (``00 00 ff ff``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

if TYPE_CHECKING:
    from tests.discord.fake.server import FakeDiscord

log = logging.getLogger(__name__)

DISPATCH, HEARTBEAT, IDENTIFY, RESUME, RECONNECT, INVALID_SESSION, HELLO, HEARTBEAT_ACK = (
    0,
    1,
    2,
    6,
    7,
    9,
    10,
    11,
)
HEARTBEAT_INTERVAL_MS = 41_250
# Privileged intent bit → the application flags that allow it (gateway_* and gateway_*_limited).
PRIVILEGED = {1 << 1: (1 << 14) | (1 << 15), 1 << 8: (1 << 12) | (1 << 13), 1 << 15: (1 << 18) | (1 << 19)}


@dataclass
class Session:
    """What RESUME needs: every dispatched event with its sequence number."""

    id: str
    intents: int
    seq: int = 0
    events: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Connection:
    ws: web.WebSocketResponse
    compressor: Any | None  # zlib compressobj when the client asked for zlib-stream
    session: Session | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def send(self, payload: dict[str, Any]) -> None:
        raw = json.dumps(payload).encode()
        async with self.lock:  # one zlib stream: frames must leave in the order they were compressed
            if self.ws.closed:
                return
            if self.compressor is not None:
                await self.ws.send_bytes(
                    self.compressor.compress(raw) + self.compressor.flush(zlib.Z_SYNC_FLUSH)
                )
            else:
                await self.ws.send_str(raw.decode())


class FakeGateway:
    def __init__(self, server: FakeDiscord) -> None:
        self.server = server
        self.connections: list[Connection] = []
        self.sessions: dict[str, Session] = {}
        self.identifies: list[dict[str, Any]] = []
        self.resumes: list[dict[str, Any]] = []
        self.heartbeats = 0
        self.acks = 0
        self.replay_overlap = 0  # on RESUME, also replay this many events the client already saw

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        compressed = request.query.get("compress") == "zlib-stream"
        conn = Connection(ws, zlib.compressobj() if compressed else None)
        self.connections.append(conn)
        try:
            await conn.send(
                {"op": HELLO, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}, "s": None, "t": None}
            )
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    await self._receive(conn, json.loads(msg.data))
                elif msg.type is WSMsgType.BINARY:
                    await self._receive(conn, json.loads(msg.data.decode()))
        finally:
            self.connections.remove(conn)
            self.server.changed()
        return ws

    async def _receive(self, conn: Connection, payload: dict[str, Any]) -> None:
        op, data = payload.get("op"), payload.get("d") or {}
        if op == HEARTBEAT:
            self.heartbeats += 1
            await conn.send({"op": HEARTBEAT_ACK, "d": None, "s": None, "t": None})
            self.acks += 1
        elif op == IDENTIFY:
            await self._identify(conn, data)
        elif op == RESUME:
            await self._resume(conn, data)
        self.server.changed()

    async def _identify(self, conn: Connection, data: dict[str, Any]) -> None:
        self.identifies.append(data)
        if data.get("token") != self.server.token:
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            return
        intents = int(data.get("intents", 0))
        flags = self.server.application_flags
        if any(intents & bit and not flags & allowed for bit, allowed in PRIVILEGED.items()):
            await conn.ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        session = Session(uuid.uuid4().hex, intents)
        self.sessions[session.id] = session
        conn.session = session
        ready = {
            "v": 10,
            "user": {**self.server.bot.payload(), "verified": True, "mfa_enabled": False, "flags": 0},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in self.server.guilds.values()],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.server.gateway_url,
            "application": {"id": str(self.server.application_id), "flags": flags},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "geo_ordered_rtc_regions": [],
        }
        await self._dispatch_to(conn, "READY", ready)
        for guild in self.server.guilds.values():
            await self._dispatch_to(conn, "GUILD_CREATE", self.server.guild_payload(guild))

    async def _resume(self, conn: Connection, data: dict[str, Any]) -> None:
        self.resumes.append(data)
        session = self.sessions.get(str(data.get("session_id")))
        if session is None or data.get("token") != self.server.token:
            await conn.send({"op": INVALID_SESSION, "d": False, "s": None, "t": None})
            return
        conn.session = session
        seen = int(data.get("seq") or 0) - self.replay_overlap
        for event in [e for e in session.events if e["s"] > seen]:
            await conn.send(event)
        await self._dispatch_to(conn, "RESUMED", {})

    async def _dispatch_to(self, conn: Connection, event: str, data: dict[str, Any]) -> None:
        session = conn.session
        assert session is not None
        session.seq += 1
        payload = {"op": DISPATCH, "t": event, "s": session.seq, "d": data}
        session.events.append(payload)
        await conn.send(payload)

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send an event to every identified connection."""
        for conn in list(self.connections):
            if conn.session is not None:
                await self._dispatch_to(conn, event, data)

    async def request_reconnect(self) -> None:
        """Op 7: ask the client to reconnect and RESUME."""
        for conn in list(self.connections):
            await conn.send({"op": RECONNECT, "d": None, "s": None, "t": None})

    async def close_all(self) -> None:
        for conn in list(self.connections):
            await conn.ws.close(code=1001)

    @property
    def ready(self) -> bool:
        return any(c.session is not None for c in self.connections)
