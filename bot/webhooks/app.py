"""``POST /webhooks/linear|gitlab|notion`` on serve's aiohttp app: verify, answer at once, pull behind.

A delivery is matched to the integration whose stored webhook secret verifies it (so one URL serves every
workspace; ``/webhooks/<kind>/<integration id>`` narrows it). A bad, missing, repeated or malformed signature,
a stale Linear timestamp or an unknown sender gets 401 and nothing is recorded. A good one is claimed in the
store's receipts under a key taken from what the sender signed, never from an unsigned header (a replay with
its ``Linear-Delivery`` changed is still the same delivery), so it acts once; the answer is 202 and an
incremental pull of that integration runs in the background (a deletion Notion reports asks for a full
listing: its query can't show one). Runs are coalesced: deliveries arriving while one is queued add nothing.

Dedup keys: Linear, the SHA-256 of the signed body (it holds ``webhookId`` and ``webhookTimestamp``); Notion,
the event ``id`` inside the signed body (a retry carries the same id with a higher ``attempt_number``);
GitLab signs nothing (its token is a shared secret sent as is), so the SHA-256 of the body: whoever holds the
token can send anything anyway, but a captured delivery replayed under a new ``X-Gitlab-Event-UUID`` acts
no more.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections.abc import Callable
from typing import Any, TypeGuard

from aiohttp import web

from bot.webhooks import signatures
from core.models import Integration, IntegrationType
from core.store import ReceiptRepo
from core.sync import SyncService

log = logging.getLogger(__name__)

_SECRET = "webhook_secret"
# Notion events that an updated-since query can't show.
_NOTION_FULL = ("page.deleted", "page.moved", "database.deleted", "data_source.deleted")


class Webhooks:
    """The three endpoints plus the background pulls they trigger."""

    def __init__(
        self,
        sync: SyncService | None,
        receipts: ReceiptRepo,
        *,
        clock: Callable[[], float] = time.time,
        tolerance: float = 60.0,
    ) -> None:
        self.sync = sync
        self.receipts = receipts
        self._clock = clock
        self._tolerance = tolerance
        self._tasks: set[asyncio.Task[None]] = set()
        self._queued: set[str] = set()
        self._full: dict[str, bool] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def mount(self, app: web.Application) -> None:
        app[WEBHOOKS] = self
        for kind, handler in (("linear", self.linear), ("gitlab", self.gitlab), ("notion", self.notion)):
            app.router.add_post(f"/webhooks/{kind}", handler)
            app.router.add_post(f"/webhooks/{kind}/{{integration}}", handler)
        app.on_cleanup.append(self._cleanup)

    # ---- endpoints
    async def linear(self, request: web.Request) -> web.Response:
        """A Linear delivery: HMAC of the body, timestamp within the tolerance, once per signed body."""
        raw = await request.read()
        signature = _header(request, "Linear-Signature")
        match = await self._match(
            request, IntegrationType.linear, lambda s: signatures.linear_ok(s, raw, signature)
        )
        body = _json(raw)
        if match is None or body is None:
            return _denied()
        if not signatures.linear_fresh(body.get("webhookTimestamp"), self._clock(), self._tolerance):
            return _denied()  # stale: possibly a replay
        return await self._accept(match, f"linear:{_digest(raw)}")

    async def gitlab(self, request: web.Request) -> web.Response:
        """A GitLab delivery: the shared token in constant time, once per body."""
        raw = await request.read()
        token = _header(request, "X-Gitlab-Token")
        match = await self._match(request, IntegrationType.gitlab, lambda s: signatures.gitlab_ok(s, token))
        if match is None:
            return _denied()
        event = request.headers.get("X-Gitlab-Event", "")
        if "Issue" not in event and "Milestone" not in event:
            return web.json_response({"status": "ignored"})  # verified, but nothing the sync follows
        return await self._accept(match, f"gitlab:{_digest(raw)}")

    async def notion(self, request: web.Request) -> web.Response:
        """A Notion delivery (HMAC of the body, once per signed event id), or its verification handshake."""
        raw = await request.read()
        body = _json(raw)
        if body is not None and "verification_token" in body and "X-Notion-Signature" not in request.headers:
            return await self._notion_handshake(request, body["verification_token"])
        signature = _header(request, "X-Notion-Signature")
        match = await self._match(
            request, IntegrationType.notion, lambda s: signatures.notion_ok(s, raw, signature)
        )
        if match is None or body is None:
            return _denied()
        event_id = body.get("id")
        delivery = event_id if _plain_id(event_id) else _digest(raw)
        full = body.get("type") in _NOTION_FULL
        return await self._accept(match, f"notion:{delivery}", full=full)

    async def _notion_handshake(self, request: web.Request, token: object) -> web.Response:
        """Notion's first POST carries the token later deliveries are signed with: keep it, encrypted.

        Only an integration without a token takes one (a second handshake can't replace a known token).
        """
        if self.sync is None or not _plain_id(token, longest=512):
            return _denied()
        waiting = [
            i
            for i in await self._integrations(request, IntegrationType.notion)
            if not self.sync.credentials(i).get(_SECRET)
        ]
        if len(waiting) != 1:
            return _denied()  # none waiting, or ambiguous: use /webhooks/notion/<integration id>
        await self.sync.store_credential(waiting[0], _SECRET, token)
        log.info("notion webhook: verification token stored for integration %s", waiting[0].id)
        return web.json_response({"status": "verification token stored"})

    # ---- shared steps
    async def _integrations(self, request: web.Request, kind: IntegrationType) -> list[Integration]:
        if self.sync is None:
            return []
        wanted = request.match_info.get("integration")
        rows = [i for i in await self.sync.list(None) if i.type is kind and i.enabled]
        return [i for i in rows if i.id == wanted] if wanted else rows

    async def _match(
        self, request: web.Request, kind: IntegrationType, verifies: Callable[[str], bool]
    ) -> Integration | None:
        """The integration whose stored secret verifies this delivery."""
        if self.sync is None:
            return None
        for integration in await self._integrations(request, kind):
            secret = self.sync.credentials(integration).get(_SECRET, "")
            if secret and verifies(secret):
                return integration
        return None

    async def _accept(self, integration: Integration, key: str, *, full: bool = False) -> web.Response:
        if not await self.receipts.claim(integration.workspace_id, key[:200]):
            return web.json_response({"status": "duplicate"})  # a retried delivery: acted on already
        self.trigger(integration, full=full)
        return web.json_response({"status": "accepted"}, status=202)

    def trigger(self, integration: Integration, *, full: bool = False) -> None:
        """Pull ``integration`` soon, in the background; a run already queued covers this one too."""
        self._full[integration.id] = self._full.get(integration.id, False) or full
        if integration.id in self._queued:
            return
        self._queued.add(integration.id)
        task = asyncio.create_task(self._run(integration), name=f"webhook-pull-{integration.type.value}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, integration: Integration) -> None:
        lock = self._locks.setdefault(integration.id, asyncio.Lock())
        async with lock:
            # From here on, a new delivery queues another run: this one may have listed before its change.
            self._queued.discard(integration.id)
            full = self._full.pop(integration.id, False)
            if self.sync is None:
                return
            try:
                entry = await self.sync.run_integration(integration, full=full)
                log.info("webhook pull of %s: %s", integration.type.value, entry.status)
            except Exception:  # a bug in one run must not take the server down
                log.exception("webhook pull of %s failed", integration.type.value)

    async def drain(self) -> None:
        """Wait for the pulls triggered so far (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _cleanup(self, app: web.Application) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)


WEBHOOKS = web.AppKey("webhooks", Webhooks)


def _json(raw: bytes) -> dict[str, Any] | None:
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):  # not UTF-8 or not JSON; nesting deeper than the parser goes
        return None
    return body if isinstance(body, dict) else None


def _header(request: web.Request, name: str) -> bytes | None:
    """An auth header's raw bytes when sent exactly once (signatures.one_header)."""
    return signatures.one_header(request.headers.getall(name, []))


def _digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _plain_id(value: object, *, longest: int = 128) -> TypeGuard[str]:
    """A short printable ASCII string, safe as a receipt key or a credential (JSON may hold anything)."""
    return isinstance(value, str) and 0 < len(value) <= longest and value.isascii() and value.isprintable()


def _denied() -> web.Response:
    return web.json_response({"error": "invalid signature"}, status=401)
