"""``POST /webhooks/linear`` on serve's app: signed deliveries pull at once, bad/stale/replayed ones don't."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from pathlib import Path

import httpx
import pytest

from bot.serve import serve
from bot.webhooks.signatures import hmac_hex
from core.models import utcnow
from core.secrets import SecretBox
from core.services import Services
from core.settings import Settings
from core.sync import SyncService
from storage.factory import open_store
from tests.fakes.linear_server import LinearFake
from tests.integrations import tracker_kits as sc
from tests.integrations.conftest import WS, finished_runs
from tests.integrations.tracker_kits import WINDOW, linear_kit
from tests.integrations.webhook_harness import served

SECRET = "lin_wh_signing_secret_0123456789"


def delivery(*, age: float = 0.0, action: str = "update") -> bytes:
    body = {
        "action": action,
        "type": "Issue",
        "data": {"id": str(uuid.uuid4())},
        "webhookId": "wh-1",
        "webhookTimestamp": int((time.time() - age) * 1000),
        "organizationId": "org-1",
    }
    return json.dumps(body).encode()


def headers(body: bytes, *, secret: str = SECRET, delivery_id: str | None = None) -> dict[str, str]:
    return {
        "Linear-Signature": hmac_hex(secret, body),
        "Linear-Delivery": delivery_id or str(uuid.uuid4()),
        "Linear-Event": "Issue",
        "Content-Type": "application/json",
    }


async def test_good_bad_stale_and_replayed_deliveries(services: Services, box: SecretBox) -> None:
    async with LinearFake(window=WINDOW) as fake:
        kit = linear_kit(fake)
        await sc.add_integration(services, box, kit)
        # The secret is stored encrypted next to the key, as `integrations add --webhook-secret` does.
        sync_rows = SyncService(services, box, lambda r, c: kit.client())
        row = await sync_rows.connect(WS, "linear", api_key=fake.api_key, webhook_secret=SECRET)
        assert SECRET not in row.credentials_encrypted
        fake.add_issue("Made in Linear")
        async with served(services, box, kit) as app, httpx.AsyncClient() as http:
            url = f"{app.url}/webhooks/linear"
            bad = delivery()
            forged = await http.post(url, content=bad, headers=headers(bad, secret="not-the-secret"))
            stale_body = delivery(age=120)
            stale = await http.post(url, content=stale_body, headers=headers(stale_body))
            tampered = await http.post(url, content=bad + b" ", headers=headers(bad))
            assert [forged.status_code, stale.status_code, tampered.status_code] == [401, 401, 401]
            await app.webhooks.drain()
            assert await services.store.sync_logs.list(WS) == [] and fake.operations == []
            # Nothing was recorded for the refused deliveries: their ids are still unclaimed.
            assert await services.store.receipts.claim(WS, "linear:probe-unused")

            body = delivery()
            first_headers = headers(body, delivery_id="d-1")
            good = await http.post(url, content=body, headers=first_headers)
            assert good.status_code == 202
            await app.webhooks.drain()
            replay = await http.post(url, content=body, headers=first_headers)
            assert replay.status_code == 200 and replay.json()["status"] == "duplicate"
            await app.webhooks.drain()

        logs = await services.store.sync_logs.list(WS)
        assert len(logs) == 1 and logs[0].status == "ok"  # one pull, despite the replay
        assert [t.title for t in await sc.all_tasks(services.store)] == ["Made in Linear"]


async def test_serve_pulls_on_a_signed_delivery(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "DISCORD_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ORCHESTRATOR_STORAGE_URL", str(tmp_path / "data"))
    key = SecretBox.generate_key()
    monkeypatch.setenv("ORCHESTRATOR_SECRET_KEY", key)
    async with LinearFake(window=WINDOW) as fake:
        store = open_store(str(tmp_path / "data"))
        await store.open()
        try:
            services = Services(store)
            sync = SyncService(services, SecretBox(key), lambda r, c: linear_kit(fake).client())
            row = await sync.connect(
                WS,
                "linear",
                api_key=fake.api_key,
                base_url=fake.base_url,
                options={"requests_per_minute": 6000},
                webhook_secret=SECRET,
            )
            # Synced a moment ago: the scheduler leaves it alone, so only the webhook can pull.
            await store.integrations.update(WS, row.id, {"last_sync_at": utcnow()})
            fake.add_issue("Pushed by a webhook")
            stop = asyncio.Event()
            ready: asyncio.Queue[str] = asyncio.Queue()
            server = asyncio.create_task(
                serve(Settings(), "127.0.0.1", 0, stop=stop, on_ready=ready.put_nowait)
            )
            try:
                base = await asyncio.wait_for(ready.get(), 30)
                body = delivery()
                async with httpx.AsyncClient() as http:
                    answer = await http.post(f"{base}/webhooks/linear", content=body, headers=headers(body))
                assert answer.status_code == 202
                logs = await finished_runs(store, server)  # the background pull
            finally:
                stop.set()
                assert await server == 0
            assert logs and logs[0].status == "ok", logs[0].errors if logs else None
            assert [t.title for t in await sc.all_tasks(store)] == ["Pushed by a webhook"]
        finally:
            await store.close()


async def test_a_replay_under_a_new_or_missing_delivery_header_acts_once(
    services: Services, box: SecretBox
) -> None:
    async with LinearFake(window=WINDOW) as fake:
        kit = linear_kit(fake)
        await sc.add_integration(services, box, kit)
        await SyncService(services, box, lambda r, c: kit.client()).connect(
            WS, "linear", api_key=fake.api_key, webhook_secret=SECRET
        )
        async with served(services, box, kit) as app, httpx.AsyncClient() as http:
            url = f"{app.url}/webhooks/linear"
            body = delivery()
            assert (await http.post(url, content=body, headers=headers(body))).status_code == 202
            await app.webhooks.drain()
            # Linear-Delivery isn't signed: a captured delivery replayed within the 60 s window under another
            # id, or none, is still the same signed body.
            renamed = headers(body, delivery_id="someone-elses-id")
            without = {k: v for k, v in headers(body).items() if k != "Linear-Delivery"}
            for replay in (renamed, without):
                answer = await http.post(url, content=body, headers=replay)
                assert answer.status_code == 200 and answer.json()["status"] == "duplicate"
            # A new event (a new signed body) still pulls.
            other = delivery(action="create")
            assert (await http.post(url, content=other, headers=headers(other))).status_code == 202
            await app.webhooks.drain()
        assert len(await services.store.sync_logs.list(WS)) == 2
