"""Serve's real aiohttp app (``bot.serve.build_app``) on 127.0.0.1 and an ephemeral port, with a
SyncService whose clients talk to a tracker fake, for the webhook tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiohttp import web

from bot.serve import build_app
from bot.webhooks import WEBHOOKS, Webhooks
from core.integrations import IntegrationClient
from core.models import Integration
from core.secrets import SecretBox
from core.services import Services
from core.sync import SyncService
from tests.integrations.tracker_kits import Kit


@dataclass
class Served:
    url: str
    webhooks: Webhooks
    sync: SyncService


@asynccontextmanager
async def served(services: Services, box: SecretBox, kit: Kit) -> AsyncIterator[Served]:
    def factory(integration: Integration, credentials: Mapping[str, str]) -> IntegrationClient:
        return kit.client()

    sync = SyncService(services, box, factory)
    app = build_app([], sync, services.store.receipts)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield Served(f"http://127.0.0.1:{port}", app[WEBHOOKS], sync)
    finally:
        await runner.cleanup()


async def raw_post(
    url: str, headers: list[tuple[bytes, bytes]], body: bytes, *, method: bytes = b"POST"
) -> int:
    """POST (or ``method``) over a bare socket and return the status: the headers go out byte for byte, so a
    test can send what no HTTP client library would (non-UTF-8 bytes, a header twice, in any order)."""
    parts = urlsplit(url)
    assert parts.hostname is not None and parts.port is not None
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    try:
        head = [
            method + b" " + (parts.path or "/").encode() + b" HTTP/1.1",
            b"Host: " + parts.netloc.encode(),
        ]
        head += [name + b": " + value for name, value in headers]
        head += [b"Content-Length: " + str(len(body)).encode(), b"Connection: close"]
        writer.write(b"\r\n".join(head) + b"\r\n\r\n" + body)
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), 10)
        return int(status_line.split()[1])
    finally:
        writer.close()
        await writer.wait_closed()
