"""Forged, stale, replayed and malformed requests on every endpoint of `orchestrator serve`.

Serve's real aiohttp app (``bot.serve.build_app``) with the Slack surface over the loopback fake Slack and the
three tracker webhooks, each with its secret stored the way ``integrations add --webhook-secret`` stores it.
Requests go out over a bare socket (``raw_post``), so headers can be what no client library sends: non-UTF-8
bytes, a header twice, 6 KB long. What must hold, whatever arrives:
- never a 500;
- 401 for any bad, missing, malformed, repeated or stale auth header, and nothing recorded (no pull, no row);
- a replay acts once, whatever unsigned header it changes.
Tracker pulls are counted, not run: the requests are what is under test here, and it keeps the suite fast.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest
from aiohttp import web

from bot.serve import build_app
from bot.slack.surface import EVENTS_PATH, SlackSurface
from bot.webhooks import WEBHOOKS, Webhooks
from core.conversation.handler import ConversationHandler
from core.integrations import IntegrationClient
from core.models import Integration, Platform, SyncDirection, SyncLog
from core.secrets import SecretBox
from core.services import Services
from core.store import Store
from core.sync import SyncService
from tests.integrations.webhook_harness import raw_post
from tests.slack.fake_api import BOT_USER_ID, TEAM_ID, FakeSlack, FakeUser
from tests.slack.harness import SIGNING_SECRET, settings_for
from tests.slack.helpers import WORKSPACE as SLACK_WS
from tests.slack.helpers import all_tasks

Headers = list[tuple[bytes, bytes]]
WS = "local"
SECRETS = {"linear": "lin_wh_secret_0123456789", "gitlab": "gitlab-token-42", "notion": "secret_notion_tok"}
AUTH = {
    "slack": b"X-Slack-Signature",
    "linear": b"Linear-Signature",
    "gitlab": b"X-Gitlab-Token",
    "notion": b"X-Notion-Signature",
}
JSON = (b"Content-Type", b"application/json")
FORM = (b"Content-Type", b"application/x-www-form-urlencoded")


class CountingSync(SyncService):
    """The real SyncService (secrets, integration rows) whose pulls are only counted."""

    def __init__(self, services: Services, box: SecretBox) -> None:
        super().__init__(services, box, _no_client)
        self.pulls: list[str] = []

    async def run_integration(self, integration: Integration, **kwargs: Any) -> SyncLog:
        self.pulls.append(integration.type.value)
        return SyncLog(
            workspace_id=integration.workspace_id,
            integration_id=integration.id,
            direction=SyncDirection.pull,
            status="ok",
        )


def _no_client(integration: Integration, credentials: Mapping[str, str]) -> IntegrationClient:
    raise AssertionError("no tracker is called in these tests")


@dataclass
class Serve:
    base: str
    store: Store
    fake: FakeSlack
    sync: CountingSync
    webhooks: Webhooks
    surface: SlackSurface
    statuses: list[int] = field(default_factory=list)

    async def post(self, path: str, headers: Headers, body: bytes) -> int:
        """POST and return the status; no request in this suite may ever get a 5xx."""
        status = await raw_post(self.base + path, headers, body)
        assert status < 500, f"{path}: {status}"
        self.statuses.append(status)
        return status

    async def settle(self) -> None:
        """Wait for acked Slack work and triggered pulls."""
        assert await self.surface.deps.inflight.drain()
        await self.webhooks.drain()

    async def nothing_recorded(self) -> None:
        await self.settle()
        assert self.sync.pulls == []
        assert self.fake.calls == []  # Slack: not even auth.test, verification comes first
        assert await all_tasks(self.store) == []
        assert await self.store.users.list(SLACK_WS) == []


@pytest.fixture
async def serve(store: Store) -> AsyncIterator[Serve]:
    fake = FakeSlack(users={"U1": FakeUser("U1", "alice", "Alice", "alice@example.com", "UTC")})
    await fake.start()
    services = Services(store)
    surface = SlackSurface(ConversationHandler(services), services, settings_for(fake))
    sync = CountingSync(services, SecretBox(SecretBox.generate_key()))
    await services.users.ensure_workspace(WS, Platform.console)
    for kind, secret in SECRETS.items():
        await sync.connect(WS, kind, api_key=f"{kind}-api-key", webhook_secret=secret)
    app = build_app([surface], sync, store.receipts)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    await surface.start()
    try:
        yield Serve(f"http://127.0.0.1:{port}", store, fake, sync, app[WEBHOOKS], surface)
    finally:
        await surface.stop()
        await runner.cleanup()
        await fake.stop()


# ---- signed requests, as each sender makes them --------------------------------------------------------


def _hex(secret: str, data: bytes) -> bytes:
    return hmac.new(secret.encode(), data, hashlib.sha256).hexdigest().encode()


def slack_headers(body: bytes, *, ts: bytes | None = None) -> Headers:
    ts = ts if ts is not None else str(int(time.time())).encode()
    signature = b"v0=" + _hex(SIGNING_SECRET, b"v0:" + ts + b":" + body)
    return [FORM, (b"X-Slack-Request-Timestamp", ts), (AUTH["slack"], signature)]


def slash_command(text: str, trigger: str, fake: FakeSlack) -> bytes:
    form = {
        "team_id": TEAM_ID,
        "team_domain": "acme",
        "channel_id": "C1",
        "channel_name": "general",
        "user_id": "U1",
        "user_name": "alice",
        "command": "/task",
        "text": text,
        "response_url": fake.response_url(trigger),
        "trigger_id": trigger,
    }
    return urlencode(form).encode()


def linear_body(*, age: float = 0.0, timestamp: object = None, n: int = 0) -> bytes:
    stamp = int((time.time() - age) * 1000) if timestamp is None else timestamp
    body = {"action": "update", "type": "Issue", "data": {"id": f"i-{n}"}, "webhookId": "wh-1"}
    return json.dumps({**body, "webhookTimestamp": stamp}).encode()


def signed(kind: str, body: bytes) -> Headers:
    """A tracker delivery's headers, correctly signed."""
    secret = SECRETS[kind]
    if kind == "linear":
        return [JSON, (AUTH[kind], _hex(secret, body)), (b"Linear-Delivery", b"d-1")]
    if kind == "gitlab":
        return [JSON, (AUTH[kind], secret.encode()), (b"X-Gitlab-Event", b"Issue Hook")]
    return [JSON, (AUTH[kind], b"sha256=" + _hex(secret, body))]


def first_request(kind: str, fake: FakeSlack) -> tuple[str, bytes, Headers]:
    """A request each endpoint accepts: path, body, headers."""
    if kind == "slack":
        body = slash_command("add Forged", "trigger-1", fake)
        return EVENTS_PATH, body, slack_headers(body)
    body = {
        "linear": linear_body(),
        "gitlab": json.dumps({"object_kind": "issue", "object_attributes": {"iid": 1}}).encode(),
        "notion": json.dumps({"id": "evt-1", "type": "page.created", "attempt_number": 1}).encode(),
    }[kind]
    return f"/webhooks/{kind}", body, signed(kind, body)


def corrupted(headers: Headers, name: bytes) -> dict[str, Headers]:
    """The auth header ``name`` made wrong in every way a forger or a broken proxy might."""
    good = next(v for k, v in headers if k == name)
    others = [(k, v) for k, v in headers if k != name]
    prefix = good[: good.find(b"=") + 1]  # v0= or sha256=, so a digest-shaped forgery gets that far
    ways = {
        "non-ASCII": ("é" * 64).encode(),
        "non-UTF-8 bytes": b"\xff\xfe" + b"0" * 62,
        "right shape, wrong digest": prefix + b"0" * (len(good) - len(prefix)),
        "empty": b"",
        "oversized": good + b"0" * 6000,
        "a tab inside": good[:8] + b"\t" + good[8:],
    }
    variants = {why: [*others, (name, value)] for why, value in ways.items()}
    variants["missing"] = others
    variants["twice, forged first"] = [*others, (name, b"0" * len(good)), (name, good)]
    variants["twice, forged last"] = [*others, (name, good), (name, b"0" * len(good))]
    return variants


# ---- the suite --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["slack", "linear", "gitlab", "notion"])
async def test_malformed_auth_headers_are_401_and_record_nothing(serve: Serve, kind: str) -> None:
    path, body, headers = first_request(kind, serve.fake)
    statuses = {
        why: await serve.post(path, variant, body) for why, variant in corrupted(headers, AUTH[kind]).items()
    }
    assert statuses == dict.fromkeys(statuses, 401)
    # Past aiohttp's 8 KB header limit, or with a control character, the HTTP parser refuses the request
    # before any handler: 400, never a crash.
    others = [(k, v) for k, v in headers if k != AUTH[kind]]
    for value in (b"0" * 9000, b"v0=\x01\x00"):
        assert await serve.post(path, [*others, (AUTH[kind], value)], body) == 400
    await serve.nothing_recorded()
    # The control: the same request with its headers intact is accepted.
    assert await serve.post(path, headers, body) in (200, 202)


async def test_slack_timestamps_non_numeric_stale_or_repeated_are_401(serve: Serve) -> None:
    body = slash_command("add Forged", "trigger-ts", serve.fake)
    now = int(time.time())
    arabic = "".join(chr(0x0660 + int(d)) for d in str(now)).encode()  # int() would read these
    for ts in (b"abc", arabic, b"+" + str(now).encode(), f"{now}.5".encode(), b"9" * 5000, b" "):
        # Signed over the very timestamp sent: only the timestamp's form is wrong.
        assert await serve.post(EVENTS_PATH, slack_headers(body, ts=ts), body) == 401
    stale = slack_headers(body, ts=str(now - 600).encode())  # bolt's window is 5 minutes
    assert await serve.post(EVENTS_PATH, stale, body) == 401
    twice = slack_headers(body)
    twice.insert(1, (b"X-Slack-Request-Timestamp", b"1"))
    assert await serve.post(EVENTS_PATH, twice, body) == 401
    # Unsigned junk is refused before anything parses it.
    junk = [JSON, (b"X-Slack-Request-Timestamp", str(now).encode()), (AUTH["slack"], b"v0=" + b"1" * 64)]
    for payload in (b'{"type": [[[', b"\xff\xfe", b"[" * 100_000):
        assert await serve.post(EVENTS_PATH, junk, payload) == 401
    await serve.nothing_recorded()


async def test_signed_but_malformed_slack_bodies_are_400(serve: Serve) -> None:
    # Slack never sends these; a signing-secret holder might. Bolt can't read them: a 400, not a crash.
    for body in (b'{"type": [[[', b"[1, 2]", b'"text"', b"[" * 100_000):
        assert await serve.post(EVENTS_PATH, [JSON, *slack_headers(body)[1:]], body) == 400
    # Invalid UTF-8, signed: bolt re-verifies the decoded text, which no longer matches.
    assert await serve.post(EVENTS_PATH, slack_headers(b"text=\xff\xfe"), b"text=\xff\xfe") == 401
    await serve.nothing_recorded()


async def test_signed_but_malformed_tracker_bodies_are_refused(serve: Serve) -> None:
    linear_timestamps: list[object] = ["abc", None, True, 10**400, 1e300, -1, [1]]
    for stamp in linear_timestamps:
        body = linear_body(timestamp=stamp) if stamp is not None else b'{"action": "update"}'
        assert await serve.post("/webhooks/linear", signed("linear", body), body) == 401
    stale = linear_body(age=120)
    assert await serve.post("/webhooks/linear", signed("linear", stale), stale) == 401
    for kind in ("linear", "notion"):
        for body in (b"not json", b"\xff\xfe", b"[1, 2]", b"[" * 100_000, b""):
            assert await serve.post(f"/webhooks/{kind}", signed(kind, body), body) == 401
    # A Notion event id that can't be a key (JSON can carry a lone surrogate) falls back to the body's hash.
    odd = json.dumps({"id": "evt-\udcff", "type": "page.created"}).encode()
    assert await serve.post("/webhooks/notion", signed("notion", odd), odd) == 202
    await serve.settle()
    assert serve.sync.pulls == ["notion"]


async def test_unknown_integrations_paths_and_methods(serve: Serve) -> None:
    path, body, headers = first_request("linear", serve.fake)
    assert await serve.post(path + "/no-such-integration", headers, body) == 401
    assert await serve.post("/webhooks/jira", headers, body) == 404
    assert await serve.post("/healthz", [], b"") == 405
    assert await raw_get(serve, "/webhooks/linear") == 405
    assert await raw_get(serve, "/healthz", [(b"X-Slack-Signature", b"\xff" * 100)]) == 200
    await serve.nothing_recorded()


async def test_replays_act_once_whatever_unsigned_header_changes(serve: Serve) -> None:
    # Slack: a slash command delivered twice (its trigger id claimed in the store), an event retried.
    command = slash_command("add Once", "trigger-replayed", serve.fake)
    for _ in range(2):
        assert await serve.post(EVENTS_PATH, slack_headers(command), command) == 200
    event = json.dumps(
        {
            "team_id": TEAM_ID,
            "type": "event_callback",
            "event_id": "EvReplayed",
            "event": {
                "type": "app_mention",
                "user": "U1",
                "text": f"<@{BOT_USER_ID}> add Also once",
                "ts": "1.1",
                "channel": "C1",
                "team": TEAM_ID,
            },
            "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
        }
    ).encode()
    event_headers = [JSON, *slack_headers(event)[1:]]
    assert await serve.post(EVENTS_PATH, event_headers, event) == 200
    await serve.settle()
    retry = [*event_headers, (b"X-Slack-Retry-Num", b"1"), (b"X-Slack-Retry-Reason", b"http_timeout")]
    for headers in (retry, event_headers):
        assert await serve.post(EVENTS_PATH, headers, event) == 200

    # Trackers: the same signed delivery again, with the unsigned delivery headers changed or dropped.
    unsigned = {
        "linear": [(b"Linear-Delivery", b"d-2")],
        "gitlab": [(b"X-Gitlab-Event-UUID", b"u-2"), (b"Idempotency-Key", b"k-2")],
        "notion": [(b"X-Request-Id", b"r-2")],
    }
    for kind, extra in unsigned.items():
        path, body, headers = first_request(kind, serve.fake)
        assert await serve.post(path, headers, body) == 202
        await serve.settle()
        kept = [(k, v) for k, v in headers if k not in (b"Linear-Delivery",)]
        assert await serve.post(path, [*kept, *extra], body) == 200
        assert await serve.post(path, kept, body) == 200
    await serve.settle()

    assert serve.sync.pulls == ["linear", "gitlab", "notion"]
    assert sorted(t.title for t in await all_tasks(serve.store)) == ["Also once", "Once"]
    assert len(serve.fake.of("response_url")) == 1 and len(serve.fake.of("chat.postMessage")) == 1


async def raw_get(serve: Serve, path: str, headers: Headers | None = None) -> int:
    status = await raw_post(serve.base + path, headers or [], b"", method=b"GET")
    assert status < 500
    return status
