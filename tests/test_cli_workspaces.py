"""`orchestrator workspaces list|set` on a real Delta store."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ORCHESTRATOR_STORAGE_URL", str(tmp_path / "data"))
    return tmp_path / "data"


def test_set_budget_and_timezone_then_list(data: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["users", "add", "alice"]).exit_code == 0  # creates workspace `local`
    done = runner.invoke(
        app, ["workspaces", "set", "local", "--daily-token-budget", "5000", "--timezone", "Asia/Tokyo"]
    )
    assert done.exit_code == 0, done.output
    listing = runner.invoke(app, ["workspaces", "list"], env={"COLUMNS": "200"})
    assert "local" in listing.output and "5,000" in listing.output and "Asia/Tokyo" in listing.output
    back = runner.invoke(app, ["workspaces", "set", "local", "--default-budget"])
    assert back.exit_code == 0
    assert "file default" in runner.invoke(app, ["workspaces", "list"], env={"COLUMNS": "200"}).output


def test_bad_input_is_refused(data: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(app, ["workspaces", "set", "nope", "--daily-token-budget", "1"])
    assert missing.exit_code == 2 and "no workspace `nope`" in missing.output
    zone = runner.invoke(app, ["workspaces", "set", "local", "--timezone", "Mars/Base"])
    assert zone.exit_code == 2 and "Mars/Base" in zone.output
    nothing = runner.invoke(app, ["workspaces", "set", "local"])
    assert nothing.exit_code == 2 and "Nothing to change" in nothing.output


async def test_new_people_get_the_workspace_default_timezone(tmp_path: Path) -> None:
    from core.models import Platform
    from core.services import Services
    from storage.factory import open_store

    store = open_store(str(tmp_path / "tz"))
    await store.open()
    try:
        services = Services(store)
        await services.users.ensure_workspace("w", Platform.console, timezone="Asia/Tokyo")
        assert (await services.users.ensure_user("w", "kenji")).timezone == "Asia/Tokyo"
        assert (
            await services.users.ensure_user("w", "ana", timezone="Europe/Lisbon")
        ).timezone == "Europe/Lisbon"
    finally:
        await store.close()
