"""What the loopback fakes of Motion, Linear, GitLab and Notion share: aiohttp on 127.0.0.1 and an
ephemeral port, a gate (auth, a rate limit of N requests per time-scaled window, injectable faults),
strictly increasing timestamps, and a thread-hosted mode for code that runs its own event loop (the CLI).

Each vendor subclass adds its routes and says how its wire answers auth failures, rate limits and 5xx.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, Self

from aiohttp import web

from tests.fakes.http_faults import FaultPlan, Stats


def iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


class TrackerFake:
    """Base of the fakes; subclasses implement ``routes`` and the four wire answers."""

    prefix = ""  # path prefix of the API (e.g. "/api/v4")

    def __init__(
        self,
        api_key: str,
        *,
        rate_limit: int,
        window: float,
        page_size: int,
        faults: FaultPlan | None = None,
    ) -> None:
        self.api_key = api_key
        self.rate_limit = rate_limit
        self.window = window
        self.page_size = page_size
        self.faults = faults
        self.stats = Stats()
        self.lock = threading.RLock()  # the thread-hosted variant is poked from the test's thread
        self._last_time = datetime.now(UTC)
        self._recent: deque[float] = deque()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ---- what a vendor subclass provides
    def routes(self, router: web.UrlDispatcher) -> None:
        raise NotImplementedError

    def authorized(self, request: web.Request) -> bool:
        raise NotImplementedError

    def unauthorized(self) -> web.Response:
        return web.json_response({"message": "401 Unauthorized"}, status=401)

    def rate_limited(self, wait: float) -> web.Response:
        return web.json_response(
            {"message": "Too many requests"}, status=429, headers={"Retry-After": f"{wait:.3f}"}
        )

    def server_error(self) -> web.Response:
        return web.json_response({"message": "Internal server error"}, status=500)

    # ---- lifecycle
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.prefix}"

    async def start(self) -> Self:
        app = web.Application(middlewares=[self._gate])
        self.routes(app.router)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None and getattr(server, "sockets", None)
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @contextmanager
    def in_thread(self) -> Iterator[Self]:
        """Serve from a background thread's loop (for code that runs ``asyncio.run`` itself)."""
        loop = asyncio.new_event_loop()
        thread = threading.Thread(
            target=lambda: (asyncio.set_event_loop(loop), loop.run_forever()), daemon=True
        )
        thread.start()
        asyncio.run_coroutine_threadsafe(self.start(), loop).result(10)
        try:
            yield self
        finally:
            asyncio.run_coroutine_threadsafe(self.stop(), loop).result(10)
            loop.call_soon_threadsafe(loop.stop)
            thread.join(10)
            loop.close()

    # ---- the gate
    @web.middleware
    async def _gate(self, request: web.Request, handler: Callable[[web.Request], Any]) -> web.StreamResponse:
        if not self.authorized(request):
            self.stats.unauthorized += 1
            return self.unauthorized()
        key = await self.fault_key(request)
        now = time.monotonic()
        with self.lock:
            while self._recent and now - self._recent[0] >= self.window:
                self._recent.popleft()
            if len(self._recent) >= self.rate_limit:
                self.stats.rate_limited += 1
                return self.rate_limited(self._recent[0] + self.window - now)
            self._recent.append(now)
            self.stats.accepted.append((now, request.method, request.path))
            fault = self.faults.pick(request.method, key) if self.faults else None
        if fault:
            self.stats.faults[fault] += 1
        if fault == "error":
            return self.server_error()
        response: web.StreamResponse = await handler(request)
        if fault == "timeout":
            await asyncio.sleep(self.faults.hang if self.faults else 1)
        elif fault == "lost" and request.transport is not None:
            request.transport.abort()  # the change is applied; the answer never arrives
        return response

    async def fault_key(self, request: web.Request) -> str:
        """What ``FaultPlan.only`` sees as the path (GraphQL fakes give the operation name)."""
        return request.path

    # ---- helpers
    def now(self) -> datetime:
        """Strictly increasing, so "changed since" comparisons are exact even for back-to-back edits."""
        now = datetime.now(UTC)
        now = now.replace(microsecond=now.microsecond // 1000 * 1000)
        if now < self._last_time + timedelta(milliseconds=1):  # distinct at the wire's millisecond precision
            now = self._last_time + timedelta(milliseconds=1)
        self._last_time = now
        return now
