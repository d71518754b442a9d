"""A tiny local HTTP server that answers like (or unlike) Prometheus, for error-path tests."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

Reply = tuple[int, str | bytes | Iterator[bytes]]
"""(HTTP status, body); a str body is sent as JSON text, bytes as-is, and an iterator of bytes
streamed as it yields (no Content-Length: the connection closes after the last chunk)."""


@dataclass
class Seen:
    """One request the stub received."""

    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)
    """When it arrived (`time.monotonic`)."""


@dataclass
class StubPrometheus:
    """Serve `answer(path, query)` on 127.0.0.1; records every request in `seen`."""

    answer: Callable[[str, dict[str, list[str]]], Reply]
    seen: list[Seen] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    headers: dict[str, str] = field(default_factory=dict)
    """Extra headers of every answer (e.g. ``Content-Encoding``)."""
    sent: int = 0
    """Body bytes written to clients so far (a streamed answer stops when the client hangs up)."""
    hung_up: int = 0
    """Answers the client stopped reading before their end."""
    active: int = 0
    """Requests being answered right now."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> StubPrometheus:
        """Bind a free loopback port and serve in a daemon thread."""
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                with stub.lock:
                    stub.seen.append(Seen(parts.path, query, dict(self.headers.items())))
                    stub.active += 1
                try:
                    self._answer(parts.path, query)
                finally:
                    with stub.lock:
                        stub.active -= 1

            def _answer(self, path: str, query: dict[str, list[str]]) -> None:
                status, body = stub.answer(path, query)
                if isinstance(body, str):
                    body = body.encode()
                chunks = iter([body]) if isinstance(body, bytes) else body
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    for name, value in stub.headers.items():
                        self.send_header(name, value)
                    if isinstance(body, bytes):
                        self.send_header("Content-Length", str(len(body)))
                    else:
                        self.close_connection = True
                    self.end_headers()
                    for chunk in chunks:
                        self.wfile.write(chunk)
                        self.wfile.flush()
                        with stub.lock:
                            stub.sent += len(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    with stub.lock:
                        stub.hung_up += 1

            def log_message(self, format: str, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()
        return self

    @property
    def url(self) -> str:
        """Base URL of the stub."""
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        """Release any held answer and shut the server down."""
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def vector(*series: tuple[dict[str, str], str]) -> str:
    """A successful instant-query answer with the given `(labels, value)` series."""
    result = [{"metric": labels, "value": [1700000000.0, value]} for labels, value in series]
    return json.dumps({"status": "success", "data": {"resultType": "vector", "result": result}})


def error(kind: str, message: str) -> str:
    """A Prometheus API error body."""
    return json.dumps({"status": "error", "errorType": kind, "error": message})


def drip(release: threading.Event, every: float, first: bytes = b"") -> Iterator[bytes]:
    """`first`, then one byte every `every` seconds until `release` is set (a slow-drip server)."""
    yield first
    while not release.wait(every):
        yield b" "


def oversized(total: int, chunk: int = 1024 * 1024) -> Iterator[bytes]:
    """A JSON-looking body of `total` bytes, produced `chunk` bytes at a time."""
    head = b'{"status": "success", "data": {"resultType": "vector", "result": ['
    yield head
    sent = len(head)
    block = b" " * chunk
    while sent < total:
        piece = block[: min(chunk, total - sent)]
        yield piece
        sent += len(piece)
