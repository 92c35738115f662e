"""One Settings for the whole process: the environment and a `.env` file, read once by the composition root.

Every value keeps the variable name the docs give it (``SLACK_BOT_TOKEN``, ``ORCHESTRATOR_STORAGE_URL``,
``OPENAI_API_KEY`` …): a field declares its names as ``validation_alias`` choices after the field name. The
two sources below look those names up in the environment and in `.env` (the environment wins, as in
pydantic-settings) and record where each value came from, for ``orchestrator config show``.

This is the only module that reads ``os.environ`` (through pydantic-settings' sources).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from core.errors import ConfigurationError

Origin = Literal["environment", ".env", "default", "argument"]
ENVIRONMENT: Origin = "environment"
DOTENV: Origin = ".env"
SLACK_API_URL = "https://slack.com/api/"


def env(name: str, *names: str) -> AliasChoices:
    """``validation_alias`` for a field read from the variables ``names`` (first one set wins); the field's
    own ``name`` stays accepted so code and tests can pass values by name."""
    return AliasChoices(name, *names)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_by_name=True, validate_by_alias=True)


class StorageSettings(_Section):
    """Where the data lives: a Delta root (folder or object-store URI) or a SQL URL."""

    url: str = Field(
        default="./data",
        validation_alias=env("url", "ORCHESTRATOR_STORAGE_URL"),
        description="Delta root folder/URI, or a SQLite/PostgreSQL URL",
    )
    options: dict[str, str] = Field(
        default_factory=dict,
        validation_alias=env("options", "ORCHESTRATOR_STORAGE_OPTIONS"),
        description="delta-rs storage options for object stores (JSON)",
    )
    auto_maintain_files: int = Field(
        default=150,
        ge=0,
        validation_alias=env("auto_maintain_files", "ORCHESTRATOR_AUTO_MAINTAIN_FILES"),
        description="file count that triggers automatic table maintenance (0: off)",
    )

    @field_validator("options", mode="before")
    @classmethod
    def _json(cls, value: object) -> object:
        # Variables are strings; the documented form is a JSON object.
        if isinstance(value, str):
            try:
                return json.loads(value) if value.strip() else {}
            except json.JSONDecodeError as exc:
                raise ValueError(f"ORCHESTRATOR_STORAGE_OPTIONS is not valid JSON: {exc.msg}") from None
        return value


class SlackSettings(_Section):
    """The Slack app: the surface starts when the bot token and the signing secret are both set."""

    bot_token: SecretStr | None = Field(
        default=None, validation_alias=env("bot_token", "SLACK_BOT_TOKEN"), description="bot token, xoxb-…"
    )
    signing_secret: SecretStr | None = Field(
        default=None,
        validation_alias=env("signing_secret", "SLACK_SIGNING_SECRET"),
        description="Basic Information → Signing Secret",
    )
    app_token: SecretStr | None = Field(
        default=None,
        validation_alias=env("app_token", "SLACK_APP_TOKEN"),
        description="app-level token xapp-… (Socket Mode)",
    )
    api_url: str = Field(
        default=SLACK_API_URL,
        validation_alias=env("api_url", "SLACK_API_URL"),
        description="Web API base URL (proxies, GovSlack, tests)",
    )

    @property
    def configured(self) -> bool:
        """Both credentials HTTP mode needs to verify and answer requests."""
        return _filled(self.bot_token) and _filled(self.signing_secret)

    @property
    def socket_mode(self) -> bool:
        """Socket Mode when an app-level token is set; otherwise HTTP on /slack/events."""
        return _filled(self.app_token)

    @property
    def base_url(self) -> str:
        """The Web API base URL with the trailing slash slack_sdk expects."""
        return self.api_url if self.api_url.endswith("/") else self.api_url + "/"


class DiscordSettings(_Section):
    """The Discord bot: the surface starts when the bot token is set."""

    bot_token: SecretStr | None = Field(
        default=None, validation_alias=env("bot_token", "DISCORD_BOT_TOKEN"), description="bot token"
    )
    api_url: str | None = Field(
        default=None,
        validation_alias=env("api_url", "DISCORD_API_URL"),
        description="REST base, e.g. https://proxy.example/api/v10",
    )
    gateway_url: str | None = Field(
        default=None,
        validation_alias=env("gateway_url", "DISCORD_GATEWAY_URL"),
        description="Gateway URL, e.g. wss://proxy.example/",
    )
    command_guilds: list[int] = Field(
        default_factory=list,
        validation_alias=env("command_guilds", "DISCORD_COMMAND_GUILDS"),
        description="register slash commands in these guilds only (instant; for development)",
    )

    @field_validator("command_guilds", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        # `DISCORD_COMMAND_GUILDS=1,2` is friendlier than a JSON list.
        if isinstance(value, str):
            return [int(v) for v in re.split(r"[,\s\[\]]+", value.strip()) if v]
        if isinstance(value, int):
            return [value]
        return value

    @property
    def configured(self) -> bool:
        return _filled(self.bot_token)

    def token(self) -> str:
        """The bot token; raises ConfigurationError when unset. Never log the result."""
        value = self.bot_token.get_secret_value().strip() if self.bot_token else ""
        if not value:
            raise ConfigurationError("DISCORD_BOT_TOKEN is not set.", hint="See docs/discord.md.")
        return value


# The provider variables the shipped providers file names, as (field, variable). A custom providers file may
# name others; ProvidersSettings.extra holds those (see Settings.lookup).
_PROVIDER_VARIABLES = {
    "anthropic_api_key": "ANTHROPIC_API_KEY",
    "openai_api_key": "OPENAI_API_KEY",
    "openai_base_url": "OPENAI_BASE_URL",
    "gemini_api_key": "GEMINI_API_KEY",
    "xai_api_key": "XAI_API_KEY",
    "ollama_base_url": "OLLAMA_BASE_URL",
    "local_llm_base_url": "LOCAL_LLM_BASE_URL",
}


class ProvidersSettings(_Section):
    """The LLM providers: the providers file and the keys and base URLs it refers to."""

    path: str | None = Field(
        default=None,
        validation_alias=env("path", "ORCHESTRATOR_PROVIDERS"),
        description="providers and routing rules (YAML); the shipped file when unset",
    )
    anthropic_api_key: SecretStr | None = Field(
        default=None, validation_alias=env("anthropic_api_key", "ANTHROPIC_API_KEY")
    )
    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=env("openai_api_key", "OPENAI_API_KEY")
    )
    openai_base_url: str | None = Field(
        default=None, validation_alias=env("openai_base_url", "OPENAI_BASE_URL")
    )
    gemini_api_key: SecretStr | None = Field(
        default=None, validation_alias=env("gemini_api_key", "GEMINI_API_KEY")
    )
    xai_api_key: SecretStr | None = Field(default=None, validation_alias=env("xai_api_key", "XAI_API_KEY"))
    ollama_base_url: str | None = Field(
        default=None, validation_alias=env("ollama_base_url", "OLLAMA_BASE_URL")
    )
    local_llm_base_url: str | None = Field(
        default=None, validation_alias=env("local_llm_base_url", "LOCAL_LLM_BASE_URL")
    )
    extra: dict[str, SecretStr] = Field(
        default_factory=dict, description="variables a custom providers file names (by variable name)"
    )

    def variables(self) -> dict[str, str]:
        """Variable name → value of every provider variable that is set, for the providers file's
        ``key_env`` / ``base_url_env`` / ``requires_env`` names."""
        found: dict[str, str] = {name: secret.get_secret_value() for name, secret in self.extra.items()}
        for field_name, variable in _PROVIDER_VARIABLES.items():
            value = getattr(self, field_name)
            text = value.get_secret_value() if isinstance(value, SecretStr) else value
            if text:
                found[variable] = text
        return found


class SchedulerSettings(_Section):
    """Work `serve` runs on its own: tracker syncs, and reminders, digests and reports (core/schedule)."""

    enabled: bool = Field(
        default=True,
        validation_alias=env("enabled", "ORCHESTRATOR_SCHEDULER_ENABLED"),
        description="run scheduled syncs, reminders, digests and reports in `serve`",
    )
    tick_seconds: float = Field(
        default=30.0,
        gt=0,
        validation_alias=env(
            "tick_seconds", "ORCHESTRATOR_SCHEDULER_TICK", "ORCHESTRATOR_SCHEDULER_TICK_SECONDS"
        ),
        description="how often the scheduler looks for due work (seconds)",
    )


def _filled(secret: SecretStr | None) -> bool:
    return secret is not None and bool(secret.get_secret_value().strip())


class _Variables(PydanticBaseSettingsSource):
    """Builds the nested input from documented variable names found in ``values`` (lower-cased names), and
    records which field each came from under ``origins``."""

    def __init__(self, settings_cls: type[BaseSettings], values: Mapping[str, str | None], origin: Origin):
        super().__init__(settings_cls)
        self._values = values
        self._origin = origin

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        # Unused: __call__ walks the model tree itself, because sections have their own variable names.
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        origins: dict[str, str] = {}
        for path, variables in _variable_fields(self.settings_cls):
            for variable in variables:
                value = self._values.get(variable.lower())
                if value is None:
                    continue
                *sections, leaf = path.split(".")
                target = data
                for section in sections:
                    target = target.setdefault(section, {})
                target[leaf] = value
                origins[path] = f"{self._origin}: {variable}"
                break
        if origins:
            data["origins"] = origins
        return data


def _variable_fields(model: type[BaseModel], prefix: str = "") -> Iterator[tuple[str, list[str]]]:
    """(dotted field path, its variable names) for every field of ``model`` and its sections."""
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, _Section):
            yield from _variable_fields(annotation, f"{prefix}{name}.")
            continue
        alias = info.validation_alias
        if isinstance(alias, AliasChoices):
            names = [c for c in alias.choices if isinstance(c, str) and c != name]
            if names:
                yield f"{prefix}{name}", names


class Settings(BaseSettings):
    """Every knob has a default that works on a fresh machine: local Delta tables under ./data, the offline
    model, no chat surface."""

    model_config = SettingsConfigDict(
        env_file=".env", extra="forbid", env_ignore_empty=True, validate_by_name=True, validate_by_alias=True
    )

    storage: StorageSettings = Field(default_factory=StorageSettings)
    slack: SlackSettings = Field(default_factory=SlackSettings)
    discord: DiscordSettings = Field(default_factory=DiscordSettings)
    providers: ProvidersSettings = Field(default_factory=ProvidersSettings)
    scheduler: SchedulerSettings = Field(default_factory=SchedulerSettings)
    secret_key: SecretStr | None = Field(
        default=None,
        validation_alias=env("secret_key", "ORCHESTRATOR_SECRET_KEY"),
        description="Fernet key that encrypts integration credentials",
    )
    secret_key_file: str | None = Field(
        default=None,
        validation_alias=env("secret_key_file", "ORCHESTRATOR_SECRET_KEY_FILE"),
        description="key file used when secret_key is unset",
    )
    config_home: str | None = Field(
        default=None,
        validation_alias=env("config_home", "XDG_CONFIG_HOME"),
        description="where the generated key file goes (~/.config when unset)",
    )
    default_timezone: str | None = Field(
        default=None,
        validation_alias=env("default_timezone", "ORCHESTRATOR_DEFAULT_TIMEZONE"),
        description="timezone of console users without --tz; this machine's zone when unset",
    )
    log_level: str = Field(
        default="WARNING",
        validation_alias=env("log_level", "ORCHESTRATOR_LOG_LEVEL"),
        description="log level",
    )
    origins: Annotated[dict[str, str], Field(default_factory=dict, exclude=True, repr=False)]

    def __init__(self, **values: Any) -> None:
        super().__init__(**values)
        # Values passed in code win over every source: say so, rather than name a variable that lost.
        for key, value in values.items():
            if key.startswith("_"):  # _env_file and pydantic-settings' other options
                continue
            if isinstance(value, BaseModel):
                paths = [f"{key}.{name}" for name in value.model_fields_set]
            elif isinstance(value, dict) and key in SECTIONS:
                paths = [f"{key}.{name}" for name in value]
            else:
                paths = [key]
            for path in paths:
                self.origins[path] = "argument"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Arguments first, then the environment, then `.env` (``_env_file=`` picks another file)."""
        assert isinstance(env_settings, EnvSettingsSource)
        assert isinstance(dotenv_settings, DotEnvSettingsSource)
        return (
            init_settings,
            _Variables(settings_cls, env_settings.env_vars, ENVIRONMENT),
            _Variables(settings_cls, dotenv_settings.env_vars, DOTENV),
        )

    def origin(self, path: str) -> str:
        """Where the value at ``path`` (``slack.bot_token``) came from: ``environment: SLACK_BOT_TOKEN``,
        ``.env: SLACK_BOT_TOKEN``, ``default`` or ``argument`` (passed in code)."""
        return self.origins.get(path, "default")

    @staticmethod
    def variables_of(path: str) -> list[str]:
        """The variable names read for ``path`` (``slack.bot_token`` → ``["SLACK_BOT_TOKEN"]``)."""
        return dict(_variable_fields(Settings)).get(path, [])

    def lookup(self, names: Iterable[str]) -> Settings:
        """A copy whose ``providers.extra`` holds the variables ``names`` (a custom providers file's own key
        and URL variables) from the environment or `.env`; the documented ones are already fields."""
        known = set(_PROVIDER_VARIABLES.values())
        wanted = [n for n in dict.fromkeys(names) if n and n not in known and n not in self.providers.extra]
        if not wanted:
            return self
        env_values = EnvSettingsSource(Settings, env_ignore_empty=True).env_vars
        file_values = DotEnvSettingsSource(Settings, env_ignore_empty=True).env_vars
        extra = dict(self.providers.extra)
        for name in wanted:
            value = env_values.get(name.lower()) or file_values.get(name.lower())
            if value:
                extra[name] = SecretStr(value)
        providers = self.providers.model_copy(update={"extra": extra})
        return self.model_copy(update={"providers": providers})


SECTIONS = ("storage", "slack", "discord", "providers", "scheduler")
