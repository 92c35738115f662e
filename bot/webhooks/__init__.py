"""Tracker webhooks for `orchestrator serve`: ``POST /webhooks/{linear,gitlab,notion}``."""

from bot.webhooks.app import WEBHOOKS, Webhooks

__all__ = ["WEBHOOKS", "Webhooks"]
