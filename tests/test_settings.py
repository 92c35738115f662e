"""One Settings: every documented variable, the environment over `.env`, origins, and `.env`-only surfaces."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.serve import configured_surfaces
from bot.slack.surface import SlackSurface
from bot.wiring import Runtime
from core.agent.router import Router
from core.conversation.handler import ConversationHandler
from core.services import Services
from core.settings import Settings

# Every variable README.md and docs/*.md document → where it lands, and the value it must read as.
DOCUMENTED = {
    "ORCHESTRATOR_STORAGE_URL": ("storage.url", "s3://bucket/tasks", "s3://bucket/tasks"),
    "ORCHESTRATOR_STORAGE_OPTIONS": ("storage.options", '{"region": "eu-west-1"}', {"region": "eu-west-1"}),
    "ORCHESTRATOR_AUTO_MAINTAIN_FILES": ("storage.auto_maintain_files", "40", 40),
    "ORCHESTRATOR_DEFAULT_TIMEZONE": ("default_timezone", "Europe/Paris", "Europe/Paris"),
    "ORCHESTRATOR_LOG_LEVEL": ("log_level", "INFO", "INFO"),
    "ORCHESTRATOR_SECRET_KEY": ("secret_key", "fernet-key", "fernet-key"),
    "ORCHESTRATOR_SECRET_KEY_FILE": ("secret_key_file", "/keys/k", "/keys/k"),
    "ORCHESTRATOR_PROVIDERS": ("providers.path", "/etc/p.yaml", "/etc/p.yaml"),
    "XDG_CONFIG_HOME": ("config_home", "/cfg", "/cfg"),
    "SLACK_BOT_TOKEN": ("slack.bot_token", "xoxb-1", "xoxb-1"),
    "SLACK_SIGNING_SECRET": ("slack.signing_secret", "sig", "sig"),
    "SLACK_APP_TOKEN": ("slack.app_token", "xapp-1", "xapp-1"),
    "SLACK_API_URL": ("slack.api_url", "http://127.0.0.1:9/api/", "http://127.0.0.1:9/api/"),
    "DISCORD_BOT_TOKEN": ("discord.bot_token", "d-token", "d-token"),
    "DISCORD_API_URL": ("discord.api_url", "http://127.0.0.1:9", "http://127.0.0.1:9"),
    "DISCORD_GATEWAY_URL": ("discord.gateway_url", "ws://127.0.0.1:9/", "ws://127.0.0.1:9/"),
    "DISCORD_COMMAND_GUILDS": ("discord.command_guilds", "1, 2", [1, 2]),
    "ANTHROPIC_API_KEY": ("providers.anthropic_api_key", "a-key", "a-key"),
    "OPENAI_API_KEY": ("providers.openai_api_key", "o-key", "o-key"),
    "OPENAI_BASE_URL": ("providers.openai_base_url", "http://proxy/v1", "http://proxy/v1"),
    "GEMINI_API_KEY": ("providers.gemini_api_key", "g-key", "g-key"),
    "XAI_API_KEY": ("providers.xai_api_key", "x-key", "x-key"),
    "OLLAMA_BASE_URL": (
        "providers.ollama_base_url",
        "http://localhost:11434/v1",
        "http://localhost:11434/v1",
    ),
    "LOCAL_LLM_BASE_URL": (
        "providers.local_llm_base_url",
        "http://localhost:8000/v1",
        "http://localhost:8000/v1",
    ),
}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No variable of this machine and no `.env` of the repository leak into these tests."""
    for name in DOCUMENTED:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def value_at(settings: Settings, path: str) -> object:
    value: object = settings
    for part in path.split("."):
        value = getattr(value, part)
    get = getattr(value, "get_secret_value", None)
    return get() if get is not None else value


@pytest.mark.parametrize("variable", sorted(DOCUMENTED))
def test_every_documented_variable_is_read(variable: str, monkeypatch: pytest.MonkeyPatch) -> None:
    path, raw, expected = DOCUMENTED[variable]
    monkeypatch.setenv(variable, raw)
    settings = Settings()
    assert value_at(settings, path) == expected
    assert settings.origin(path) == f"environment: {variable}"


def test_the_environment_wins_over_dotenv_and_defaults_stay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=xoxb-from-file\nSLACK_SIGNING_SECRET=file-secret\n")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-from-env")
    settings = Settings()
    assert value_at(settings, "slack.bot_token") == "xoxb-from-env"
    assert value_at(settings, "slack.signing_secret") == "file-secret"
    assert settings.origin("slack.bot_token") == "environment: SLACK_BOT_TOKEN"
    assert settings.origin("slack.signing_secret") == ".env: SLACK_SIGNING_SECRET"
    assert settings.origin("storage.url") == "default" and settings.storage.url == "./data"
    assert "xoxb-from-env" not in repr(settings) and "file-secret" not in repr(settings)
    other = tmp_path / "other.env"
    other.write_text("ORCHESTRATOR_LOG_LEVEL=DEBUG\n")
    assert Settings(_env_file=other).log_level == "DEBUG"  # type: ignore[call-arg]


def test_empty_variables_count_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "sig")
    assert not Settings().slack.configured


async def test_a_token_only_in_dotenv_starts_the_slack_surface(
    tmp_path: Path, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text(
        "SLACK_BOT_TOKEN=xoxb-only-in-dotenv\nSLACK_SIGNING_SECRET=dotenv-secret\nSLACK_API_URL=http://127.0.0.1:9/api/\n"
    )
    settings = Settings()  # the working directory's `.env`, as `orchestrator serve` reads it
    rt = Runtime(settings, services.store, services, ConversationHandler(services))

    surfaces = configured_surfaces(rt)

    assert [type(s) for s in surfaces] == [SlackSurface]
    surface = surfaces[0]
    assert isinstance(surface, SlackSurface)
    assert surface.app.client.token == "xoxb-only-in-dotenv"
    assert surface.app.client.base_url == "http://127.0.0.1:9/api/"
    assert surface.mode == "http"


def test_no_credentials_no_surface(services: Services) -> None:
    rt = Runtime(Settings(), services.store, services, ConversationHandler(services))
    assert configured_surfaces(rt) == []


def test_a_custom_providers_file_reads_its_own_variables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    providers = tmp_path / "providers.yaml"
    providers.write_text(
        "providers:\n"
        "  corp:\n"
        "    kind: openai-compatible\n"
        "    key_env: CORP_LLM_KEY\n"
        "    base_url_env: CORP_LLM_URL\n"
        "    models: {corp-1: {input: 0, output: 0}}\n"
        "rules: {quick_tasks: [corp], complex_reasoning: [corp], code_generation: [corp],\n"
        "        cost_optimized: [corp]}\n"
    )
    (tmp_path / ".env").write_text("CORP_LLM_URL=http://127.0.0.1:9/v1\n")
    monkeypatch.setenv("ORCHESTRATOR_PROVIDERS", str(providers))
    monkeypatch.setenv("CORP_LLM_KEY", "corp-secret")

    router = Router.from_settings(Settings())

    assert router.available("corp")
    assert router.route("add milk").usual.label == "corp:corp-1"
    assert router.redact("key corp-secret leaked") == "key *** leaked"


def test_a_misspelt_setting_in_code_is_an_error_not_a_silent_default() -> None:
    with pytest.raises(ValidationError, match="storage_url"):
        Settings(storage_url="/elsewhere")  # type: ignore[call-arg]  # the field is storage.url
    assert Settings(storage={"url": "/elsewhere"}).storage.url == "/elsewhere"  # type: ignore[arg-type]


def test_a_value_passed_in_code_says_so_even_when_a_variable_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORCHESTRATOR_STORAGE_URL", "/from-env")
    settings = Settings(storage={"url": "/from-code"})  # type: ignore[arg-type]
    assert settings.storage.url == "/from-code"
    assert settings.origin("storage.url") == "argument"
    assert Settings().origin("storage.url") == "environment: ORCHESTRATOR_STORAGE_URL"
