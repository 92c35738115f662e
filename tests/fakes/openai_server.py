"""A fake OpenAI-compatible Chat Completions server on 127.0.0.1 (stdlib http.server in a thread).

It speaks the wire format of ``POST /v1/chat/completions`` (non-streaming): bearer auth, ``tool_calls`` in
the assistant message, ``finish_reason``, ``usage`` with prompt/completion tokens, and OpenAI-shaped error
bodies. What it answers is scripted per test: a queue of replies (``text``, ``tool_call``, ``error``), each
consumed by one request. Every request body is kept for assertions.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_ids = itertools.count(1)


@dataclass
class Canned:
    """One scripted answer: an assistant message (with usage), or an HTTP error."""

    message: dict[str, Any] | None = None
    finish_reason: str = "stop"
    prompt_tokens: int = 0
    completion_tokens: int = 0
    status: int = 200
    error: dict[str, Any] | None = None


def text(content: str, *, prompt_tokens: int = 50, completion_tokens: int = 10) -> Canned:
    """A final text answer."""
    return Canned({"role": "assistant", "content": content}, "stop", prompt_tokens, completion_tokens)


def tool_call(
    name: str, arguments: dict[str, Any], *, prompt_tokens: int = 80, completion_tokens: int = 20
) -> Canned:
    """An assistant message calling one tool, arguments JSON-encoded as the API does."""
    call = {
        "id": f"call_{next(_ids)}",
        "type": "function",
        "function": {"name": name, "arguments": json.dumps(arguments)},
    }
    message = {"role": "assistant", "content": None, "tool_calls": [call]}
    return Canned(message, "tool_calls", prompt_tokens, completion_tokens)


def error(status: int, message: str = "The server had an error while processing your request.") -> Canned:
    """An HTTP error with OpenAI's error body."""
    kind = {401: "invalid_request_error", 429: "rate_limit_error"}.get(status, "server_error")
    return Canned(status=status, error={"message": message, "type": kind, "param": None, "code": None})


@dataclass
class FakeOpenAI:
    """The server's state: the scripted replies and the requests it received."""

    api_key: str = "test"
    replies: list[Canned] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    port: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def next_reply(self, body: dict[str, Any], headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.requests.append(body)
            self.headers.append(headers)
            if headers.get("authorization") != f"Bearer {self.api_key}":
                return 401, {"error": error(401, "Incorrect API key provided.").error}
            if not self.replies:
                return 500, {"error": error(500, "fake server: no scripted reply left").error}
            canned = self.replies.pop(0)
        if canned.status != 200:
            return canned.status, {"error": canned.error}
        return 200, {
            "id": f"chatcmpl-{next(_ids)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", "unknown"),
            "system_fingerprint": "fp_fake",
            "choices": [
                {
                    "index": 0,
                    "message": canned.message,
                    "logprobs": None,
                    "finish_reason": canned.finish_reason,
                }
            ],
            "usage": {
                "prompt_tokens": canned.prompt_tokens,
                "completion_tokens": canned.completion_tokens,
                "total_tokens": canned.prompt_tokens + canned.completion_tokens,
            },
        }


def _handler(state: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            return

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._send(
                    404, {"error": {"message": f"Unknown path {self.path}", "type": "invalid_request_error"}}
                )
                return
            try:
                body = json.loads(raw or b"{}")
            except json.JSONDecodeError:
                self._send(400, {"error": {"message": "Invalid JSON body", "type": "invalid_request_error"}})
                return
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, payload = state.next_reply(body, headers)
            self._send(status, payload)

    return Handler


@contextmanager
def serve(state: FakeOpenAI | None = None) -> Iterator[FakeOpenAI]:
    """Run the fake on an ephemeral port of 127.0.0.1 until the block ends."""
    state = state or FakeOpenAI()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, name="fake-openai", daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
