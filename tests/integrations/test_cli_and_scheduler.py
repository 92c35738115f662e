"""The `orchestrator integrations` / `sync` commands end to end, and the scheduled syncs of `serve`."""

from __future__ import annotations

import asyncio
import stat
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.integration_clients import build_client
from bot.serve import serve
from bot.sync_scheduler import SyncScheduler
from core.integrations import IntegrationClient
from core.models import Integration, utcnow
from core.secrets import SecretBox
from core.services import Actor, Services
from core.settings import Settings
from core.sync import SyncService
from storage.factory import open_store
from tests.fakes.motion_server import MotionFake
from tests.integrations.conftest import WINDOW, WS, all_tasks, finished_runs, make_client

SCALED_PER_MINUTE = "1900"  # the fake's 12 per 0.3 s, with headroom


def test_connect_test_sync_list_and_remove_from_the_cli(cli_env: Path) -> None:
    runner = CliRunner()
    fake = MotionFake(window=WINDOW)
    with fake.in_thread():
        fake.add_task("From Motion", priority="HIGH")
        add = runner.invoke(
            app,
            [
                "integrations",
                "add",
                "motion",
                "--api-key",
                fake.api_key,
                "--base-url",
                fake.base_url,
                "--workspace",
                "Team",
                "--requests-per-minute",
                SCALED_PER_MINUTE,
            ],
        )
        assert add.exit_code == 0, add.output
        key_file = cli_env / "config" / "orchestrator" / "secret.key"
        assert str(key_file) in add.output  # says where the new key went
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600

        tested = runner.invoke(app, ["integrations", "test", "motion"])
        assert tested.exit_code == 0 and "Alice Motion" in tested.output

        synced = runner.invoke(app, ["sync", "motion"])
        assert synced.exit_code == 0, synced.output
        assert "Motion sync done (both): 1 pulled" in synced.output

        listed = runner.invoke(app, ["integrations", "list"])
        assert listed.exit_code == 0 and "motion" in listed.output and "ok" in listed.output
        conflicts = runner.invoke(app, ["sync", "conflicts"])
        assert conflicts.exit_code == 0 and "No conflicts recorded." in conflicts.output

        changed = runner.invoke(
            app, ["integrations", "set", "motion", "--direction", "pull", "--policy", "local_wins"]
        )
        assert changed.exit_code == 0 and "pull, local_wins" in changed.output

        for result in (add, tested, synced, listed):
            assert fake.api_key not in result.output
        removed = runner.invoke(app, ["integrations", "remove", "motion"])
        assert removed.exit_code == 0 and "Removed motion." in removed.output
        missing = runner.invoke(app, ["sync", "motion"])
        assert missing.exit_code == 2 and "isn't connected" in missing.output


def test_a_bad_key_is_reported_plainly(cli_env: Path) -> None:
    runner = CliRunner()
    fake = MotionFake(window=WINDOW)
    with fake.in_thread():
        runner.invoke(
            app, ["integrations", "add", "motion", "--api-key", "bad-key-123456", "--base-url", fake.base_url]
        )
        result = runner.invoke(app, ["integrations", "test", "motion"])
    assert result.exit_code == 2
    assert "Motion rejected the API key" in result.output and "bad-key-123456" not in result.output


async def test_the_scheduler_runs_what_is_due_and_only_that(
    services: Services, motion: MotionFake, integration: Integration, box: SecretBox, alice: Actor
) -> None:
    def factory(row: Integration, credentials: Mapping[str, str]) -> IntegrationClient:
        assert credentials["api_key"] == motion.api_key  # decrypted for the client, and only there
        return make_client(motion)

    motion.add_task("Scheduled")
    scheduler = SyncScheduler(SyncService(services, box, factory), tick=0.05)
    first = await scheduler.run_due()
    assert [log.pulled for log in first] == [1]
    assert await scheduler.run_due() == []  # its 15 minutes have not passed
    await services.store.integrations.update(
        WS, integration.id, {"last_sync_at": utcnow() - timedelta(minutes=16)}
    )
    await services.tasks.create(alice, "Made here")
    # Started in the background as `serve` does, it picks the due integration up by itself.
    scheduler.start()
    try:
        for _ in range(400):
            if len(motion.tasks) == 2:
                break
            await asyncio.sleep(0.05)
    finally:
        await scheduler.stop()
    assert sorted(t["name"] for t in motion.tasks.values()) == ["Made here", "Scheduled"]
    assert len(await all_tasks(services.store)) == 2


async def test_serve_runs_scheduled_syncs(
    cli_env: Path, motion: MotionFake, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "DISCORD_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    key = SecretBox.generate_key()
    monkeypatch.setenv("ORCHESTRATOR_SECRET_KEY", key)
    store = open_store(str(cli_env / "data"))
    await store.open()
    try:
        await SyncService(Services(store), SecretBox(key), build_client).connect(
            WS,
            "motion",
            api_key=motion.api_key,
            base_url=motion.base_url,
            options={"requests_per_minute": int(SCALED_PER_MINUTE)},
        )
        motion.add_task("Pulled by serve")
        stop = asyncio.Event()
        server = asyncio.create_task(serve(Settings(), "127.0.0.1", 0, stop=stop))
        try:
            logs = await finished_runs(store, server)  # the first scheduled run
        finally:
            stop.set()
            assert await server == 0
        assert logs and logs[0].status == "ok"
        assert [t.title for t in await all_tasks(store)] == ["Pulled by serve"]
    finally:
        await store.close()
