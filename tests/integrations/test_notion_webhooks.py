"""``POST /webhooks/notion``: the verification handshake stores the token encrypted; deliveries are
``X-Notion-Signature`` HMACs of the body with it; a page deletion triggers a full listing."""

from __future__ import annotations

import json
import uuid

import httpx

from bot.webhooks.signatures import hmac_hex
from core.secrets import SecretBox
from core.services import Services
from tests.fakes.notion_server import DATABASE_ID, NotionFake
from tests.integrations import tracker_kits as sc
from tests.integrations.conftest import WS
from tests.integrations.tracker_kits import WINDOW, notion_kit
from tests.integrations.webhook_harness import served

TOKEN = "secret_verification_token_from_notion_123"


def event(kind: str, page_id: str) -> bytes:
    body = {
        "id": str(uuid.uuid4()),
        "timestamp": "2026-11-26T08:00:00.000Z",
        "workspace_id": "ws",
        "type": kind,
        "entity": {"id": page_id, "type": "page"},
        "attempt_number": 1,
    }
    return json.dumps(body).encode()


def signed(body: bytes, token: str = TOKEN) -> dict[str, str]:
    return {"X-Notion-Signature": f"sha256={hmac_hex(token, body)}", "Content-Type": "application/json"}


async def test_handshake_then_signed_deliveries(services: Services, box: SecretBox) -> None:
    async with NotionFake(window=WINDOW, rate_limit=12) as fake:
        kit = notion_kit(fake)
        row = await sc.add_integration(services, box, kit, workspace=DATABASE_ID)
        async with served(services, box, kit) as app, httpx.AsyncClient() as http:
            url = f"{app.url}/webhooks/notion"
            page = fake.add_page("From Notion")
            body = event("page.created", page["id"])
            before = await http.post(url, content=body, headers=signed(body))
            assert before.status_code == 401  # no token yet: nothing can verify

            shake = await http.post(url, json={"verification_token": TOKEN})
            assert shake.status_code == 200
            stored = await services.store.integrations.get(WS, row.id)
            assert stored is not None and TOKEN not in stored.credentials_encrypted
            assert app.sync.credentials(stored)["webhook_secret"] == TOKEN
            hijack = await http.post(url, json={"verification_token": "attacker-token-000000"})
            assert hijack.status_code == 401
            stored = await services.store.integrations.get(WS, row.id)
            assert stored is not None and app.sync.credentials(stored)["webhook_secret"] == TOKEN

            forged = await http.post(url, content=body, headers=signed(body, "attacker-token-000000"))
            assert forged.status_code == 401
            good = await http.post(url, content=body, headers=signed(body))
            assert good.status_code == 202
            await app.webhooks.drain()
            replay = await http.post(url, content=body, headers=signed(body))
            assert replay.json()["status"] == "duplicate"
            tasks = await sc.all_tasks(services.store)
            assert [t.title for t in tasks] == ["From Notion"]

            # An archived page never shows in an updated-since query: the deletion event asks for a full one.
            fake.archive_page(page["id"])
            gone = event("page.deleted", page["id"])
            assert (await http.post(url, content=gone, headers=signed(gone))).status_code == 202
            await app.webhooks.drain()
        task = (await sc.all_tasks(services.store))[0]
        assert task.deleted_at is not None
        assert len(await services.store.sync_logs.list(WS)) == 2


async def test_a_retry_of_the_same_signed_event_acts_once(services: Services, box: SecretBox) -> None:
    async with NotionFake(window=WINDOW, rate_limit=12) as fake:
        kit = notion_kit(fake)
        await sc.add_integration(services, box, kit, workspace=DATABASE_ID)
        async with served(services, box, kit) as app, httpx.AsyncClient() as http:
            url = f"{app.url}/webhooks/notion"
            # A token that can't be kept (not a string, not plain ASCII, empty) is refused, never a 500,
            # and leaves the integration waiting for the real one.
            for token in ({"a": 1}, "tok\udcffen", ""):
                shake = await http.post(url, content=json.dumps({"verification_token": token}).encode())
                assert shake.status_code == 401
            assert (await http.post(url, json={"verification_token": TOKEN})).status_code == 200
            first = json.loads(event("page.created", fake.add_page("From Notion")["id"]))
            body = json.dumps(first).encode()
            assert (await http.post(url, content=body, headers=signed(body))).status_code == 202
            await app.webhooks.drain()
            # Notion's own retry: the same event id, a higher attempt number, signed anew.
            retry = json.dumps({**first, "attempt_number": 2}).encode()
            answer = await http.post(url, content=retry, headers=signed(retry))
            assert answer.status_code == 200 and answer.json()["status"] == "duplicate"
        assert len(await services.store.sync_logs.list(WS)) == 1
