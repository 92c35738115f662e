"""How each tracker signs its webhook deliveries (api-facts §2–4); pure functions, constant-time compares."""

from __future__ import annotations

import hashlib
import hmac


def hmac_hex(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def linear_ok(secret: str, body: bytes, signature: str | None) -> bool:
    """``Linear-Signature``: hex HMAC-SHA256 of the raw body with the webhook's signing secret."""
    return bool(secret and signature) and hmac.compare_digest(
        hmac_hex(secret, body), (signature or "").strip()
    )


def linear_fresh(timestamp_ms: object, now: float, tolerance: float = 60.0) -> bool:
    """``webhookTimestamp`` (milliseconds) within ``tolerance`` seconds of now: older ones may be replays."""
    if isinstance(timestamp_ms, bool) or not isinstance(timestamp_ms, int | float):
        return False
    return abs(now - timestamp_ms / 1000) <= tolerance


def gitlab_ok(secret: str, token: str | None) -> bool:
    """``X-Gitlab-Token``: the shared secret itself, compared in constant time."""
    return bool(secret and token) and hmac.compare_digest(secret.encode(), (token or "").encode())


def notion_ok(token: str, body: bytes, signature: str | None) -> bool:
    """``X-Notion-Signature``: ``sha256=`` + hex HMAC-SHA256 of the raw body with the verification token."""
    if not (token and signature):
        return False
    return hmac.compare_digest(f"sha256={hmac_hex(token, body)}", (signature or "").strip())
