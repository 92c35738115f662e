"""The shared HTTP base on httpx.MockTransport: retries, Retry-After, POST safety, errors, paging."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from tenacity import RetryCallState

from core.errors import IntegrationAuthError, IntegrationError, NotFoundError, ValidationError
from integrations.http import (
    OutcomeUnknown,
    RateLimit,
    Retryable,
    RetryPolicy,
    VendorHTTP,
    _WaitRetryAfter,
    parse_retry_after,
)

KEY = "sk-very-secret-key-123"
FAST = RetryPolicy(attempts=4, initial=0.001, maximum=0.01)


def vendor(handler: Callable[[httpx.Request], httpx.Response]) -> tuple[VendorHTTP, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    client = httpx.AsyncClient(transport=httpx.MockTransport(record))
    http = VendorHTTP(
        "Motion",
        "https://api.test/v1",
        {"X-API-Key": KEY},
        rate=RateLimit(1000, 1),
        client=client,
        retry=FAST,
    )
    return http, seen


def scripted(*responses: httpx.Response | Exception) -> Callable[[httpx.Request], httpx.Response]:
    queue = list(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        item = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(item, Exception):
            raise item
        return item

    return handler


async def test_get_is_retried_on_5xx_and_sends_the_key_header() -> None:
    http, seen = vendor(
        scripted(httpx.Response(503), httpx.Response(502), httpx.Response(200, json={"ok": 1}))
    )
    assert await http.get_json("/x") == {"ok": 1}
    assert len(seen) == 3
    assert all(r.headers["X-API-Key"] == KEY for r in seen)


async def test_429_is_retried_for_any_method_and_counts_the_vendor_hint() -> None:
    http, seen = vendor(
        scripted(httpx.Response(429, headers={"Retry-After": "0.001"}), httpx.Response(201, json={"id": "a"}))
    )
    response = await http.request("POST", "/tasks", json={"name": "x"})
    assert response.json() == {"id": "a"}
    assert [r.method for r in seen] == ["POST", "POST"]


async def test_a_post_whose_answer_was_lost_is_not_resent() -> None:
    http, seen = vendor(scripted(httpx.ReadTimeout("slow"), httpx.Response(201, json={})))
    with pytest.raises(OutcomeUnknown):
        await http.request("POST", "/tasks", json={"name": "x"})
    assert len(seen) == 1


async def test_a_post_that_never_connected_is_resent() -> None:
    http, seen = vendor(scripted(httpx.ConnectError("refused"), httpx.Response(201, json={"id": "b"})))
    assert (await http.request("POST", "/tasks", json={})).json() == {"id": "b"}
    assert len(seen) == 2


async def test_a_post_answered_with_5xx_is_an_unknown_outcome() -> None:
    http, seen = vendor(scripted(httpx.Response(500), httpx.Response(201, json={})))
    with pytest.raises(OutcomeUnknown):
        await http.request("POST", "/tasks", json={})
    assert len(seen) == 1


async def test_retries_give_up_with_a_chat_friendly_error() -> None:
    http, seen = vendor(scripted(httpx.Response(503)))
    with pytest.raises(IntegrationError) as info:
        await http.get_json("/x")
    assert len(seen) == FAST.attempts
    assert "Motion is having trouble" in str(info.value)


@pytest.mark.parametrize(
    ("status", "error", "text"),
    [
        (401, IntegrationAuthError, "rejected the API key"),
        (404, NotFoundError, "no such item"),
        (400, ValidationError, "refused the request"),
    ],
)
async def test_vendor_errors_map_to_core_errors_without_the_key(
    status: int, error: type[Exception], text: str
) -> None:
    # A vendor that echoes the key back in its error must not make us repeat it.
    http, _ = vendor(scripted(httpx.Response(status, json={"message": f"bad key {KEY}"})))
    with pytest.raises(error) as info:
        await http.get_json("/x")
    assert text in str(info.value)
    assert KEY not in str(info.value)
    assert KEY not in repr(info.value.args)


def test_retry_after_parsing() -> None:
    assert parse_retry_after("2") == 2.0
    assert parse_retry_after("0.25") == 0.25
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # a date in the past: go now


def test_wait_follows_retry_after_else_backs_off_exponentially() -> None:
    wait = _WaitRetryAfter(RetryPolicy(attempts=5, initial=1.0, maximum=30.0))

    def state(exc: Exception, attempt: int) -> RetryCallState:
        s = RetryCallState(retry_object=None, fn=None, args=(), kwargs={})  # type: ignore[arg-type]
        s.attempt_number = attempt
        s.set_exception((type(exc), exc, None))
        return s

    told = wait(state(Retryable("busy", retry_after=7.0), 1))
    assert 7.0 <= told <= 7.7
    assert wait(state(Retryable("busy", retry_after=500.0), 1)) == 30.0  # capped
    first = wait(state(Retryable("down"), 1))
    third = wait(state(Retryable("down"), 3))
    assert 1.0 <= first <= 2.0
    assert 4.0 <= third <= 5.0


async def test_cursor_pages_follow_next_cursor_until_it_stops() -> None:
    pages = {
        None: {"tasks": [{"id": 1}, {"id": 2}], "meta": {"nextCursor": "c2"}},
        "c2": {"tasks": [{"id": 3}], "meta": {"nextCursor": "c3"}},
        "c3": {"tasks": [], "meta": {}},
    }

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=pages[request.url.params.get("cursor")])

    http, seen = vendor(handler)
    got = []
    async for items, _ in http.cursor_pages(
        "/tasks", {"workspaceId": "w"}, items_key="tasks", next_cursor=lambda b: b["meta"].get("nextCursor")
    ):
        got.extend(i["id"] for i in items)
    assert got == [1, 2, 3]
    assert [r.url.params.get("workspaceId") for r in seen] == ["w", "w", "w"]


async def test_a_repeated_cursor_does_not_loop_forever() -> None:
    http, seen = vendor(
        scripted(httpx.Response(200, json={"tasks": [{"id": 1}], "meta": {"nextCursor": "same"}}))
    )
    pages = [
        items
        async for items, _ in http.cursor_pages(
            "/tasks", {}, items_key="tasks", next_cursor=lambda b: b["meta"]["nextCursor"]
        )
    ]
    assert len(pages) == 2
    assert len(seen) == 2
