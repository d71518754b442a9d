"""Turn Prometheus query results into golden signals per backend.

Pure functions over the decoded JSON `result` lists of the four batched queries in `promql`.
Malformed results raise `ValueError`; the caller turns that into a `MetricsError`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from meshtui.metrics import promql
from meshtui.metrics.source import BackendTarget
from meshtui.model.signals import LATENCY_SIGNALS, BackendKey, GoldenSignals, SignalSource

Labels = Mapping[str, str]
Sample = tuple[Labels, "float | None"]
RouteBackend = tuple[str, str, str, str, str]
"""(parent_namespace, parent_name, route_name, backend_namespace, backend_name)."""

QUANTILES = promql.LATENCY_QUANTILES
"""The latency quantiles Prometheus computes from each histogram, as the signal specs declare them."""
LATENCY_FIELDS = tuple(spec.field for spec in LATENCY_SIGNALS)
"""The `GoldenSignals` field of each of `QUANTILES`."""

NO_DATA = GoldenSignals()
"""The signals of a backend Prometheus has no series for."""


def parse_value(raw: object) -> float | None:
    """A sample value string to a float; NaN and infinities mean "no data" (None).

    Raises:
        ValueError: When the value is not a number at all.
    """
    if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
        raise ValueError(f"sample value {raw!r} is not a number")
    value = float(raw)
    return value if math.isfinite(value) else None


def _labels(item: object) -> dict[str, str]:
    if not isinstance(item, dict) or not isinstance(item.get("metric"), dict):
        raise ValueError("series without a 'metric' object")
    return {str(k): str(v) for k, v in item["metric"].items()}


def _pair(pair: object) -> tuple[float, float | None]:
    if not isinstance(pair, (list, tuple)) or len(pair) != 2:
        raise ValueError(f"sample {str(pair)[:40]!r} is not a [time, value] pair")
    ts = pair[0]
    if not isinstance(ts, (int, float)) or isinstance(ts, bool):
        raise ValueError(f"sample time {ts!r} is not a number")
    return float(ts), parse_value(pair[1])


_STR = {str}


def _fast_pair(pair: object) -> tuple[float, float | None] | None:
    """The common `[number, "string"]` sample decoded without the checks of `_pair`; None sends
    anything else down the checking path."""
    if type(pair) is not list or len(pair) != 2 or type(pair[1]) is not str \
            or type(pair[0]) not in (int, float):
        return None
    try:
        value = float(pair[1])
    except ValueError:
        return None
    return float(pair[0]), (value if math.isfinite(value) else None)


def _fast_sample(item: object) -> Sample | None:
    """The common well-formed series (string labels, `[number, "string"]` value) decoded
    without copying its labels; None sends anything else down the checking path."""
    if type(item) is not dict:
        return None
    metric = item.get("metric")
    if type(metric) is not dict:
        return None
    # set(map(type, ...)) runs in C: far cheaper than a comprehension per series.
    if metric and not (set(map(type, metric)) | set(map(type, metric.values()))) <= _STR:
        return None
    pair = _fast_pair(item.get("value"))
    return None if pair is None else (metric, pair[1])


def parse_vector(result: object) -> list[Sample]:
    """Decode an instant-query `result` list into `(labels, value)` pairs."""
    if not isinstance(result, list):
        raise ValueError("result is not a list")
    samples = []
    for item in result:
        sample = _fast_sample(item)
        if sample is None:
            sample = (_labels(item), _pair(item.get("value"))[1])
        samples.append(sample)
    return samples


def parse_matrix(result: object) -> dict[float, list[Sample]]:
    """Decode a range-query `result` list into samples grouped by timestamp."""
    if not isinstance(result, list):
        raise ValueError("result is not a list")
    by_time: dict[float, list[Sample]] = defaultdict(list)
    for item in result:
        labels = _labels(item)
        values = item.get("values")
        if not isinstance(values, list):
            raise ValueError("series without a 'values' list")
        for pair in values:
            ts, value = _fast_pair(pair) or _pair(pair)
            by_time[ts].append((labels, value))
    return dict(by_time)


@dataclass(frozen=True)
class Counts:
    """Response rates (per second) of one backend, split into successes and failures.

    `family` is the metric family they were read from (the gRPC one when any series came from a
    GRPCRoute).
    """

    success: float = 0.0
    failure: float = 0.0
    family: str = promql.LEGACY_RESPONSES

    def add(self, value: float, failed: bool) -> Counts:
        """A copy with `value` added to the failure or success side."""
        if failed:
            return Counts(self.success, self.failure + value, self.family)
        return Counts(self.success + value, self.failure, self.family)

    @property
    def total(self) -> float:
        """Responses per second."""
        return self.success + self.failure


def _route_key(labels: Labels) -> RouteBackend:
    return (labels.get("parent_namespace", ""), labels.get("parent_name", ""),
            labels.get("route_name", ""), labels.get("backend_namespace", ""),
            labels.get("backend_name", ""))


def _legacy_key(labels: Labels) -> BackendKey:
    return BackendKey(labels.get("dst_namespace", ""), labels.get("dst_service", ""))


def legacy_counts(samples: Sequence[Sample]) -> dict[BackendKey, Counts]:
    """Sum `response_total` rates per backend; `classification="failure"` counts as failed."""
    out: dict[BackendKey, Counts] = {}
    for labels, value in samples:
        if value is None:
            continue
        key = _legacy_key(labels)
        out[key] = out.get(key, Counts()).add(value, labels.get("classification") == "failure")
    return out


GRPC_OK = frozenset({"", "0", "OK"})
"""`grpc_status` values that are not a failure: none (plain HTTP), and OK by number or by name."""


def route_failed(labels: Labels) -> bool:
    """Whether a route-backend status series counts failures: a 5xx, any `error`, or a
    `grpc_status` other than OK (a gRPC error travels in trailers under HTTP 200)."""
    return (labels.get("http_status", "").startswith("5") or labels.get("error", "") != ""
            or labels.get("grpc_status", "") not in GRPC_OK)


def _statuses_family(labels: Labels) -> str:
    return promql.ROUTE_KIND_FAMILIES.get(labels.get("route_kind", ""),
                                          promql.ROUTE_KIND_FAMILIES["HTTPRoute"])[0]


def route_counts(samples: Sequence[Sample]) -> dict[RouteBackend, Counts]:
    """Sum route status rates per route backend; failures as `route_failed` says."""
    out: dict[RouteBackend, Counts] = {}
    for labels, value in samples:
        if value is None:
            continue
        key = _route_key(labels)
        counts = out.get(key)
        if counts is None:
            counts = Counts(family=_statuses_family(labels))
        elif counts.family != _statuses_family(labels):
            counts = Counts(counts.success, counts.failure, promql.GRPC_ROUTE_STATUSES)
        out[key] = counts.add(value, route_failed(labels))
    return out


class LatencyStats:
    """What a latency query answered for one backend: its quantiles (in the family's unit, None
    when the histogram has no observations) and its bucket count per route kind."""

    __slots__ = ("quantiles", "buckets")

    def __init__(self) -> None:
        self.quantiles: list[float | None] = [None] * len(QUANTILES)
        self.buckets: dict[str, float] = {}


_QUANTILE_INDEX = {promql.quantile_stat(q): i for i, q in enumerate(QUANTILES)}


def latency_stats(samples: Sequence[Sample], route: bool) -> dict[object, LatencyStats]:
    """Group a `promql.legacy_latency` / `promql.route_latency` answer by backend key (legacy
    `BackendKey` or route tuple); series of any other shape are ignored."""
    out: dict[tuple[str, ...], LatencyStats] = {}
    for labels, value in samples:
        stat = labels.get(promql.STAT_LABEL)
        index = _QUANTILE_INDEX.get(stat) if stat is not None else None
        if index is None and stat != promql.BUCKETS_STAT:
            continue
        # Plain tuples while grouping: one BackendKey per backend at the end, not per series.
        key = _route_key(labels) if route else (labels.get("dst_namespace", ""),
                                                labels.get("dst_service", ""))
        entry = out.get(key)
        if entry is None:
            entry = out[key] = LatencyStats()
        if index is not None:
            entry.quantiles[index] = value
        elif value is not None:
            entry.buckets[labels.get("route_kind", "")] = value
    if route:
        return dict(out.items())
    return {BackendKey(*key): entry for key, entry in out.items()}


@dataclass(frozen=True)
class Histogram:
    """One backend's latency quantiles in one family, with the factor that makes them ms."""

    family: str
    quantiles: tuple[float | None, ...]
    """`QUANTILES` in the family's unit (None: no observation in the window)."""
    resolution: float
    """How fine the histogram is: its number of buckets (more bounds, narrower buckets)."""
    scale: float

    @property
    def observed(self) -> bool:
        """Whether any observation fell in the window (Prometheus gives no quantile otherwise)."""
        return any(value is not None for value in self.quantiles)


def histogram(family: str, stats: LatencyStats | None, scale: float) -> Histogram | None:
    """The `Histogram` of a backend's `latency_stats` entry, None when it has none."""
    if stats is None:
        return None
    return Histogram(family, tuple(stats.quantiles), max(stats.buckets.values(), default=0.0),
                     scale)


def finest(candidates: Sequence[Histogram | None]) -> Histogram | None:
    """The histogram with the most buckets among those with observations, else the first one
    there is; on a tie the earlier candidate wins.

    On Linkerd 2.16+ a route backend has two: `response_latency_ms` (25 bounds from 1 ms) and
    the route-backend duration histogram (7 bounds from 25 ms), under which every backend
    faster than 25 ms would read about 12.5/24/25 ms.
    """
    present = [h for h in candidates if h is not None]
    observed = [h for h in present if h.observed]
    if not observed:
        return present[0] if present else None
    return max(observed, key=lambda h: h.resolution)  # max keeps the first of equals


def _signals(counts: Counts | None, latency: Histogram | None, window: str) -> GoldenSignals:
    values = [None if v is None else v * latency.scale for v in latency.quantiles] \
        if latency is not None else [None] * len(QUANTILES)
    quantiles = dict(zip(LATENCY_FIELDS, values, strict=True))
    source = SignalSource(counts.family if counts is not None else None,
                          latency.family if latency is not None and any(v is not None for v in values)
                          else None, window)
    if counts is None:
        return GoldenSignals(**quantiles, source=source)
    rate = counts.success / counts.total if counts.total > 0 else None
    return GoldenSignals(rate, counts.total, **quantiles, source=source)


def route_backend(target: BackendTarget) -> RouteBackend | None:
    """The route-family key of a target, or None for targets without a route."""
    if target.route is None:
        return None
    r = target.route
    return (r.namespace, r.parent_service, r.name, target.key.namespace, target.key.service)


def combine(targets: Sequence[BackendTarget], legacy: Sequence[Sample],
            legacy_latency: Sequence[Sample], route: Sequence[Sample],
            route_latency: Sequence[Sample], *, window: str = "") -> dict[BackendKey, GoldenSignals]:
    """Signals per target backend, each with its `SignalSource`.

    Success rate and RPS come from the route family when it has traffic for the target (the
    requests that went through that route), else from the legacy one. Latency comes from the
    finest histogram with observations for the backend (`finest`), whichever family that is.

    Args:
        targets: The wanted backends; each key appears once in the answer.
        legacy: `promql.legacy_responses` samples.
        legacy_latency: `promql.legacy_latency` samples (milliseconds).
        route: `promql.route_statuses` samples.
        route_latency: `promql.route_latency` samples (seconds, converted to ms).
        window: The rate window of the samples, named in each signal's source.
    """
    l_counts, l_latency = legacy_counts(legacy), latency_stats(legacy_latency, route=False)
    r_counts, r_latency = route_counts(route), latency_stats(route_latency, route=True)
    out: dict[BackendKey, GoldenSignals] = {}
    for target in targets:
        key = target.key
        if key in out:
            continue
        rkey = route_backend(target)
        rc = r_counts.get(rkey) if rkey else None
        lc = l_counts.get(key)
        ls = l_latency.get(key)
        if rc is None and lc is None and ls is None:
            out[key] = NO_DATA  # most backends of a big cluster, at every refresh
            continue
        rs = r_latency.get(rkey) if rkey else None
        route_hist = histogram(_duration_family(rs), rs, 1000.0) if rs is not None else None
        counts = rc if rkey and rc is not None and (rc.total > 0 or lc is None) else lc
        out[key] = _signals(counts, finest([histogram(promql.LEGACY_LATENCY, ls, 1.0), route_hist]),
                            window)
    return out


def _duration_family(stats: LatencyStats) -> str:
    """The duration family of a route backend's histogram (GRPCRoute's when any came from it)."""
    if "GRPCRoute" in stats.buckets:
        return promql.GRPC_ROUTE_DURATION
    return promql.HTTP_ROUTE_DURATION
