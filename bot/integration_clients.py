"""Building tracker clients from integration rows: the one place that imports ``integrations/``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bot.secret_key import secret_box
from bot.wiring import Runtime
from core.errors import ConfigurationError
from core.integrations import IntegrationClient
from core.models import Integration, IntegrationType
from core.sync import SyncService
from integrations.http import RateLimit


def build_client(integration: Integration, credentials: Mapping[str, str]) -> IntegrationClient:
    """The vendor client for ``integration``; options tune the workspace (Motion workspace, Linear team,
    GitLab project, Notion database), timezone, Notion property names and the rate limit."""
    options = integration.options
    if integration.type is IntegrationType.motion:
        from integrations.http import RateLimit
        from integrations.motion import MOTION_RATE, MotionClient

        per_minute = int(options.get("requests_per_minute") or MOTION_RATE.requests)
        return MotionClient(
            credentials.get("api_key", ""),
            base_url=integration.base_url,
            workspace=options.get("workspace"),
            timezone=str(options.get("timezone") or "UTC"),
            rate=RateLimit(per_minute, 60.0),
        )
    if integration.type is IntegrationType.linear:
        from integrations.linear import LINEAR_RATE, LinearClient

        return LinearClient(
            credentials.get("api_key", ""),
            base_url=integration.base_url,
            team=options.get("workspace"),
            rate=_rate(options, LINEAR_RATE),
        )
    if integration.type is IntegrationType.gitlab:
        from integrations.gitlab import GITLAB_RATE, GitLabClient

        return GitLabClient(
            credentials.get("api_key", ""),
            project=options.get("workspace"),
            base_url=integration.base_url,
            rate=_rate(options, GITLAB_RATE),
        )
    if integration.type is IntegrationType.notion:
        from integrations.notion import NOTION_RATE, NotionClient

        return NotionClient(
            credentials.get("api_key", ""),
            database=options.get("workspace"),
            properties=options.get("properties") or None,
            base_url=integration.base_url,
            rate=_rate(options, NOTION_RATE),
        )
    raise ConfigurationError(f"{integration.type.value.capitalize()} isn't supported yet.")


def _rate(options: Mapping[str, Any], default: RateLimit) -> RateLimit:
    """The vendor's published limit, or the account's own (``requests_per_minute``)."""
    per_minute = options.get("requests_per_minute")
    return RateLimit(int(per_minute), 60.0) if per_minute else default


def sync_service(
    rt: Runtime, *, create_key: bool, say: Callable[[str], None] | None = None
) -> SyncService | None:
    """The SyncService over the runtime's services; None when no secret key exists (and none may be made)."""
    box = secret_box(rt.settings, create=create_key, say=say)
    if box is None:
        return None
    return SyncService(rt.services, box, build_client)
