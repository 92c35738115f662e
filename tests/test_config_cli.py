"""`orchestrator config show`: effective values, secrets masked, and where each came from."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from bot.cli import app
from bot.cli_config import mask

SLACK_TOKEN = "xoxb-1234567890-abcdefghijklmnop"
OPENAI_KEY = "sk-proj-do-not-print-me-0123456789"
SIGNING = "0123456789abcdef0123456789abcdef"


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_APP_TOKEN",
        "OPENAI_API_KEY",
        "ORCHESTRATOR_STORAGE_URL",
        "ORCHESTRATOR_STORAGE_OPTIONS",
        "ORCHESTRATOR_SECRET_KEY",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def test_config_show_masks_secrets_and_names_their_origin(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        f"OPENAI_API_KEY={OPENAI_KEY}\nSLACK_SIGNING_SECRET={SIGNING}\n"
        'ORCHESTRATOR_STORAGE_OPTIONS={"aws_secret_access_key": "AKIA-very-secret"}\n'
    )
    result = CliRunner().invoke(
        app,
        ["config", "show"],
        env={"SLACK_BOT_TOKEN": SLACK_TOKEN, "ORCHESTRATOR_LOG_LEVEL": "INFO", "COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    for secret in (SLACK_TOKEN, OPENAI_KEY, SIGNING, "AKIA-very-secret", SLACK_TOKEN[5:15]):
        assert secret not in result.output
    lines = {line.split()[1]: line for line in result.output.splitlines() if line.count("│") >= 3}
    assert "xoxb-…(masked)" in lines["slack.bot_token"]
    assert "environment: SLACK_BOT_TOKEN" in lines["slack.bot_token"]
    assert "sk-…(masked)" in lines["providers.openai_api_key"]
    assert ".env: OPENAI_API_KEY" in lines["providers.openai_api_key"]
    assert (
        "****" in lines["slack.signing_secret"]
        and ".env: SLACK_SIGNING_SECRET" in lines["slack.signing_secret"]
    )
    assert "aws_secret_access_key=****" in lines["storage.options"]
    assert "./data" in lines["storage.url"] and "default" in lines["storage.url"]
    assert "INFO" in lines["log_level"] and "environment: ORCHESTRATOR_LOG_LEVEL" in lines["log_level"]
    assert "default (SLACK_APP_TOKEN)" in lines["slack.app_token"]


def test_a_bad_value_is_one_clear_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["config", "show"], env={"ORCHESTRATOR_AUTO_MAINTAIN_FILES": "lots"})
    assert result.exit_code == 2
    assert "storage" in result.output and "auto_maintain_files" in result.output
    assert "Traceback" not in result.output


def test_mask_keeps_only_a_public_prefix() -> None:
    assert mask(SecretStr(SLACK_TOKEN)) == "xoxb-…(masked)"
    assert mask(SecretStr("short")) == "****"
    assert mask(SecretStr("xoxb-1")) == "****"  # too short to show even the kind
    assert mask(None) == "" and mask(SecretStr("")) == ""
