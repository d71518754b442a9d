"""HTTP server exposing the simulated proxies' metrics (``/metrics``) and ground truth (``/truth``).

Binds to 127.0.0.1 only. ``/metrics`` is what a real Prometheus scrapes (see `exposition`);
``/truth`` is JSON of the simulator's per-backend counters and behaviour, for tests that check
what a metrics source reports against what actually happened.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from meshtui.sim.exposition import render_metrics
from meshtui.sim.traffic import TrafficSimulator

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class MetricsExporter:
    """Serve `traffic`'s counters on ``http://127.0.0.1:<port>/metrics`` and ``/truth``.

    Args:
        traffic: The simulator whose counters are served.
        host: Address to bind; loopback by default (tests and the demo never expose it).
        port: Port to bind; 0 picks a free one (see `port` after `start`).
    """

    def __init__(self, traffic: TrafficSimulator, host: str = "127.0.0.1", port: int = 0) -> None:
        self.traffic = traffic
        self.host = host
        self._requested_port = port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.scrapes = 0

    @property
    def port(self) -> int:
        """The bound port (the requested one before `start`)."""
        return self._server.server_address[1] if self._server else self._requested_port

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:41234``."""
        return f"http://{self.host}:{self.port}"

    @property
    def metrics_url(self) -> str:
        """URL of the ``/metrics`` page."""
        return f"{self.url}/metrics"

    def start(self) -> MetricsExporter:
        """Bind and serve in a daemon thread; returns self."""
        if self._server is not None:
            return self
        exporter = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                exporter._handle(self)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

        self._server = ThreadingHTTPServer((self.host, self._requested_port), Handler)
        self._server.daemon_threads = True
        self._requested_port = self._server.server_address[1]
        # A short poll interval keeps stop() quick; serve_forever checks for shutdown at that rate.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        name="meshtui-sim-exporter", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving (idempotent); `start` binds the same port again."""
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        path = request.path.split("?", 1)[0]
        if path == "/metrics":
            self.scrapes += 1
            self._send(request, 200, render_metrics(self.traffic).encode(), CONTENT_TYPE)
        elif path == "/truth":
            body = json.dumps(self.traffic.truth(), sort_keys=True).encode()
            self._send(request, 200, body, "application/json")
        elif path in ("/", "/ready"):
            self._send(request, 200, b"ready\n", "text/plain")
        else:
            self._send(request, 404, b"not found\n", "text/plain")

    @staticmethod
    def _send(request: BaseHTTPRequestHandler, code: int, body: bytes, content_type: str) -> None:
        request.send_response(code)
        request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)
