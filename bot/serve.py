"""`orchestrator serve`: every configured chat surface in one process, plus the HTTP endpoint."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable

from aiohttp import web

from bot.integration_clients import sync_service
from bot.notifiers import Notifiers
from bot.scheduler_loop import SchedulerLoop
from bot.surface import ChatSurface
from bot.sync_scheduler import SyncScheduler
from bot.webhooks import Webhooks
from bot.wiring import Runtime, runtime
from core.clock import SystemClock
from core.schedule.notify import Notifier
from core.schedule.scheduler import Scheduler
from core.settings import Settings
from core.store import ReceiptRepo
from core.sync import SyncService

log = logging.getLogger(__name__)

# Each entry: (name, is it configured in these settings?, factory). Factories import their platform lazily, so
# a deployment without Discord never imports discord.py (about 20 MB of a process).
SurfaceFactory = Callable[[Runtime], ChatSurface]
SURFACE_NAMES = web.AppKey("surface_names", list[str])


def _registry() -> list[tuple[str, Callable[[Settings], bool], Callable[[], SurfaceFactory]]]:
    def slack() -> SurfaceFactory:
        from bot.slack.surface import SlackSurface

        return SlackSurface.from_runtime

    def discord() -> SurfaceFactory:
        from bot.discord.surface import DiscordSurface

        return DiscordSurface.from_runtime

    return [
        ("slack", lambda s: s.slack.configured, slack),
        ("discord", lambda s: s.discord.configured, discord),
    ]


def configured_surfaces(rt: Runtime) -> list[ChatSurface]:
    """The adapters whose credentials are set in the runtime's settings (environment or `.env`)."""
    surfaces: list[ChatSurface] = []
    for name, is_configured, factory in _registry():
        if is_configured(rt.settings):
            surfaces.append(factory()(rt))
            log.info("surface %s configured", name)
    return surfaces


async def _healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok", "surfaces": request.app[SURFACE_NAMES]})


def build_app(
    surfaces: list[ChatSurface], sync: SyncService | None, receipts: ReceiptRepo
) -> web.Application:
    """The HTTP app: /healthz, each chat surface's routes and the tracker webhooks."""
    app = web.Application()
    app[SURFACE_NAMES] = [s.name for s in surfaces]
    app.router.add_get("/healthz", _healthz)
    for surface in surfaces:
        surface.mount(app)
    Webhooks(sync, receipts).mount(app)
    return app


def _scheduler(rt: Runtime, surfaces: list[ChatSurface]) -> SchedulerLoop | None:
    """The reminders/digests/reports loop over the notifiers of the surfaces that started (None: none can
    speak first, e.g. a webhooks-only deployment)."""
    found: list[Notifier] = []
    for surface in surfaces:
        make = getattr(surface, "notifier", None)
        notifier = make() if callable(make) else None
        if notifier is not None:
            found.append(notifier)
    if not found:
        return None
    scheduler = Scheduler(rt.store, Notifiers(found), SystemClock())
    return SchedulerLoop(scheduler, tick=rt.settings.scheduler.tick_seconds)


async def serve(
    settings: Settings,
    host: str,
    port: int,
    *,
    stop: asyncio.Event | None = None,
    on_ready: Callable[[str], None] | None = None,
) -> int:
    """Run until SIGINT/SIGTERM (or ``stop`` is set). Returns a process exit code.

    ``on_ready`` gets the base URL once listening (port 0 picks a free port).
    """
    stop = stop or asyncio.Event()
    async with runtime(settings) as rt:
        surfaces = configured_surfaces(rt)
        # One SyncService for the scheduler and the webhooks: its locks keep their runs from overlapping.
        sync = sync_service(rt, create_key=False)  # None without a secret key: nothing to sync
        app = build_app(surfaces, sync, rt.store.receipts)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        sockets = getattr(site._server, "sockets", None) or []
        port = sockets[0].getsockname()[1] if sockets else port
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, stop.set)
            except (NotImplementedError, RuntimeError):  # not on the main thread (tests) or not on POSIX
                pass
        started: list[ChatSurface] = []
        reminders: SchedulerLoop | None = None
        scheduler = (
            SyncScheduler(sync, tick=settings.scheduler.tick_seconds)
            if sync is not None and settings.scheduler.enabled
            else None
        )
        try:
            if scheduler is not None:
                scheduler.start()
            for surface in surfaces:
                await surface.start()
                started.append(surface)
            if not surfaces:
                log.warning("no chat surface configured; serving /healthz only")
            reminders = _scheduler(rt, started) if settings.scheduler.enabled else None
            if reminders is not None:
                reminders.start()
            names = ", ".join(s.name for s in surfaces) or "no chat surfaces"
            print(f"serving on http://{host}:{port} ({names})")
            if on_ready is not None:
                on_ready(f"http://{host}:{port}")
            await stop.wait()
        finally:
            if reminders is not None:
                await reminders.stop()
            if scheduler is not None:
                await scheduler.stop()
            for surface in reversed(started):
                try:
                    await surface.stop()
                except Exception:
                    log.exception("stopping %s failed", surface.name)
            await runner.cleanup()
    return 0
