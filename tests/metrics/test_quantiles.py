"""Client-side histogram quantiles against hand-computed Prometheus interpolation."""

from __future__ import annotations

import math

import pytest

from meshtui.metrics.quantiles import bucket_quantile, parse_le

INF = math.inf
EVEN = [(10.0, 50.0), (20.0, 100.0), (INF, 100.0)]


@pytest.mark.parametrize(("q", "expected"), [(0.5, 10.0), (0.95, 19.0), (0.99, 19.8), (0.25, 5.0)])
def test_linear_interpolation_inside_the_bucket(q: float, expected: float) -> None:
    assert bucket_quantile(q, EVEN) == pytest.approx(expected)


def test_order_of_buckets_does_not_matter() -> None:
    assert bucket_quantile(0.95, list(reversed(EVEN))) == pytest.approx(19.0)


def test_rank_in_the_inf_bucket_gives_the_largest_finite_bound() -> None:
    assert bucket_quantile(0.95, [(10.0, 50.0), (20.0, 90.0), (INF, 100.0)]) == 20.0


def test_linkerd_latency_buckets() -> None:
    bounds = [1, 2, 3, 4, 5, 10, 20, 30, 40, 50, 100, 200, 300, 400, 500, 1000, INF]
    # 100 observations: 60 under 10 ms, 35 between 10 and 20 ms, 5 between 50 and 100 ms.
    counts = [0, 0, 0, 0, 0, 60, 95, 95, 95, 95, 100, 100, 100, 100, 100, 100, 100]
    buckets = list(zip(map(float, bounds), map(float, counts)))
    assert bucket_quantile(0.5, buckets) == pytest.approx(5 + 5 * (50 / 60))
    assert bucket_quantile(0.95, buckets) == pytest.approx(20.0)
    assert bucket_quantile(0.99, buckets) == pytest.approx(50 + 50 * (4 / 5))


def test_duplicate_bounds_are_summed_and_counts_made_monotonic() -> None:
    merged = bucket_quantile(0.5, [(10.0, 20.0), (10.0, 30.0), (20.0, 100.0), (INF, 100.0)])
    assert merged == pytest.approx(10.0)
    # A rate that dips below the previous bucket is treated as equal to it.
    dipped = [(10.0, 60.0), (20.0, 55.0), (30.0, 80.0), (INF, 100.0)]
    assert bucket_quantile(0.7, dipped) == pytest.approx(25.0)


@pytest.mark.parametrize("buckets", [
    [],
    [(INF, 10.0)],
    [(10.0, 5.0), (20.0, 10.0)],
    [(10.0, 0.0), (INF, 0.0)],
    [(10.0, math.nan), (INF, math.nan)],
])
def test_no_answer_is_nan(buckets: list[tuple[float, float]]) -> None:
    assert math.isnan(bucket_quantile(0.5, buckets))


def test_out_of_range_quantiles_follow_prometheus() -> None:
    assert bucket_quantile(-0.1, EVEN) == -INF
    assert bucket_quantile(1.1, EVEN) == INF
    assert math.isnan(bucket_quantile(math.nan, EVEN))


def test_parse_le() -> None:
    assert parse_le("+Inf") == INF
    assert parse_le("0.025") == 0.025
    assert parse_le("1000") == 1000.0
    with pytest.raises(ValueError):
        parse_le("fast")
