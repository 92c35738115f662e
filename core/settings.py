"""Settings from the environment (and an optional `.env`), read once by the composition root."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob has a default that works on a fresh machine: local Delta tables under ./data."""

    model_config = SettingsConfigDict(env_prefix="ORCHESTRATOR_", env_file=".env", extra="ignore")

    storage_url: str = Field(default="./data", description="Delta root folder/URI, or a SQL URL")
    storage_options: dict[str, str] = Field(default_factory=dict, description="object-store options (JSON)")
    secret_key: SecretStr | None = None
    secret_key_file: str | None = Field(default=None, description="key file used when secret_key is unset")
    default_timezone: str = "UTC"
    auto_maintain_files: int = Field(default=150, ge=10)
    log_level: str = "WARNING"
