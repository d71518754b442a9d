"""Provides golden signals per backend and a bounded history of them for charts."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

__all__ = ["SIGNAL_FIELDS", "BackendKey", "GoldenSignals", "MetricsSnapshot", "SignalHistory", "SignalSource",
           "describe_sources"]

SIGNAL_FIELDS = ("success_rate", "rps", "p50_ms", "p95_ms", "p99_ms")
"""Names of the `GoldenSignals` fields a history can chart."""


class BackendKey(NamedTuple):
    """A backend service, the unit metrics are reported for.

    A named tuple rather than a dataclass: every refresh hashes thousands of these, and a
    tuple's hash runs in C.
    """

    namespace: str
    """Namespace of the service."""
    service: str
    """Name of the service."""

    def __str__(self) -> str:
        return f"{self.namespace}/{self.service}"


@dataclass(frozen=True)
class SignalSource:
    """Where a backend's figures come from: the metric family of each and the rate window.

    Success rate and RPS share one family (the response counts); the latency quantiles may come
    from another, the finest histogram there is for the backend.
    """

    counts: str | None = None
    """Metric family of the success rate and RPS, e.g. `response_total`; None without counts."""
    latency: str | None = None
    """Histogram family of p50/p95/p99, e.g. `response_latency_ms`; None without a histogram."""
    window: str = ""
    """The rate window the figures are over, e.g. `1m`."""

    def describe(self) -> str:
        """One line for the detail view, e.g. `counts response_total, latency response_latency_ms
        over 1m`."""
        parts = [f"counts {self.counts or 'none'}", f"latency {self.latency or 'none'}"]
        return ", ".join(parts) + (f" over {self.window}" if self.window else "")

    def to_json(self) -> dict[str, str | None]:
        """The source as JSON: `{"counts": .., "latency": .., "window": ..}`."""
        return {"counts": self.counts, "latency": self.latency, "window": self.window or None}


def describe_sources(sources: Iterable[SignalSource | None]) -> str:
    """The distinct sources of some backends' figures, one `describe` each, joined by `; `
    (empty when none says)."""
    return "; ".join(dict.fromkeys(s.describe() for s in sources if s is not None))


@dataclass(frozen=True)
class GoldenSignals:
    """Success rate, throughput and latency of one backend over a window.

    None always means "no data", never zero: a backend with no requests has rps 0.0 when Prometheus
    has a series for it and None when it has none.
    """

    success_rate: float | None = None
    """Share of successful responses, 0..1."""
    rps: float | None = None
    """Requests per second."""
    p50_ms: float | None = None
    """Median latency in milliseconds."""
    p95_ms: float | None = None
    """95th percentile latency in milliseconds."""
    p99_ms: float | None = None
    """99th percentile latency in milliseconds."""
    source: SignalSource | None = field(default=None, compare=False)
    """Which metric families and window the figures come from (None: not said, e.g. the
    simulator's own counters). Not part of equality: the same figures are the same signals."""

    @classmethod
    def from_counts(cls, successes: float, total: float, seconds: float, p50_ms: float | None = None,
                    p95_ms: float | None = None, p99_ms: float | None = None) -> GoldenSignals:
        """Build signals from response counts over a window of `seconds`.

        The success rate is None when there were no responses (nothing to judge), not 0 or 1.
        """
        rps = total / seconds if seconds > 0 else None
        success_rate = min(1.0, max(0.0, successes / total)) if total > 0 else None
        return cls(success_rate=success_rate, rps=rps, p50_ms=p50_ms, p95_ms=p95_ms, p99_ms=p99_ms)

    @property
    def has_data(self) -> bool:
        """True when at least one signal is known."""
        return any(getattr(self, name) is not None for name in SIGNAL_FIELDS)

    def value(self, name: str) -> float | None:
        """Return the signal called `name` (one of `SIGNAL_FIELDS`)."""
        if name not in SIGNAL_FIELDS:
            raise KeyError(f"unknown signal {name!r}; expected one of {', '.join(SIGNAL_FIELDS)}")
        return getattr(self, name)


NO_DATA = GoldenSignals()
"""Signals of a backend nothing is known about."""


@dataclass(frozen=True)
class MetricsSnapshot:
    """The golden signals of many backends taken at one moment from one source."""

    taken_at: float
    """Unix time of the measurement."""
    signals: Mapping[BackendKey, GoldenSignals] = field(default_factory=dict)
    """Signals per backend; a backend missing here was not asked for."""
    source: str = ""
    """Name of the metrics source (shown in the status bar)."""
    error: str | None = None
    """Why the fetch failed, if it did (signals are then empty or partial)."""
    queries: int = 0
    """How many queries the fetch made."""
    covered: float | None = None
    """Seconds of the window the figures are over when data covers less than the window (the
    metrics started recently), else None. Rates are per second of this span, not of the window."""

    def get(self, key: BackendKey) -> GoldenSignals:
        """Return the signals of `key`, or all-None signals when it has none."""
        return self.signals.get(key, NO_DATA)


class SignalHistory:
    """A bounded ring buffer of `(t, GoldenSignals)` per backend, oldest first.

    Not thread-safe: the UI appends from its own thread only.
    """

    def __init__(self, maxlen: int = 720) -> None:
        """Keep at most `maxlen` points per backend (720 is an hour at 5 s)."""
        if maxlen < 1:
            raise ValueError(f"maxlen must be at least 1, got {maxlen}")
        self.maxlen = maxlen
        """Points kept per backend."""
        self._points: dict[BackendKey, deque[tuple[float, GoldenSignals]]] = {}
        """Points per backend, in time order."""

    def append(self, t: float, key: BackendKey, signals: GoldenSignals) -> None:
        """Add a point; a point not newer than the last one replaces or is merged in order."""
        points = self._points.setdefault(key, deque(maxlen=self.maxlen))
        if not points or t > points[-1][0]:
            points.append((t, signals))
            return
        self.extend(key, [(t, signals)])

    def append_snapshot(self, snapshot: MetricsSnapshot) -> None:
        """Add every backend of a snapshot at its time (a failed snapshot adds nothing)."""
        if snapshot.error is not None:
            return
        for key, signals in snapshot.signals.items():
            self.append(snapshot.taken_at, key, signals)

    def extend(self, key: BackendKey, points: Iterable[tuple[float, GoldenSignals]]) -> None:
        """Merge points (e.g. a back-filled range query); a later point at the same time wins."""
        merged = dict(self._points.get(key, ()))
        merged.update(points)
        ordered = sorted(merged.items())[-self.maxlen:]
        self._points[key] = deque(ordered, maxlen=self.maxlen)

    def series(self, key: BackendKey, field: str,
               since: float | None = None) -> list[tuple[float, float | None]]:
        """Return `(t, value)` of one signal for one backend, from `since` on (None: everything)."""
        if field not in SIGNAL_FIELDS:
            raise KeyError(f"unknown signal {field!r}; expected one of {', '.join(SIGNAL_FIELDS)}")
        return [(t, getattr(signals, field)) for t, signals in self._points.get(key, ())
                if since is None or t >= since]

    def latest(self, key: BackendKey) -> tuple[float, GoldenSignals] | None:
        """Return the newest point of a backend, if any."""
        points = self._points.get(key)
        return points[-1] if points else None

    def keys(self) -> list[BackendKey]:
        """Return the backends that have points, sorted."""
        return sorted(key for key, points in self._points.items() if points)

    def forget(self, key: BackendKey) -> None:
        """Drop a backend's history (e.g. when its service is deleted)."""
        self._points.pop(key, None)

    def __len__(self) -> int:
        return sum(len(points) for points in self._points.values())
