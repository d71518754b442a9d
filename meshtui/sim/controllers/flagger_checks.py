"""Flagger's checks in the simulated mesh: webhooks over real HTTP, the canary's success rate
and p99 latency.

Webhook URLs name cluster Services (``http://flagger-loadtester.test/gate/check``); a
`ServiceDirectory` maps them to the loopback servers standing in for those Services. Success rate
and p99 are taken from the traffic simulator's ground truth over the last interval, as Flagger's
``request-success-rate`` and ``request-duration`` queries would measure them from the canary's
inbound responses.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from itertools import accumulate
from typing import Any
from urllib.parse import urlsplit

from meshtui.sim.controllers.base import log
from meshtui.sim.scenario import GRID_BOUNDS_MS
from meshtui.sim.source import histogram_quantile

WEBHOOK_TIMEOUT = 2.0
SUCCESS_RATE_METRICS = ("request-success-rate", "success-rate")
LATENCY_METRICS = ("request-duration", "latency")
"""Flagger's built-in p99 request duration (ms), and template metrics named like it."""


class ServiceDirectory:
    """Cluster Service addresses (``<svc>.<ns>[.svc[.cluster.local]]:<port>``) to loopback URLs."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._urls: dict[tuple[str, str, int], str] = {}

    def register(self, namespace: str, service: str, port: int, url: str) -> None:
        """Make `service.namespace:port` reach `url`."""
        with self._lock:
            self._urls[(namespace, service, int(port))] = url.rstrip("/")

    def resolve(self, url: str, default_namespace: str) -> str | None:
        """The loopback URL that a cluster URL reaches, or None when nothing stands behind it."""
        parts = urlsplit(url)
        host = parts.hostname or ""
        labels = host.split(".")
        service = labels[0]
        namespace = labels[1] if len(labels) > 1 else default_namespace
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            return None
        with self._lock:
            base = self._urls.get((namespace, service, port))
        if base is None:
            return None
        path = parts.path or "/"
        return base + path + (f"?{parts.query}" if parts.query else "")


@dataclass(frozen=True)
class HookResult:
    """What a webhook answered: `ok` is a 2xx; `detail` says why not."""

    ok: bool
    status: int | None
    detail: str


def call_webhook(directory: ServiceDirectory, hook: dict[str, Any], payload: dict[str, Any],
                 namespace: str) -> HookResult:
    """POST the Canary webhook payload to a hook's URL and report whether it answered 2xx."""
    url = str(hook.get("url") or "")
    target = directory.resolve(url, namespace) if url else None
    if target is None:
        return HookResult(False, None, f"no such service for webhook {hook.get('name')!r}: {url}")
    body = json.dumps(payload).encode()
    request = urllib.request.Request(target, data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as response:
            return HookResult(200 <= response.status < 300, response.status, "")
    except urllib.error.HTTPError as exc:
        return HookResult(False, exc.code, f"{exc.code} {exc.reason}")
    except (urllib.error.URLError, OSError) as exc:
        log.info("webhook %s failed: %s", hook.get("name"), exc)
        return HookResult(False, None, str(getattr(exc, "reason", exc)))


def hooks_of(canary: dict[str, Any], hook_type: str) -> list[dict[str, Any]]:
    """The Canary's webhooks of one type."""
    hooks = ((canary.get("spec") or {}).get("analysis") or {}).get("webhooks") or []
    return [h for h in hooks if isinstance(h, dict) and h.get("type") == hook_type]


def success_rate_threshold(canary: dict[str, Any]) -> float | None:
    """The minimum success rate (percent) the Canary's analysis asks for, or None when none.

    The built-in ``request-success-rate`` metric and template metrics named like it
    (``success-rate``) count; the legacy ``threshold`` field is honoured when no range is set.
    """
    return _threshold(canary, SUCCESS_RATE_METRICS, "min")


def latency_threshold(canary: dict[str, Any]) -> float | None:
    """The highest p99 request duration (ms) the Canary's analysis allows, or None when none.

    The built-in ``request-duration`` metric (``thresholdRange.max``, or the legacy
    ``threshold``) and template metrics named like it (``latency``) count.
    """
    return _threshold(canary, LATENCY_METRICS, "max")


def _threshold(canary: dict[str, Any], names: tuple[str, ...], bound: str) -> float | None:
    metrics = ((canary.get("spec") or {}).get("analysis") or {}).get("metrics") or []
    for metric in metrics:
        if not isinstance(metric, dict) or metric.get("name") not in names:
            continue
        value = (metric.get("thresholdRange") or {}).get(bound, metric.get("threshold"))
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    return None


class AnalysisProbe:
    """Success rate and p99 latency of a Service over the interval since the last reading.

    Flagger asks Prometheus; this stand-in reads the simulator's ground-truth counters.

    Args:
        traffic: A `TrafficSimulator` (its counters per backend Service), or None.
    """

    def __init__(self, traffic: Any) -> None:
        self.traffic = traffic
        self._last: dict[tuple[str, str], tuple[int, int, tuple[int, ...]]] = {}

    def counters(self, namespace: str, service: str) -> tuple[int, int, tuple[int, ...]] | None:
        """Cumulative `(requests, successes, latency-grid counts)` of a Service, or None when it
        is not simulated."""
        if self.traffic is None:
            return None
        index = self.traffic.index.get((namespace, service))
        if index is None:
            return None
        backend = self.traffic.backends[index]
        return backend.requests, backend.successes, tuple(backend.grid or ())

    def reset(self, namespace: str, service: str) -> None:
        """Start a new interval now (a new analysis run)."""
        counters = self.counters(namespace, service)
        if counters is not None:
            self._last[(namespace, service)] = counters

    def reading(self, namespace: str, service: str) -> tuple[float | None, float | None]:
        """(success rate in percent, p99 in ms) since the last reading; Nones when nothing was
        served.

        Raises:
            LookupError: When the Service is not simulated at all.
        """
        counters = self.counters(namespace, service)
        if counters is None:
            raise LookupError(f"{namespace}/{service} is not simulated")
        requests, successes, grid = counters
        before = self._last.get((namespace, service), (0, 0, ()))
        self._last[(namespace, service)] = counters
        served = requests - before[0]
        if served <= 0:
            return None, None
        old = before[2] or (0,) * len(grid)
        cumulative = list(accumulate(new - was for new, was in zip(grid, old, strict=True)))
        p99 = histogram_quantile(0.99, GRID_BOUNDS_MS, cumulative) if cumulative else None
        return 100.0 * (successes - before[1]) / served, p99
