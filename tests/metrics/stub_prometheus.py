"""A tiny local HTTP server that answers like (or unlike) Prometheus, for error-path tests."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

Reply = tuple[int, str | bytes]
"""(HTTP status, body); a str body is sent as JSON text, bytes as-is."""


@dataclass
class Seen:
    """One request the stub received."""

    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


@dataclass
class StubPrometheus:
    """Serve `answer(path, query)` on 127.0.0.1; records every request in `seen`."""

    answer: Callable[[str, dict[str, list[str]]], Reply]
    seen: list[Seen] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def start(self) -> StubPrometheus:
        """Bind a free loopback port and serve in a daemon thread."""
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                stub.seen.append(Seen(parts.path, query, dict(self.headers.items())))
                status, body = stub.answer(parts.path, query)
                data = body.encode() if isinstance(body, str) else body
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
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
