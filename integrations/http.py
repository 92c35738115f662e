"""What every tracker client shares: an injectable httpx client, timeouts, a rate limiter sized to the
vendor's published limit, retries with backoff and jitter that honour ``Retry-After``, cursor pagination,
and vendor failures mapped to ``core.errors`` with messages a chat user can act on (never holding a
credential).
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from aiolimiter import AsyncLimiter
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt
from tenacity.wait import wait_base, wait_exponential_jitter

from core.errors import (
    IntegrationAuthError,
    IntegrationError,
    NotFoundError,
    PermissionDenied,
    ValidationError,
)

log = logging.getLogger(__name__)

_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class RateLimit:
    """``requests`` per ``per_seconds``, enforced as evenly spaced requests.

    Spacing (a bucket of one) rather than a burst-then-drip bucket: a vendor counting a sliding window would
    otherwise see up to twice the limit in one window. ``safety`` leaves room for network jitter.
    """

    requests: int
    per_seconds: float
    safety: float = 0.9

    @property
    def interval(self) -> float:
        return self.per_seconds / self.requests / self.safety


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6
    initial: float = 1.0  # first backoff in seconds, doubled each time, with jitter
    maximum: float = 60.0  # cap for any single wait, Retry-After included


class Retryable(IntegrationError):
    """A failure worth retrying (429, 5xx, a lost connection); ``retry_after``: seconds the vendor asked."""

    def __init__(self, message: str, *, retry_after: float | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.retry_after = retry_after


class OutcomeUnknown(IntegrationError):
    """A non-idempotent request (POST) may have been applied: look it up before sending it again."""


class _WaitRetryAfter(wait_base):
    """The vendor's Retry-After when given (plus a little jitter), else exponential backoff with jitter."""

    def __init__(self, policy: RetryPolicy) -> None:
        self._policy = policy
        self._backoff = wait_exponential_jitter(initial=policy.initial, max=policy.maximum)

    def __call__(self, retry_state: RetryCallState) -> float:
        outcome = retry_state.outcome
        exc = outcome.exception() if outcome is not None else None
        if isinstance(exc, Retryable) and exc.retry_after is not None:
            # Jitter so several workers told the same instant don't all come back at once.
            return min(exc.retry_after * (1 + random.random() * 0.1), self._policy.maximum)
        return float(self._backoff(retry_state))


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header: a number (fractions tolerated) or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _message_of(response: httpx.Response) -> str:
    """The vendor's error message from a JSON body, or a trimmed text body."""
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:200]
    if isinstance(body, dict):
        msg = body.get("message") or body.get("error") or ""
        if isinstance(msg, list):
            msg = "; ".join(str(m) for m in msg)
        elif isinstance(msg, dict):  # GitLab validation: {"field": ["message", ...]}
            parts = (f"{k} {' '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in msg.items())
            msg = "; ".join(parts)
        return str(msg)[:200]
    return ""


class VendorHTTP:
    """One vendor's HTTP session: auth headers, limiter, retries and error mapping around httpx."""

    def __init__(
        self,
        vendor: str,
        base_url: str,
        auth_headers: Mapping[str, str],
        *,
        rate: RateLimit,
        client: httpx.AsyncClient | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        inspect: Callable[[httpx.Response], None] | None = None,
    ) -> None:
        self.vendor = vendor
        # A vendor hook run on every answer before the generic mapping: it may raise (e.g. Linear's
        # RATELIMITED error inside an HTTP 400 becomes a Retryable).
        self._inspect = inspect
        self.base_url = base_url.rstrip("/")
        self._auth = dict(auth_headers)
        # Values to scrub from any vendor message we repeat (a vendor echoing the key must not leak it).
        self._secrets = [v for v in self._auth.values() if len(v) >= 6]
        self._owns_client = client is None
        self._client = client or httpx.AsyncClient(timeout=timeout)
        self._timeout = httpx.Timeout(timeout)
        self._limiter = AsyncLimiter(1, rate.interval)
        self._retry = retry or RetryPolicy()
        self.requests_sent = 0

    def __repr__(self) -> str:
        return f"VendorHTTP({self.vendor!r}, {self.base_url!r})"

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    def scrub(self, text: str) -> str:
        """``text`` with any credential of this session masked (for vendor messages we repeat)."""
        return self._scrub(text)

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | list[tuple[str, Any]] | None = None,
        json: Any = None,
        idempotent: bool | None = None,
    ) -> httpx.Response:
        """Send with rate limiting and retries; the response is 2xx or a ``core.errors`` exception is raised.

        Non-idempotent requests are retried only when the vendor surely did not apply them (429, connection
        refused); otherwise ``OutcomeUnknown`` tells the caller to look the result up first.
        """
        method = method.upper()
        safe = method in _IDEMPOTENT if idempotent is None else idempotent
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(Retryable),
            wait=_WaitRetryAfter(self._retry),
            stop=stop_after_attempt(self._retry.attempts),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                return await self._send_once(method, path, params, json, safe)
        raise AssertionError("unreachable: tenacity re-raises the last error")  # pragma: no cover

    async def _send_once(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any] | list[tuple[str, Any]] | None,
        body: Any,
        safe: bool,
    ) -> httpx.Response:
        url = f"{self.base_url}/{path.lstrip('/')}"
        async with self._limiter:
            self.requests_sent += 1
            try:
                response = await self._client.request(
                    method, url, params=params, json=body, headers=self._auth, timeout=self._timeout
                )
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                # Never reached the vendor: safe to resend whatever the method.
                log.debug("%s %s: %s", method, path, type(exc).__name__)
                raise Retryable(
                    f"Couldn't reach {self.vendor}.", hint="Check the network and the base URL."
                ) from None
            except httpx.TransportError as exc:
                # Sent, but the answer was lost (timeout, dropped connection): it may have been applied.
                log.debug("%s %s: %s", method, path, type(exc).__name__)
                if safe:
                    raise Retryable(f"{self.vendor} didn't answer in time.") from None
                raise OutcomeUnknown(f"{self.vendor} didn't confirm the change.") from None
        return self._check(method, path, response, safe)

    def _check(self, method: str, path: str, response: httpx.Response, safe: bool) -> httpx.Response:
        if self._inspect is not None:
            self._inspect(response)
        status = response.status_code
        if status < 400:
            return response
        message = self._scrub(_message_of(response))
        log.debug("%s %s -> %s", method, path, status)
        v = self.vendor
        if status == 429:
            # Rejected before being applied, whatever the method.
            raise Retryable(
                f"{v}'s rate limit was reached.",
                retry_after=parse_retry_after(response.headers.get("Retry-After")),
                hint="The sync resumes on its own; try again in a minute.",
            )
        if status >= 500:
            if safe:
                raise Retryable(f"{v} is having trouble (HTTP {status}).", hint="Try again in a few minutes.")
            raise OutcomeUnknown(f"{v} failed while applying a change (HTTP {status}).")
        if status == 401:
            raise IntegrationAuthError(
                f"{v} rejected the API key.",
                hint=f"Add it again with a valid key (`orchestrator integrations add {v.lower()}`).",
            )
        if status == 403:
            raise PermissionDenied(f"{v} doesn't allow this account to do that.", hint=message or None)
        if status == 404:
            raise NotFoundError(f"{v} has no such item (it may have been deleted).")
        if status in (400, 409, 422):
            raise ValidationError(f"{v} refused the request: {message or 'invalid data'}.")
        raise IntegrationError(f"{v} answered HTTP {status}.", hint=message or None)

    async def get_json(
        self, path: str, params: Mapping[str, Any] | list[tuple[str, Any]] | None = None
    ) -> Any:
        response = await self.request("GET", path, params=params)
        return self.json_of(response)

    def json_of(self, response: httpx.Response) -> Any:
        """The JSON body, or an IntegrationError a chat user understands."""
        try:
            return response.json()
        except ValueError:
            raise IntegrationError(f"{self.vendor} sent a reply I couldn't read.") from None

    async def cursor_pages(
        self,
        path: str,
        params: Mapping[str, Any],
        *,
        items_key: str,
        next_cursor: Callable[[Any], str | None],
        cursor_param: str = "cursor",
    ) -> AsyncIterator[tuple[list[Any], httpx.Response]]:
        """Yield (items, response) per page until the vendor stops giving a next cursor.

        Items are the vendor's JSON objects, typed by the caller (``integrations.types``)."""
        cursor: str | None = None
        seen: set[str] = set()
        while True:
            query = dict(params)
            if cursor:
                query[cursor_param] = cursor
            response = await self.request("GET", path, params=query)
            body = self.json_of(response)
            items = body.get(items_key) or [] if isinstance(body, dict) else []
            yield list(items), response
            cursor = next_cursor(body)
            if not cursor or cursor in seen:  # a repeated cursor would loop forever
                return
            seen.add(cursor)
