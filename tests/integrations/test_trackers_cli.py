"""`orchestrator integrations add linear|notion …` end to end: webhook secret and Notion property names are
stored (the secret encrypted, never printed unless asked), and `sync` runs against the fakes."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app
from tests.fakes.linear_server import LinearFake
from tests.fakes.notion_server import DATABASE_ID, NotionFake

SCALED = "6000"  # the fakes' time-scaled limits, per minute


def test_linear_with_a_webhook_secret(cli_env: Path) -> None:
    runner = CliRunner()
    fake = LinearFake(window=0.3)
    with fake.in_thread():
        fake.add_issue("From Linear", priority=1)
        added = runner.invoke(
            app,
            [
                "integrations",
                "add",
                "linear",
                "--api-key",
                fake.api_key,
                "--base-url",
                fake.base_url,
                "--workspace",
                "ENG",
                "--requests-per-minute",
                SCALED,
                "--webhook-secret",
                "lin-wh-secret-123456",
            ],
        )
        assert added.exit_code == 0, added.output
        tested = runner.invoke(app, ["integrations", "test", "linear"])
        assert tested.exit_code == 0 and "Alice Linear" in tested.output
        synced = runner.invoke(app, ["sync", "linear"])
        assert synced.exit_code == 0 and "Linear sync done (both): 1 pulled" in synced.output
        hidden = runner.invoke(app, ["integrations", "webhook-token", "linear"])
        assert "is stored" in hidden.output and "lin-wh-secret-123456" not in hidden.output
        shown = runner.invoke(app, ["integrations", "webhook-token", "linear", "--reveal"])
        assert "lin-wh-secret-123456" in shown.output
        for result in (added, tested, synced, hidden):
            assert fake.api_key not in result.output


def test_notion_with_property_names(cli_env: Path) -> None:
    runner = CliRunner()
    fake = NotionFake(window=0.3, names={"title": "Task", "status": "State"})
    with fake.in_thread():
        fake.add_page("From Notion", status="In progress")
        added = runner.invoke(
            app,
            [
                "integrations",
                "add",
                "notion",
                "--api-key",
                fake.api_key,
                "--base-url",
                fake.base_url,
                "--workspace",
                DATABASE_ID,
                "--requests-per-minute",
                SCALED,
                "--property",
                "title=Task",
                "--property",
                "status=State",
            ],
        )
        assert added.exit_code == 0, added.output
        synced = runner.invoke(app, ["sync", "notion"])
        assert synced.exit_code == 0 and "1 pulled" in synced.output, synced.output
        bad = runner.invoke(
            app, ["integrations", "add", "notion", "--api-key", "k" * 20, "--property", "oops"]
        )
        assert bad.exit_code == 2 and "status=State" in bad.output
