"""Credentials: encrypted at rest, a key file only its owner reads, never in logs, rows or errors."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest
from deltalake import DeltaTable

from bot.integration_clients import build_client
from core.errors import ConfigurationError, PermissionDenied
from core.models import Role
from core.secrets import SecretBox, read_or_create_key_file
from core.services import Actor, Services
from core.sync import SyncService
from tests.fakes.motion_server import MotionFake
from tests.integrations.conftest import WS

# What the client's limiter must be set to for the scaled fake (12 per 0.3 s, with headroom).
SCALED_PER_MINUTE = 1900


def test_a_key_file_is_created_once_and_only_its_owner_can_read_it(tmp_path: Path) -> None:
    path = tmp_path / "cfg" / "orchestrator" / "secret.key"
    key, created = read_or_create_key_file(path)
    assert created and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_or_create_key_file(path) == (key, False)
    box = SecretBox(key)
    token = box.encrypt({"api_key": "abc"})
    assert "abc" not in token and box.decrypt(token) == {"api_key": "abc"}
    assert key not in repr(box)


def test_the_wrong_key_is_a_clear_error_not_a_leak() -> None:
    token = SecretBox(SecretBox.generate_key()).encrypt({"api_key": "sk-123456"})
    with pytest.raises(ConfigurationError) as info:
        SecretBox(SecretBox.generate_key()).decrypt(token)
    assert "sk-123456" not in str(info.value)
    with pytest.raises(ConfigurationError):
        SecretBox("not a key")


async def test_only_admins_connect_from_chat(services: Services, alice: Actor, box: SecretBox) -> None:
    member = await services.users.ensure_user(WS, "Bob", role=Role.member)
    sync = SyncService(services, box, build_client)
    with pytest.raises(PermissionDenied):
        await sync.connect(WS, "motion", api_key="k" * 20, actor=Actor(member))
    assert alice.user.role is Role.admin  # the workspace's first user
    connected = await sync.connect(WS, "motion", api_key="k" * 20, actor=alice)
    assert connected.credentials_encrypted and "k" * 20 not in connected.credentials_encrypted


async def test_the_api_key_never_reaches_logs_rows_or_errors(
    services: Services, motion: MotionFake, box: SecretBox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # httpx, httpcore, the engine: everything
    sync = SyncService(services, box, build_client)
    options = {"requests_per_minute": SCALED_PER_MINUTE}
    await sync.connect(WS, "motion", api_key=motion.api_key, base_url=motion.base_url, options=options)
    motion.add_task("Visible task", description="nothing secret")
    assert (await sync.test(WS, "motion")).name == "Alice Motion"
    ok = await sync.run(WS, "motion")
    assert ok.status == "ok" and ok.pulled == 1

    # A rejected key: the run fails with a message that says what to do, and does not repeat the key.
    wrong = "wrong-key-" + "x" * 20
    await sync.connect(WS, "motion", api_key=wrong, base_url=motion.base_url, options=options)
    failed = await sync.run(WS, "motion")
    assert failed.status == "failed" and "rejected the API key" in failed.errors[-1]

    for secret in (motion.api_key, wrong):
        assert secret not in caplog.text
        assert all(secret not in str(e) for e in failed.errors)
        for table in await services.store.info():
            rows = DeltaTable(table.location).to_pyarrow_table().to_pylist()
            assert secret not in str(rows), f"{table.name} holds a credential"
    stored = await sync.get(WS, "motion")
    assert box.decrypt(stored.credentials_encrypted) == {"api_key": wrong}
