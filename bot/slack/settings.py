"""Slack credentials and endpoints from the environment (``SLACK_*``)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_API_URL = "https://slack.com/api/"


class SlackSettings(BaseSettings):
    """Secrets are ``SecretStr`` so a stray log line or repr never shows them."""

    model_config = SettingsConfigDict(env_prefix="SLACK_", env_file=".env", extra="ignore")

    bot_token: SecretStr = Field(description="Bot token, xoxb-…")
    signing_secret: SecretStr = Field(description="Basic Information → Signing Secret")
    app_token: SecretStr | None = Field(default=None, description="App-level token xapp-… (Socket Mode)")
    api_url: str = Field(default=DEFAULT_API_URL, description="Web API base URL (proxies, GovSlack, tests)")

    @property
    def socket_mode(self) -> bool:
        """Socket Mode when an app-level token is set; otherwise HTTP on /slack/events."""
        return self.app_token is not None and bool(self.app_token.get_secret_value())

    @property
    def base_url(self) -> str:
        """The Web API base URL with the trailing slash slack_sdk expects."""
        return self.api_url if self.api_url.endswith("/") else self.api_url + "/"
