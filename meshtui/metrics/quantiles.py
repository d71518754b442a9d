"""Client-side histogram quantiles, interpolated exactly as Prometheus' `histogram_quantile`.

Fetching bucket rates once and computing p50/p95/p99 here keeps the query count constant
(one query instead of one per quantile) while giving the numbers Prometheus would give.
"""

from __future__ import annotations

import math
from collections.abc import Iterable


def parse_le(text: str) -> float:
    """Parse an `le` label value (`"10"`, `"0.025"`, `"+Inf"`) to a float.

    Raises:
        ValueError: When the text is not a number.
    """
    return float(text)


def bucket_quantile(q: float, buckets: Iterable[tuple[float, float]]) -> float:
    """The `q` quantile of a cumulative histogram, as Prometheus 2.x `histogram_quantile` does.

    Buckets with the same upper bound are summed, counts are made monotonic, the quantile's
    rank is located and the value interpolated linearly inside its bucket. When the rank falls
    in the `+Inf` bucket, the largest finite upper bound is returned.

    Args:
        q: The quantile, 0..1 (outside gives -inf / +inf, like Prometheus).
        buckets: `(upper_bound, cumulative_count)` pairs in any order; NaN counts are ignored.

    Returns:
        The interpolated value, or NaN when there are no observations, fewer than two
        buckets, or no `+Inf` bucket.
    """
    if math.isnan(q) or not 0 <= q <= 1:
        return _quantile(q, None)
    return _quantile(q, _prepare(buckets))


def bucket_quantiles(qs: Iterable[float], buckets: Iterable[tuple[float, float]]) -> list[float]:
    """`bucket_quantile` of each of `qs` over one histogram, preparing the buckets once.

    Args:
        qs: The quantiles.
        buckets: `(upper_bound, cumulative_count)` pairs in any order; NaN counts are ignored.

    Returns:
        One value per quantile, each exactly what `bucket_quantile` gives.
    """
    prepared = _prepare(buckets)
    return [_quantile(q, prepared) for q in qs]


def _prepare(buckets: Iterable[tuple[float, float]]) -> tuple[list[float], list[float]] | None:
    """Merged, sorted, monotonic `(bounds, counts)`, or None when no quantile can exist."""
    merged: dict[float, float] = {}
    for upper, count in buckets:
        if math.isnan(count) or math.isnan(upper):
            continue
        merged[upper] = merged.get(upper, 0.0) + count
    ordered = sorted(merged.items())
    if len(ordered) < 2 or not math.isinf(ordered[-1][0]) or ordered[-1][0] < 0:
        return None
    bounds = [b for b, _ in ordered]
    counts: list[float] = []
    running = 0.0
    for _, count in ordered:
        # Rates of cumulative buckets can come out slightly non-monotonic between scrapes.
        running = max(running, count)
        counts.append(running)
    if counts[-1] <= 0:
        return None
    return bounds, counts


def _quantile(q: float, prepared: tuple[list[float], list[float]] | None) -> float:
    """One quantile over prepared buckets (see `bucket_quantile`)."""
    if math.isnan(q):
        return math.nan
    if q < 0:
        return -math.inf
    if q > 1:
        return math.inf
    if prepared is None:
        return math.nan
    bounds, counts = prepared
    rank = q * counts[-1]
    b = next(i for i, c in enumerate(counts) if c >= rank)
    if b == len(counts) - 1:
        return bounds[-2]
    if b == 0 and bounds[0] <= 0:
        return bounds[0]
    start, end, count = 0.0, bounds[b], counts[b]
    if b > 0:
        start = bounds[b - 1]
        count -= counts[b - 1]
        rank -= counts[b - 1]
    if count <= 0:
        # Only reachable for q == 0 on an empty first bucket; Go's 0/0 gives NaN there too.
        return math.nan
    return start + (end - start) * (rank / count)
