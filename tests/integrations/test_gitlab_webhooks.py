"""``POST /webhooks/gitlab``: ``X-Gitlab-Token`` checked in constant time; one pull per delivery UUID."""

from __future__ import annotations

import json
import uuid

import httpx

from core.secrets import SecretBox
from core.services import Services
from tests.fakes.gitlab_server import PROJECT_PATH, GitLabFake
from tests.integrations import tracker_kits as sc
from tests.integrations.conftest import WS
from tests.integrations.tracker_kits import WINDOW, gitlab_kit
from tests.integrations.webhook_harness import served

TOKEN = "gitlab-webhook-secret-token-42"


def hook(iid: int) -> bytes:
    body = {
        "object_kind": "issue",
        "event_type": "issue",
        "user": {"id": 7, "username": "alice"},
        "project": {"id": 42, "path_with_namespace": PROJECT_PATH},
        "object_attributes": {
            "id": 1000 + iid,
            "iid": iid,
            "title": "x",
            "state": "opened",
            "action": "open",
        },
        "labels": [],
        "changes": {},
    }
    return json.dumps(body).encode()


async def test_good_bad_and_replayed_deliveries(services: Services, box: SecretBox) -> None:
    async with GitLabFake(window=WINDOW) as fake:
        kit = gitlab_kit(fake)
        await sc.add_integration(services, box, kit, workspace=PROJECT_PATH)
        async with served(services, box, kit) as app, httpx.AsyncClient() as http:
            await app.sync.connect(WS, "gitlab", api_key=fake.api_key, webhook_secret=TOKEN)
            iid = fake.add_issue("Opened in GitLab")["iid"]
            url = f"{app.url}/webhooks/gitlab"
            body = hook(iid)
            base = {"X-Gitlab-Event": "Issue Hook", "Content-Type": "application/json"}
            wrong = await http.post(url, content=body, headers={**base, "X-Gitlab-Token": TOKEN[:-1] + "x"})
            missing = await http.post(url, content=body, headers=base)
            assert (wrong.status_code, missing.status_code) == (401, 401)
            await app.webhooks.drain()
            assert await services.store.sync_logs.list(WS) == [] and fake.stats.count() == 0

            event = {**base, "X-Gitlab-Token": TOKEN, "X-Gitlab-Event-UUID": str(uuid.uuid4())}
            good = await http.post(url, content=body, headers=event)
            assert good.status_code == 202
            await app.webhooks.drain()
            again = await http.post(url, content=body, headers=event)
            assert again.json()["status"] == "duplicate"
            push = await http.post(
                url,
                content=b"{}",
                headers={**event, "X-Gitlab-Event": "Push Hook", "X-Gitlab-Event-UUID": "p1"},
            )
            assert push.json()["status"] == "ignored"
            await app.webhooks.drain()
        assert len(await services.store.sync_logs.list(WS)) == 1
        assert [t.title for t in await sc.all_tasks(services.store)] == ["Opened in GitLab"]


async def test_a_replay_under_a_new_event_uuid_acts_once(services: Services, box: SecretBox) -> None:
    async with GitLabFake(window=WINDOW) as fake:
        kit = gitlab_kit(fake)
        await sc.add_integration(services, box, kit, workspace=PROJECT_PATH)
        async with served(services, box, kit) as app, httpx.AsyncClient() as http:
            await app.sync.connect(WS, "gitlab", api_key=fake.api_key, webhook_secret=TOKEN)
            url = f"{app.url}/webhooks/gitlab"
            body = hook(fake.add_issue("Opened in GitLab")["iid"])
            base = {"X-Gitlab-Event": "Issue Hook", "X-Gitlab-Token": TOKEN}
            first = await http.post(url, content=body, headers={**base, "X-Gitlab-Event-UUID": "u-1"})
            assert first.status_code == 202
            await app.webhooks.drain()
            # The UUID header is as unsigned as everything else GitLab sends: the body decides.
            for uuid_header in ({"X-Gitlab-Event-UUID": "u-2"}, {"Idempotency-Key": "k-9"}, {}):
                again = await http.post(url, content=body, headers={**base, **uuid_header})
                assert again.json()["status"] == "duplicate"
            await app.webhooks.drain()
        assert len(await services.store.sync_logs.list(WS)) == 1
