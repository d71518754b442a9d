"""HTTP server exposing the simulated proxies' metrics (``/metrics``) and ground truth (``/truth``).

Binds to 127.0.0.1 only. ``/metrics`` is what a real Prometheus scrapes (see `exposition`);
``/truth`` is JSON of the simulator's per-backend counters and behaviour, for tests that check
what a metrics source reports against what actually happened.
"""

from __future__ import annotations

import json

from meshtui.sim.exposition import render_metrics
from meshtui.sim.loopback import LoopbackServer, QuietHandler
from meshtui.sim.traffic import TrafficSimulator

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class MetricsExporter(LoopbackServer):
    """Serve `traffic`'s counters on ``http://127.0.0.1:<port>/metrics`` and ``/truth``.

    Args:
        traffic: The simulator whose counters are served.
        host: Address to bind; loopback by default (tests and the demo never expose it).
        port: Port to bind; 0 picks a free one (see `port` after `start`).
    """

    def __init__(self, traffic: TrafficSimulator, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(host, port, thread_name="meshtui-sim-exporter")
        self.traffic = traffic
        self.scrapes = 0

    @property
    def metrics_url(self) -> str:
        """URL of the ``/metrics`` page."""
        return f"{self.url}/metrics"

    def handler_class(self) -> type[QuietHandler]:
        """Handlers answering from this exporter."""
        exporter = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                exporter._handle(self)

        return Handler

    def _handle(self, request: QuietHandler) -> None:
        path = request.path.split("?", 1)[0]
        if path == "/metrics":
            self.scrapes += 1
            request.answer(200, render_metrics(self.traffic).encode(), CONTENT_TYPE)
        elif path == "/truth":
            body = json.dumps(self.traffic.truth(), sort_keys=True).encode()
            request.answer(200, body, "application/json")
        elif path in ("/", "/ready"):
            request.answer(200, b"ready\n", "text/plain")
        else:
            request.answer(404, b"not found\n", "text/plain")
