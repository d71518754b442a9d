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
from meshtui.sim.loopback import LoopbackServer, QuietHandler

MAX_BODY = 64 * 1024


class LoadTester(LoopbackServer):
    """Flagger's load tester gate API on ``http://127.0.0.1:<port>``.

    Args:
        host: Address to bind (loopback only).
        port: Port to bind; 0 picks a free one.
        namespace_pattern: If set, only canaries whose namespace fully matches it may use the gates.

    Gates survive `stop` and `start`, though a real load tester's restart would lose them.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, namespace_pattern: str | None = None) -> None:
        super().__init__(host, port, thread_name="meshtui-sim-loadtester")
        self._authorizer = re.compile(namespace_pattern) if namespace_pattern else None
        self._lock = threading.Lock()
        self._gates: dict[str, bool] = {}

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

    def handler_class(self) -> type[QuietHandler]:
        """Handlers answering the gate API from this load tester."""
        tester = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = min(int(self.headers.get("Content-Length") or 0), MAX_BODY)
                status, text = tester.handle(self.path, self.rfile.read(length))
                self.answer(status, text.encode(), "text/plain; charset=utf-8")

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                # The Go mux answers any method; a GET has no body, so gates answer 400.
                status, text = tester.handle(self.path, b"")
                self.answer(status, text.encode(), "text/plain; charset=utf-8")

        return Handler

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
