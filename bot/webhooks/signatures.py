"""How each sender signs its requests (Slack v0, api-facts §2–4 for the trackers); pure functions.

Every check takes header values as they came off the wire and answers True or False, never raises: a header
may be missing, repeated, empty, huge, non-ASCII (aiohttp hands such bytes over as lone surrogates) or
non-numeric, and each of those is simply "not verified" (401), not a crash (500). Compares are constant-time
over bytes: ``hmac.compare_digest`` raises on a non-ASCII ``str``.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Sequence

MAX_HEADER = 1024  # bytes; every signature, token and timestamp we check is far shorter
SLACK_TOLERANCE = 300.0  # seconds: Slack's (and bolt's) window for X-Slack-Request-Timestamp


def hmac_hex(secret: str, body: bytes) -> str:
    """Hex HMAC-SHA256 of ``body`` with ``secret``."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def one_header(values: Sequence[str]) -> bytes | None:
    """The raw bytes of a header sent exactly once, trimmed; None when missing, repeated, empty or too long.

    A repeated auth header is refused: which copy a proxy or framework reads differs, and only one can be
    the sender's.
    """
    if len(values) != 1:
        return None
    try:
        # surrogateescape gives back the bytes aiohttp could not decode; no str → bytes step can fail here.
        raw = values[0].encode("utf-8", "surrogateescape").strip()
    except UnicodeError:
        return None
    return raw if 0 < len(raw) <= MAX_HEADER else None


def _same(expected: bytes, given: bytes | None) -> bool:
    return given is not None and hmac.compare_digest(expected, given)


def linear_ok(secret: str, body: bytes, signature: bytes | None) -> bool:
    """``Linear-Signature``: hex HMAC-SHA256 of the raw body with the webhook's signing secret."""
    return bool(secret) and _same(hmac_hex(secret, body).encode(), signature)


def linear_fresh(timestamp_ms: object, now: float, tolerance: float = 60.0) -> bool:
    """``webhookTimestamp`` (milliseconds) within ``tolerance`` seconds of now: older ones may be replays."""
    if isinstance(timestamp_ms, bool) or not isinstance(timestamp_ms, int | float):
        return False
    try:
        seconds = timestamp_ms / 1000  # an int too large for a float raises OverflowError
    except OverflowError:
        return False
    return math.isfinite(seconds) and abs(now - seconds) <= tolerance


def gitlab_ok(secret: str, token: bytes | None) -> bool:
    """``X-Gitlab-Token``: the shared secret itself, compared in constant time."""
    return bool(secret) and _same(secret.encode(), token)


def notion_ok(token: str, body: bytes, signature: bytes | None) -> bool:
    """``X-Notion-Signature``: ``sha256=`` + hex HMAC-SHA256 of the raw body with the verification token."""
    return bool(token) and _same(f"sha256={hmac_hex(token, body)}".encode(), signature)


def slack_ok(
    secret: str,
    body: bytes,
    timestamp: bytes | None,
    signature: bytes | None,
    now: float,
    tolerance: float = SLACK_TOLERANCE,
) -> bool:
    """Slack's v0 scheme: ``X-Slack-Signature`` = ``v0=`` + hex HMAC-SHA256 of ``v0:<timestamp>:<raw body>``,
    with ``X-Slack-Request-Timestamp`` (whole seconds) within ``tolerance`` of now: older ones may be replays.
    """
    # ASCII digits only: int() would also take "+5", " 5", "5_0" or Arabic-Indic digits.
    if not secret or timestamp is None or not (timestamp.isdigit() and len(timestamp) <= 12):
        return False
    if abs(now - int(timestamp)) > tolerance:
        return False
    base = b"v0:" + timestamp + b":" + body
    expected = b"v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest().encode()
    return _same(expected, signature)
