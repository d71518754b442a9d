"""`SimulatorSource`: the metrics protocol answered from the simulator's own snapshot ring.

Used when no Prometheus is available (demo mode). Rates come from counter deltas between the
latest snapshot and the one a window earlier; quantiles from latency-histogram deltas,
interpolated inside buckets like PromQL's ``histogram_quantile`` over Linkerd's bucket bounds.
"""

from __future__ import annotations

import bisect
import re
import time
from array import array
from collections.abc import Sequence
from typing import Any

from meshtui.metrics.source import history_rate_interval
from meshtui.model.signals import LATENCY_SIGNALS, BackendKey, GoldenSignals, MetricsSnapshot
from meshtui.sim.scenario import GRID_BOUNDS_MS, LINKERD_BOUNDS_MS
from meshtui.sim.traffic import SNAPSHOT_STRIDE, TrafficSimulator

_WINDOW = re.compile(r"^(\d+(?:\.\d+)?)(ms|s|m|h|d)$")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_LINKERD_CELLS = [GRID_BOUNDS_MS.index(b) for b in LINKERD_BOUNDS_MS]
MAX_HISTORY_POINTS = 2000


def parse_window(window: str) -> float:
    """Seconds in a Prometheus-style duration (``30s``, ``1m``, ``1h``).

    Raises:
        MetricsError: for anything else.
    """
    match = _WINDOW.match(window.strip()) if isinstance(window, str) else None
    if not match or float(match.group(1)) <= 0:
        from meshtui.metrics.source import MetricsError

        raise MetricsError(f"invalid window {window!r}: expected a duration such as 30s, 1m or 1h")
    return float(match.group(1)) * _UNITS[match.group(2)]


def histogram_quantile(q: float, bounds: Sequence[float], cumulative: Sequence[float]) -> float | None:
    """The `q` quantile of a cumulative histogram (finite `bounds`, then the +Inf total last).

    Interpolates linearly inside the bucket holding the rank, from 0 for the first bucket, and
    returns the highest finite bound when the rank falls in the +Inf bucket, as Prometheus does.
    None when there are no observations.
    """
    total = cumulative[-1] if cumulative else 0
    if total <= 0:
        return None
    rank = q * total
    i = bisect.bisect_left(cumulative, rank)
    if i >= len(bounds):
        return float(bounds[-1])
    lower_bound = 0.0 if i == 0 else float(bounds[i - 1])
    lower_count = 0.0 if i == 0 else cumulative[i - 1]
    in_bucket = cumulative[i] - lower_count
    if in_bucket <= 0:
        return float(bounds[i])
    return lower_bound + (float(bounds[i]) - lower_bound) * (rank - lower_count) / in_bucket


def signals_between(old: array, new: array, backend: int, seconds: float) -> GoldenSignals:
    """Golden signals of one backend from two snapshots `seconds` apart."""
    base = backend * SNAPSHOT_STRIDE
    total = new[base] - old[base]
    successes = new[base + 1] - old[base + 1]
    if total <= 0:
        return GoldenSignals(success_rate=None, rps=0.0 if seconds > 0 else None)
    grid = [new[base + 2 + i] - old[base + 2 + i] for i in range(SNAPSHOT_STRIDE - 2)]
    cumulative, running, start = [], 0, 0
    for end in _LINKERD_CELLS:
        running += sum(grid[start:end + 1])
        start = end + 1
        cumulative.append(running)
    cumulative.append(sum(grid))
    latency = {spec.field: histogram_quantile(spec.quantile, LINKERD_BOUNDS_MS, cumulative)
               for spec in LATENCY_SIGNALS if spec.quantile is not None}
    return GoldenSignals.from_counts(successes, total, seconds, **latency)


class SimulatorSource:
    """A `MetricsSource` over a `TrafficSimulator`'s snapshots (no Prometheus involved).

    Route targets are answered from the backend's own counters: in the simulator every request
    to a backend Service is counted once, whichever metric family a Prometheus query would use.
    """

    name = "simulator (no Prometheus)"

    def __init__(self, traffic: TrafficSimulator) -> None:
        self.traffic = traffic

    def fetch(self, targets: Sequence[Any], window: str) -> MetricsSnapshot:
        """Signals for every target over `window`, ending at the latest snapshot."""
        seconds = parse_window(window)
        ring = self.traffic.snapshots()
        signals: dict[BackendKey, GoldenSignals] = {}
        covered: float | None = 0.0
        if len(ring) >= 2:
            end_t, end = ring[-1]
            start_t, start = _at_or_before(ring, end_t - seconds)
            # A ring younger than the window starts later: say how much the figures cover.
            covered = end_t - start_t if end_t - start_t < seconds else None
            for key in _keys(targets):
                index = self.traffic.index.get((key.namespace, key.service))
                if index is not None:
                    signals[key] = signals_between(start, end, index, end_t - start_t)
        taken = ring[-1][0] if ring else time.time()
        return MetricsSnapshot(taken_at=taken, signals=signals, source=self.name, queries=0,
                               covered=covered)

    def history(self, targets: Sequence[Any], window: str, step: float
                ) -> dict[BackendKey, list[tuple[float, GoldenSignals]]]:
        """Per-backend signals over the last `window`, one point per `step` seconds.

        Each point is a rate over `history_rate_interval(step)` (shorter near the ring's start),
        like `PrometheusSource.history`. Points before the ring's start are left out.
        """
        seconds = parse_window(window)
        step = max(float(step), self.traffic.snapshot_every)
        interval = history_rate_interval(step)
        ring = self.traffic.snapshots()
        keys = [(key, self.traffic.index.get((key.namespace, key.service))) for key in _keys(targets)]
        out: dict[BackendKey, list[tuple[float, GoldenSignals]]] = {key: [] for key, _ in keys}
        if len(ring) < 2:
            return out
        end_t = ring[-1][0]
        first = max(ring[0][0] + step, end_t - seconds)
        count = min(MAX_HISTORY_POINTS, int((end_t - first) / step) + 1)
        ring_times = [entry[0] for entry in ring]
        for i in range(count - 1, -1, -1):
            t1, new = _at_or_before(ring, end_t - step * i, ring_times)
            t0, old = _at_or_before(ring, t1 - interval, ring_times)
            if t1 <= t0:
                continue
            for key, index in keys:
                if index is not None:
                    out[key].append((t1, signals_between(old, new, index, t1 - t0)))
        return out


def _keys(targets: Sequence[Any]) -> list[BackendKey]:
    return list(dict.fromkeys(getattr(target, "key", target) for target in targets))


def _at_or_before(ring: list[tuple[float, array]], t: float, times: list[float] | None = None
                  ) -> tuple[float, array]:
    """The latest snapshot taken at or before `t` (the oldest one if all are later)."""
    times = times if times is not None else [entry[0] for entry in ring]
    i = bisect.bisect_right(times, t + 1e-9) - 1
    return ring[max(i, 0)]
