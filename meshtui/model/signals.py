"""Provides golden signals per backend, their declarations, and a bounded history for charts.

Each signal is declared once, as a `SignalSpec` in `SIGNALS`: the backend table's columns, the
charts, the plan bounds drawn on them and the JSON of ``--signals`` are all read from there. The
figures themselves come from the PromQL families in `meshtui.metrics` (see docs/design.md, "Add a
signal").
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from meshtui.model.figures import (
    LATENCY_WIDTH,
    RATIO_WIDTH,
    RPS_WIDTH,
    axis_ms,
    axis_percent,
    axis_rps,
    format_ms,
    format_ratio,
    format_rps,
)

__all__ = ["CHARTED", "KEPT", "LATENCY_SIGNALS", "SIGNALS", "SIGNAL_FIELDS", "BackendKey", "GoldenSignals",
           "MetricsSnapshot", "SignalHistory", "SignalSource", "SignalSpec", "describe_sources",
           "signal_spec"]


@dataclass(frozen=True)
class SignalSpec:
    """One golden signal: where its figure comes from and how every view shows it."""

    field: str
    """`GoldenSignals` attribute, and the signal's key in JSON output (``--signals``)."""
    family: str
    """PromQL query family it is computed from: ``"responses"`` (response counts) or
    ``"latency"`` (the latency histogram); `meshtui.metrics.promql.FAMILIES` builds each."""
    unit: str
    """Unit the figure is shown in: ``"%"``, ``"rps"`` or ``"ms"``."""
    header: str
    """Backend table column header."""
    column: str
    """Backend table column key; also the chart's id (``chart-<column>``)."""
    width: int
    """Cells of its table column: as wide as anything `format` writes."""
    format: Callable[[float | None], str]
    """The table's text of a value (None: the no-data dash)."""
    quantile: float | None = None
    """For a latency signal, the quantile of the latency histogram it is."""
    scale: float = 1.0
    """Factor from the field's value to `unit` on charts (a 0..1 ratio is charted in percent)."""
    title: str = ""
    """Chart title; empty when the signal is not charted."""
    axis: Callable[[float], str] = axis_rps
    """Chart axis and legend text of a value in `unit`."""
    y_min: float | None = None
    """Fixed bottom of the chart's y-axis (None: fitted to the data)."""
    y_max: float | None = None
    """Fixed top of the chart's y-axis (None: fitted to the data)."""
    warn: str = ""
    """Name of the `HealthPolicy`/settings threshold (a 0..1 ratio) drawn on its chart and
    colouring its table cell, e.g. ``"success_warn"``; empty for none."""
    plan_bound: str = ""
    """Name of the plan analysis bound on it (`Analysis` and `PlanStatus` attribute, e.g.
    ``"latency_p99"``), drawn on its chart while a plan runs; empty for none."""
    kept: bool = False
    """Shown however narrow the terminal: its backend table column never gives way, and the
    navigator's fleet table has a column for it."""


SIGNALS: tuple[SignalSpec, ...] = (
    SignalSpec("success_rate", "responses", "%", "SUCCESS", "success", RATIO_WIDTH, format_ratio,
               scale=100.0, title="success rate", axis=axis_percent, y_max=100,
               warn="success_warn", plan_bound="success_rate", kept=True),
    SignalSpec("rps", "responses", "rps", "RPS", "rps", RPS_WIDTH, format_rps,
               title="requests", axis=axis_rps, y_min=0, kept=True),
    SignalSpec("p50_ms", "latency", "ms", "P50", "p50", LATENCY_WIDTH, format_ms, quantile=0.5),
    SignalSpec("p95_ms", "latency", "ms", "P95", "p95", LATENCY_WIDTH, format_ms, quantile=0.95),
    SignalSpec("p99_ms", "latency", "ms", "P99", "p99", LATENCY_WIDTH, format_ms, quantile=0.99,
               title="p99 latency", axis=axis_ms, y_min=0, plan_bound="latency_p99",
               kept=True),
)
"""Every golden signal, in table order."""

SIGNAL_FIELDS = tuple(spec.field for spec in SIGNALS)
"""Names of the `GoldenSignals` fields that hold figures."""
CHARTED = tuple(spec for spec in SIGNALS if spec.title)
"""The signals the detail pane charts, left to right."""
KEPT = tuple(spec for spec in SIGNALS if spec.kept)
"""The signals shown at every size (backend table) and per split in the fleet table."""
LATENCY_SIGNALS = tuple(spec for spec in SIGNALS if spec.quantile is not None)
"""The latency quantiles, computed from one histogram."""


def signal_spec(name: str) -> SignalSpec:
    """The spec of the signal whose field is `name`."""
    for spec in SIGNALS:
        if spec.field == name:
            return spec
    raise KeyError(f"unknown signal {name!r}; expected one of {', '.join(SIGNAL_FIELDS)}")


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
        """The families as JSON: `{"counts": .., "latency": ..}` (the window is said apart)."""
        return {"counts": self.counts, "latency": self.latency}


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
    def from_counts(cls, successes: float, total: float, seconds: float,
                    **latency: float | None) -> GoldenSignals:
        """Build signals from response counts over a window of `seconds`, and latencies by field
        name (``p99_ms=…``, one of `LATENCY_SIGNALS`).

        The success rate is None when there were no responses (nothing to judge), not 0 or 1.
        """
        rps = total / seconds if seconds > 0 else None
        success_rate = min(1.0, max(0.0, successes / total)) if total > 0 else None
        unknown = set(latency) - {spec.field for spec in LATENCY_SIGNALS}
        if unknown:
            raise TypeError(f"not a latency signal: {', '.join(sorted(unknown))}")
        # replace() takes the fields by name: the latencies the specs declare, nothing else.
        changes: dict[str, Any] = dict(latency)
        return dataclasses.replace(cls(success_rate=success_rate, rps=rps), **changes)

    @property
    def has_data(self) -> bool:
        """True when at least one signal is known."""
        return any(getattr(self, name) is not None for name in SIGNAL_FIELDS)

    def value(self, name: str) -> float | None:
        """Return the signal called `name` (one of `SIGNAL_FIELDS`)."""
        if name not in SIGNAL_FIELDS:
            raise KeyError(f"unknown signal {name!r}; expected one of {', '.join(SIGNAL_FIELDS)}")
        value: float | None = getattr(self, name)
        return value

    def to_json(self) -> dict[str, float | None]:
        """The figures as JSON (``--signals``), keyed by field name, None for no data."""
        return {name: getattr(self, name) for name in SIGNAL_FIELDS}


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
