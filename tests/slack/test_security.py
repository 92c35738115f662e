"""Requests not signed by Slack are rejected by bolt before anything runs or is written."""

from __future__ import annotations

import time

from core.store import Store
from tests.slack.fake_api import FakeSlack
from tests.slack.harness import SlackHarness, mention_event, sign
from tests.slack.helpers import WORKSPACE, no_tasks


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
