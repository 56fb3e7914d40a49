"""A fake OpenAI-compatible HTTP server for tests of the ``openai`` provider.

It is a real HTTP server on 127.0.0.1 (random port, background thread), so the official SDK
makes real requests, retries and times out exactly as it would against a real endpoint. Tests
script it with a queue of behaviours, consumed one per chat-completion request::

    fake.push(Status(429), Reply(text="好的"))

When the queue is empty it answers with a plausible customer line (or an empty scorecard in JSON
mode). Every request is recorded so tests can assert on retries, redaction and prompts.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# -- behaviours -------------------------------------------------------------------------------


@dataclass
class Reply:
    """A normal answer; ``json`` is serialised as the message content."""

    text: str | None = None
    json: Any = None
    finish_reason: str = "stop"
    prompt_tokens: int = 42
    completion_tokens: int = 17
    chunk_size: int = 4


@dataclass
class Status:
    """An HTTP error; ``retry_after`` (seconds) is sent as ``retry-after-ms`` to keep tests fast."""

    code: int
    retry_after: float | None = 0.01
    message: str = "scripted error"


@dataclass
class Delay:
    """Wait before answering (to trigger client timeouts), then behave as ``then``."""

    seconds: float
    then: Any = None


@dataclass
class Malformed:
    """Message content that is not valid JSON; with ``raw`` the whole HTTP body is broken."""

    body: str = "{not json"
    raw: bool = False


@dataclass
class Truncated:
    """An answer cut by the token limit."""

    text: str = '{"criteria": [{"criterion": "needs'
    finish_reason: str = "length"


@dataclass
class StreamCut:
    """Stream a few chunks, then drop the connection without ``finish_reason`` or ``[DONE]``."""

    chunks_before_cut: int = 2
    text: str = "我觉得这个保险还是有点贵，能不能"


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    body: Any = None
    received_at: float = field(default_factory=time.monotonic)

    @property
    def messages(self) -> list[dict[str, Any]]:
        if isinstance(self.body, dict):
            return list(self.body.get("messages") or [])
        return []

    @property
    def text(self) -> str:
        """All message contents joined, for assertions on what left the application."""
        return "\n".join(str(m.get("content", "")) for m in self.messages)


_CJK = re.compile(r"[\u4e00-\u9fff]")

DEFAULT_ZH = "嗯，听起来还行，不过一年保费大概要多少钱？"
DEFAULT_EN = "Hmm, that sounds reasonable, but roughly how much would it cost me per year?"
EMPTY_SCORECARD = {"criteria": [], "findings": [], "checkpoints": [], "flags": []}


# -- server -----------------------------------------------------------------------------------


class FakeOpenAI:
    """Scriptable OpenAI-compatible server; use ``start()``/``stop()`` or the pytest fixture."""

    def __init__(self) -> None:
        self._queue: deque[Any] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.requests: list[RecordedRequest] = []
        self.default: Any = None
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # scripting

    def push(self, *behaviours: Any) -> FakeOpenAI:
        with self._lock:
            self._queue.extend(behaviours)
        return self

    def reset(self) -> None:
        with self._lock:
            self._queue.clear()
            self.requests.clear()

    @property
    def pending(self) -> int:
        return len(self._queue)

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    # lifecycle

    @property
    def base_url(self) -> str:
        assert self._server is not None, "server not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> FakeOpenAI:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        # A short poll interval keeps stop() (and so each test's teardown) quick.
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name="fake-openai",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._stopping.is_set():
            return
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # used by the handler

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _next_behaviour(self) -> Any:
        with self._lock:
            if self._queue:
                return self._queue.popleft()
            return self.default


class _Handler(BaseHTTPRequestHandler):
    fake: FakeOpenAI
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean

    def handle(self) -> None:
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (a timeout test) before the delayed answer was written.
            self.close_connection = True

    def _headers(self) -> dict[str, str]:
        # HTTP header names are case-insensitive; store them lower-cased for easy assertions.
        return {name.lower(): value for name, value in self.headers.items()}

    # routing

    def do_GET(self) -> None:
        self.fake._record(RecordedRequest("GET", self.path, self._headers()))
        if self.path.rstrip("/").endswith("/models"):
            models = [
                {"id": name, "object": "model", "created": 0, "owned_by": "fake"}
                for name in ("fake-customer", "fake-judge")
            ]
            self._send_json(200, {"object": "list", "data": models})
        else:
            self._send_json(404, {"error": {"message": "not found", "type": "invalid_request"}})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw or b"null")
        except json.JSONDecodeError:
            body = raw.decode("utf-8", "replace")
        self.fake._record(RecordedRequest("POST", self.path, self._headers(), body))
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self._send_json(404, {"error": {"message": "not found", "type": "invalid_request"}})
            return
        if not isinstance(body, dict):
            self._send_json(400, {"error": {"message": "body is not JSON", "type": "invalid"}})
            return
        self._chat(body, self.fake._next_behaviour())

    # behaviours

    def _chat(self, body: dict[str, Any], behaviour: Any) -> None:
        streaming = bool(body.get("stream"))
        model = str(body.get("model") or "fake-model")
        if isinstance(behaviour, Delay):
            # Sleep in small steps so stopping the server is not held up by a long delay.
            deadline = time.monotonic() + behaviour.seconds
            while time.monotonic() < deadline and not self.fake._stopping.is_set():
                time.sleep(0.01)
            behaviour = behaviour.then
        if behaviour is None:
            behaviour = self._default_reply(body)
        if isinstance(behaviour, Status):
            self._send_status(behaviour)
        elif isinstance(behaviour, Malformed):
            if behaviour.raw:
                self._send_bytes(200, behaviour.body.encode(), "application/json")
            else:
                self._answer(body, model, behaviour.body, "stop", 30, 5, streaming)
        elif isinstance(behaviour, Truncated):
            self._answer(body, model, behaviour.text, behaviour.finish_reason, 30, 400, streaming)
        elif isinstance(behaviour, StreamCut):
            self._stream_cut(model, behaviour)
        elif isinstance(behaviour, Reply):
            text = behaviour.text
            if behaviour.json is not None:
                text = json.dumps(behaviour.json, ensure_ascii=False)
            self._answer(
                body,
                model,
                text or "",
                behaviour.finish_reason,
                behaviour.prompt_tokens,
                behaviour.completion_tokens,
                streaming,
                chunk_size=behaviour.chunk_size,
            )
        else:
            raise TypeError(f"unknown fake behaviour {behaviour!r}")

    @staticmethod
    def _default_reply(body: dict[str, Any]) -> Reply:
        response_format = body.get("response_format") or {}
        if response_format.get("type") in ("json_schema", "json_object"):
            return Reply(json=EMPTY_SCORECARD)
        messages = body.get("messages") or []
        last_user = next(
            (m.get("content", "") for m in reversed(messages) if m.get("role") == "user"), ""
        )
        return Reply(text=DEFAULT_ZH if _CJK.search(str(last_user)) else DEFAULT_EN)

    def _answer(
        self,
        body: dict[str, Any],
        model: str,
        text: str,
        finish_reason: str,
        prompt_tokens: int,
        completion_tokens: int,
        streaming: bool,
        chunk_size: int = 4,
    ) -> None:
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        }
        if not streaming:
            self._send_json(
                200,
                {
                    "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": model,
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": text},
                            "finish_reason": finish_reason,
                        }
                    ],
                    "usage": usage,
                },
            )
            return
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        chunk_id = f"chatcmpl-{uuid.uuid4().hex[:12]}"
        self._start_stream()
        self._send_event(_chunk(chunk_id, model, {"role": "assistant", "content": ""}, None))
        for start in range(0, len(text), max(1, chunk_size)):
            piece = text[start : start + max(1, chunk_size)]
            self._send_event(_chunk(chunk_id, model, {"content": piece}, None))
        self._send_event(_chunk(chunk_id, model, {}, finish_reason))
        if include_usage:
            usage_chunk = _chunk(chunk_id, model, {}, None)
            usage_chunk["choices"] = []
            usage_chunk["usage"] = usage
            self._send_event(usage_chunk)
        self._send_chunk(b"data: [DONE]\n\n")
        self._send_chunk(b"")  # terminating zero-length chunk

    def _stream_cut(self, model: str, behaviour: StreamCut) -> None:
        chunk_id = f"chatcmpl-{uuid.uuid4().hex[:12]}"
        self._start_stream()
        for index in range(behaviour.chunks_before_cut):
            piece = behaviour.text[index * 4 : index * 4 + 4] or "…"
            self._send_event(_chunk(chunk_id, model, {"content": piece}, None))
        self.wfile.flush()
        # Drop the connection mid-body: no finish_reason, no [DONE], no terminating chunk.
        self.close_connection = True
        self.connection.shutdown(2)

    # low-level writing

    def _send_status(self, status: Status) -> None:
        payload = json.dumps(
            {"error": {"message": status.message, "type": "fake_error", "code": status.code}}
        ).encode()
        self.send_response(status.code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        if status.retry_after is not None:
            self.send_header("retry-after-ms", str(int(status.retry_after * 1000)))
        self.end_headers()
        self.wfile.write(payload)

    def _send_json(self, code: int, obj: Any) -> None:
        self._send_bytes(code, json.dumps(obj, ensure_ascii=False).encode(), "application/json")

    def _send_bytes(self, code: int, payload: bytes, content_type: str) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _start_stream(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def _send_event(self, obj: Any) -> None:
        self._send_chunk(f"data: {json.dumps(obj, ensure_ascii=False)}\n\n".encode())

    def _send_chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()


def _chunk(chunk_id: str, model: str, delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
    return {
        "id": chunk_id,
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
