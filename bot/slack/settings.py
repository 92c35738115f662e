"""Slack's section of the one Settings (``SLACK_*``): defined in core/settings.py, read by the composition
root and handed to the surface."""

from __future__ import annotations

from core.settings import SLACK_API_URL as DEFAULT_API_URL
from core.settings import SlackSettings

__all__ = ["DEFAULT_API_URL", "SlackSettings"]
