"""Turn Prometheus query results into golden signals per backend.

Pure functions over the decoded JSON `result` lists of the four batched queries in `promql`.
Malformed results raise `ValueError`; the caller turns that into a `MetricsError`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from meshtui.metrics.quantiles import bucket_quantiles, parse_le
from meshtui.metrics.source import BackendTarget
from meshtui.model.signals import LATENCY_SIGNALS, BackendKey, GoldenSignals

Labels = Mapping[str, str]
Sample = tuple[Labels, "float | None"]
RouteBackend = tuple[str, str, str, str, str]
"""(parent_namespace, parent_name, route_name, backend_namespace, backend_name)."""

QUANTILES = tuple(spec.quantile for spec in LATENCY_SIGNALS if spec.quantile is not None)
"""The latency quantiles computed from each histogram, as the signal specs declare them."""
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
    """Response rates (per second) of one backend, split into successes and failures."""

    success: float = 0.0
    failure: float = 0.0

    def add(self, value: float, failed: bool) -> Counts:
        """A copy with `value` added to the failure or success side."""
        if failed:
            return Counts(self.success, self.failure + value)
        return Counts(self.success + value, self.failure)

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


def route_counts(samples: Sequence[Sample]) -> dict[RouteBackend, Counts]:
    """Sum route status rates per route backend; a 5xx status or any `error` counts as failed."""
    out: dict[RouteBackend, Counts] = {}
    for labels, value in samples:
        if value is None:
            continue
        failed = labels.get("http_status", "").startswith("5") or labels.get("error", "") != ""
        key = _route_key(labels)
        out[key] = out.get(key, Counts()).add(value, failed)
    return out


def bucket_sets(samples: Sequence[Sample], route: bool) -> dict[object, list[tuple[float, float]]]:
    """Group bucket rates by backend key (legacy `BackendKey` or route tuple)."""
    out: dict[tuple[str, ...], list[tuple[float, float]]] = {}
    bounds: dict[str, float] = {}
    for labels, value in samples:
        le = labels.get("le")
        if value is None or le is None:
            continue
        # Plain tuples while grouping: one BackendKey per backend at the end, not per bucket.
        key = _route_key(labels) if route else (labels.get("dst_namespace", ""),
                                                labels.get("dst_service", ""))
        bound = bounds.get(le)
        if bound is None:
            try:
                bound = bounds[le] = parse_le(le)
            except ValueError:
                # Not a histogram bucket at all: one odd series must not fail the whole refresh.
                continue
        group = out.get(key)
        if group is None:
            group = out[key] = []
        group.append((bound, value))
    if route:
        return dict(out.items())
    return {BackendKey(*key): group for key, group in out.items()}


def _quantiles(buckets: list[tuple[float, float]] | None, scale: float) -> list[float | None]:
    if not buckets:
        return [None] * len(QUANTILES)
    return [v * scale if math.isfinite(v) else None for v in bucket_quantiles(QUANTILES, buckets)]


def _signals(counts: Counts | None, buckets: list[tuple[float, float]] | None,
             scale: float) -> GoldenSignals:
    latency = dict(zip(LATENCY_FIELDS, _quantiles(buckets, scale), strict=True))
    if counts is None:
        return GoldenSignals(**latency)
    rate = counts.success / counts.total if counts.total > 0 else None
    return GoldenSignals(rate, counts.total, **latency)


def route_backend(target: BackendTarget) -> RouteBackend | None:
    """The route-family key of a target, or None for targets without a route."""
    if target.route is None:
        return None
    r = target.route
    return (r.namespace, r.parent_service, r.name, target.key.namespace, target.key.service)


def combine(targets: Sequence[BackendTarget], legacy: Sequence[Sample],
            legacy_buckets: Sequence[Sample], route: Sequence[Sample],
            route_buckets: Sequence[Sample]) -> dict[BackendKey, GoldenSignals]:
    """Signals per target backend: the route family when it has traffic, else the legacy one.

    Args:
        targets: The wanted backends; each key appears once in the answer.
        legacy: `promql.legacy_responses` samples.
        legacy_buckets: `promql.legacy_latency_buckets` samples (milliseconds).
        route: `promql.route_statuses` samples.
        route_buckets: `promql.route_duration_buckets` samples (seconds, converted to ms).
    """
    l_counts, l_buckets = legacy_counts(legacy), bucket_sets(legacy_buckets, route=False)
    r_counts, r_buckets = route_counts(route), bucket_sets(route_buckets, route=True)
    out: dict[BackendKey, GoldenSignals] = {}
    for target in targets:
        key = target.key
        if key in out:
            continue
        rkey = route_backend(target)
        rc = r_counts.get(rkey) if rkey else None
        lc = l_counts.get(key)
        if rkey and rc is not None and (rc.total > 0 or lc is None):
            out[key] = _signals(rc, r_buckets.get(rkey), 1000.0)
        elif lc is None and key not in l_buckets:
            out[key] = NO_DATA  # most backends of a big cluster, at every refresh
        else:
            out[key] = _signals(lc, l_buckets.get(key), 1.0)
    return out
