"""Golden signals from Prometheus: the metrics protocol, PromQL builders and `PrometheusSource`.

`source` holds the protocol every metrics source implements (`MetricsSource`, `BackendTarget`,
`RouteKey`, `MetricsError`); `promql` builds every query; `prometheus` talks to a real server.
Nothing here imports textual.
"""

from __future__ import annotations

from meshtui.metrics.source import BackendTarget, MetricsError, MetricsSource, RouteKey

__all__ = ["BackendTarget", "MetricsError", "MetricsSource", "RouteKey"]
