"""Requests not signed by Slack are rejected before anything runs or is written: forged, stale, tampered or
malformed (a 401, never a 500); a signed slash command replayed to a restarted process acts once."""

from __future__ import annotations

import hashlib
import hmac
import time
from urllib.parse import urlencode

from core.store import Store
from tests.integrations.webhook_harness import raw_post
from tests.slack.fake_api import TEAM_ID, FakeSlack
from tests.slack.harness import SIGNING_SECRET, SlackHarness, mention_event, sign
from tests.slack.helpers import WORKSPACE, all_tasks, no_tasks


async def nothing_happened(slack: SlackHarness, fake: FakeSlack, store: Store) -> None:
    assert slack.surface is not None and await slack.surface.deps.inflight.drain()
    assert fake.calls == []  # not even auth.test: verification runs first
    assert await no_tasks(store)
    assert await store.users.list(WORKSPACE) == []


async def test_bad_signature_is_401_and_writes_nothing(
    slack: SlackHarness, fake: FakeSlack, store: Store
) -> None:
    forged = await slack.command("add Forged", signature="v0=" + "0" * 64)
    assert forged.status == 401
    other_secret = sign("whatever", int(time.time()), secret="not-our-secret")
    assert (await slack.event(mention_event("add Forged too"), signature=other_secret)).status == 401
    await nothing_happened(slack, fake, store)


async def test_stale_timestamp_is_rejected_even_with_a_valid_signature(
    slack: SlackHarness, fake: FakeSlack, store: Store
) -> None:
    # A replay: correctly signed, but 10 minutes old (bolt accepts 5).
    stale = await slack.command("add Replayed", timestamp=int(time.time()) - 600)
    assert stale.status == 401
    await nothing_happened(slack, fake, store)


async def test_tampered_body_is_rejected(slack: SlackHarness, fake: FakeSlack, store: Store) -> None:
    ts = int(time.time())
    signature = sign("command=%2Ftask&text=list", ts)
    tampered = await slack.post(
        "command=%2Ftask&text=add+Injected",
        "application/x-www-form-urlencoded",
        timestamp=ts,
        signature=signature,
    )
    assert tampered.status == 401
    await nothing_happened(slack, fake, store)


def malformed_auth(body: bytes, ts: int) -> dict[str, list[tuple[bytes, bytes]]]:
    """Ways to get Slack's two auth headers wrong, each next to a valid signature where one is needed."""
    good_ts = str(ts).encode()
    good_sig = sign(body.decode(), ts).encode()
    arabic_ts = "".join(chr(0x0660 + int(d)) for d in str(ts)).encode()  # int() reads these digits
    plus_ts = b"+" + good_ts
    return {
        "non-ASCII signature": [(TS, good_ts), (SIG, ("v0=" + "é" * 64).encode())],
        "non-UTF-8 signature": [(TS, good_ts), (SIG, b"v0=\xff\xfe" + b"0" * 62)],
        "non-numeric timestamp": [(TS, b"abc"), (SIG, good_sig)],
        "non-ASCII digits": [(TS, arabic_ts), (SIG, _sign_raw(body, arabic_ts))],
        "signed '+' timestamp": [(TS, plus_ts), (SIG, _sign_raw(body, plus_ts))],
        "float timestamp": [(TS, good_ts + b".5"), (SIG, _sign_raw(body, good_ts + b".5"))],
        "huge timestamp": [(TS, b"9" * 5000), (SIG, good_sig)],
        "empty timestamp": [(TS, b""), (SIG, good_sig)],
        "empty signature": [(TS, good_ts), (SIG, b"")],
        "no headers": [],
        "signature twice (bad first)": [(TS, good_ts), (SIG, b"v0=" + b"0" * 64), (SIG, good_sig)],
        "signature twice (good first)": [(TS, good_ts), (SIG, good_sig), (SIG, b"v0=" + b"0" * 64)],
        "timestamp twice": [(TS, b"1"), (TS, good_ts), (SIG, good_sig)],
        "oversized signature": [(TS, good_ts), (SIG, good_sig + b"0" * 6000)],
    }


TS, SIG = b"X-Slack-Request-Timestamp", b"X-Slack-Signature"
FORM = (b"Content-Type", b"application/x-www-form-urlencoded")


def _sign_raw(body: bytes, ts: bytes) -> bytes:
    base = b"v0:" + ts + b":" + body
    return b"v0=" + hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest().encode()


def command_body(text: str, trigger: str, fake: FakeSlack) -> str:
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
    return urlencode(form)


async def test_malformed_auth_headers_are_401_never_500(
    slack: SlackHarness, fake: FakeSlack, store: Store
) -> None:
    body = command_body("add Forged", "trigger-forged", fake).encode()
    ts = int(time.time())
    statuses = {
        name: await raw_post(slack.url, [FORM, *headers], body)
        for name, headers in malformed_auth(body, ts).items()
    }
    assert statuses == dict.fromkeys(statuses, 401)
    # A body that isn't even JSON, unsigned: refused before anything parses it.
    junk = [(b"Content-Type", b"application/json"), (TS, str(ts).encode()), (SIG, b"v0=" + b"1" * 64)]
    assert await raw_post(slack.url, junk, b'{"type": [[[') == 401
    # Over aiohttp's header limit (8 KB) the HTTP parser refuses it before the app: a 400, still no crash.
    assert await raw_post(slack.url, [FORM, (TS, str(ts).encode()), (SIG, b"v" * 9000)], body) == 400
    await nothing_happened(slack, fake, store)

    # The same socket path with the right headers is accepted: the refusals above were about the headers.
    signed = [FORM, (TS, str(ts).encode()), (SIG, _sign_raw(body, str(ts).encode()))]
    assert await raw_post(slack.url, signed, body) == 200
    await fake.wait_for("response_url")
    assert [t.title for t in await all_tasks(store)] == ["Forged"]


async def test_a_slash_command_replayed_after_a_restart_acts_once(
    slack: SlackHarness, fake: FakeSlack, store: Store
) -> None:
    body = command_body("add Only once", "trigger-replayed", fake)
    assert (await slack.post(body, FORM[1].decode())).status == 200
    await fake.wait_for("response_url")
    # A new process (or another replica) on the same store: its memory is empty, the receipt is not.
    await slack.restart()
    assert (await slack.post(body, FORM[1].decode())).status == 200  # acked: Slack must not retry it
    assert (await slack.command("list")).status == 200
    await fake.wait_for("response_url", 2)
    assert slack.surface is not None and await slack.surface.deps.inflight.drain()
    assert [t.title for t in await all_tasks(store)] == ["Only once"]
    assert len(fake.of("response_url")) == 2  # the first command and `list`; the replay said nothing
    assert await store.receipts.claim(WORKSPACE, "command:trigger-replayed") is False
