"""A stand-in for Flagger's load tester: its manual gating HTTP API, on loopback.

Paths and answers follow ``flagger:pkg/loadtester/server.go`` and ``gate.go``: the body is the
webhook payload (only ``name`` and ``namespace`` are used), gates are in memory, keyed
``<name>.<namespace>`` (rollback gates ``rollback.<name>.<namespace>``) and closed by default.

| path | answer |
| --- | --- |
| ``/gate/approve`` | 200 ``OK`` |
| ``/gate/halt`` | 403 ``Forbidden`` |
| ``/gate/check`` | 200 ``Approved`` when the gate is open, else 403 ``Forbidden`` |
| ``/gate/open``, ``/gate/close`` | 202 ``Accepted`` |
| ``/rollback/check`` | 200 ``Approved`` when the rollback gate is open, else 403 ``Forbidden`` |
| ``/rollback/open``, ``/rollback/close`` | 202 ``Accepted`` |

A body that is not a JSON object naming a canary is a 400; a namespace the optional authorizer
pattern does not match is a 403, like the real one's namespace regexp.
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MAX_BODY = 64 * 1024


class LoadTester:
    """Flagger's load tester gate API on ``http://127.0.0.1:<port>``.

    Args:
        host: Address to bind (loopback only).
        port: Port to bind; 0 picks a free one.
        namespace_pattern: If set, only canaries whose namespace fully matches it may use the gates.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, namespace_pattern: str | None = None) -> None:
        self.host = host
        self._requested_port = port
        self._authorizer = re.compile(namespace_pattern) if namespace_pattern else None
        self._lock = threading.Lock()
        self._gates: dict[str, bool] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The bound port (the requested one before `start`)."""
        return self._server.server_address[1] if self._server else self._requested_port

    @property
    def running(self) -> bool:
        """Whether it is serving."""
        return self._server is not None

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:41234``."""
        return f"http://{self.host}:{self.port}"

    def gate_open(self, name: str, namespace: str) -> bool:
        """Whether the promotion gate of a canary is open."""
        with self._lock:
            return self._gates.get(f"{name}.{namespace}", False)

    def rollback_open(self, name: str, namespace: str) -> bool:
        """Whether the rollback gate of a canary is open."""
        with self._lock:
            return self._gates.get(f"rollback.{name}.{namespace}", False)

    def handle(self, path: str, body: bytes) -> tuple[int, str]:
        """Answer one POST: `(status, text)`. Public so the logic is testable without sockets."""
        path = path.split("?", 1)[0].rstrip("/")
        if path == "/gate/approve":
            return 200, "OK"
        if path == "/gate/halt":
            return 403, "Forbidden"
        actions = {"/gate/check": ("", None), "/gate/open": ("", True), "/gate/close": ("", False),
                   "/rollback/check": ("rollback.", None), "/rollback/open": ("rollback.", True),
                   "/rollback/close": ("rollback.", False)}
        if path not in actions:
            return 404, "404 page not found"
        canary = _payload(body)
        if canary is None:
            return 400, "Bad Request"
        name, namespace = canary
        if self._authorizer is not None and not self._authorizer.fullmatch(namespace):
            return 403, "Forbidden"
        prefix, value = actions[path]
        key = f"{prefix}{name}.{namespace}"
        with self._lock:
            if value is None:
                # LoadOrStore(false): checking an unknown gate creates it closed.
                approved = self._gates.setdefault(key, False)
                return (200, "Approved") if approved else (403, "Forbidden")
            self._gates[key] = value
        return 202, "Accepted"

    def start(self) -> LoadTester:
        """Bind and serve in a daemon thread; returns self."""
        if self._server is not None:
            return self
        tester = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = min(int(self.headers.get("Content-Length") or 0), MAX_BODY)
                status, text = tester.handle(self.path, self.rfile.read(length))
                self._answer(status, text)

            def do_GET(self) -> None:  # noqa: N802
                # The Go mux answers any method; a GET has no body, so gates answer 400.
                status, text = tester.handle(self.path, b"")
                self._answer(status, text)

            def _answer(self, status: int, text: str) -> None:
                data = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

        self._server = ThreadingHTTPServer((self.host, self._requested_port), Handler)
        self._server.daemon_threads = True
        self._requested_port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        name="meshtui-sim-loadtester", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving (idempotent). Gates survive, though a real restart would lose them."""
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __repr__(self) -> str:
        return f"LoadTester({self.url if self._server else 'stopped'})"


def _payload(body: bytes) -> tuple[str, str] | None:
    """The `(name, namespace)` of a webhook payload, or None when the body is not one."""
    try:
        data = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict):
        return None
    name, namespace = data.get("name"), data.get("namespace")
    if not isinstance(name, str) or not isinstance(namespace, str) or not name or not namespace:
        return None
    return name, namespace
