"""From decoded query results to golden signals: family choice, failure rules, history."""

from __future__ import annotations

import json

import pytest

from meshtui.metrics import aggregate, promql
from meshtui.metrics.prometheus import LEGACY_QUERIES, PrometheusSource
from meshtui.metrics.source import BackendTarget, RouteKey
from meshtui.model.signals import BackendKey, GoldenSignals, SignalSource
from tests.metrics.stub_prometheus import Reply, StubPrometheus

ROUTE = RouteKey("test", "podinfo", "podinfo")
PRIMARY = BackendKey("test", "podinfo-primary")
CANARY = BackendKey("test", "podinfo-canary")


def _legacy(service: str, classification: str, value: str) -> dict:
    return {"dst_namespace": "test", "dst_service": service, "classification": classification}, value


def _route(service: str, status: str, error: str, value: float) -> tuple[dict, float]:
    return ({"parent_namespace": "test", "parent_name": "podinfo", "route_name": "podinfo",
             "backend_namespace": "test", "backend_name": service, "http_status": status,
             "error": error}, value)


def _stats(base: dict, quantiles: tuple[float | None, ...], buckets: float,
           kind: str | None = None) -> list[tuple[dict, float | None]]:
    """A latency query's series for one backend: its quantiles (None: Prometheus' NaN) and its
    bucket count (per route kind when `kind` is given)."""
    series = [({**base, promql.STAT_LABEL: promql.quantile_stat(q)}, value)
              for q, value in zip(promql.LATENCY_QUANTILES, quantiles, strict=True)]
    counted = {**base, promql.STAT_LABEL: promql.BUCKETS_STAT}
    return [*series, ({**counted, "route_kind": kind} if kind else counted, buckets)]


def _route_latency(service: str, quantiles: tuple[float | None, ...], buckets: float,
                   kind: str = "HTTPRoute") -> list[tuple[dict, float | None]]:
    base = {"parent_namespace": "test", "parent_name": "podinfo", "route_name": "podinfo",
            "backend_namespace": "test", "backend_name": service}
    return _stats(base, quantiles, buckets, kind)


def _legacy_latency(service: str, quantiles: tuple[float | None, ...],
                    buckets: float) -> list[tuple[dict, float | None]]:
    return _stats({"dst_namespace": "test", "dst_service": service}, quantiles, buckets)


def test_route_failures_are_5xx_or_errors() -> None:
    counts = aggregate.route_counts([
        _route("podinfo-canary", "200", "", 6.0),
        _route("podinfo-canary", "404", "", 1.0),
        _route("podinfo-canary", "503", "", 2.0),
        _route("podinfo-canary", "", "REQUEST_TIMEOUT", 1.0),
    ])
    (only,) = counts.values()
    assert (only.success, only.failure) == (7.0, 3.0)


def test_route_family_is_preferred_when_it_has_traffic_and_seconds_become_ms() -> None:
    targets = [BackendTarget(CANARY, ROUTE), BackendTarget(PRIMARY, ROUTE)]
    legacy = [(labels, float(v)) for labels, v in (
        _legacy("podinfo-canary", "success", "100"), _legacy("podinfo-primary", "success", "9"),
        _legacy("podinfo-primary", "failure", "1"))]
    route = [_route("podinfo-canary", "200", "", 3.0), _route("podinfo-canary", "500", "", 1.0),
             _route("podinfo-primary", "200", "", 0.0)]
    latency = _route_latency("podinfo-canary", (0.025, 0.0475, 0.0495), 3)
    signals = aggregate.combine(targets, legacy, [], route, latency)
    assert signals[CANARY].success_rate == pytest.approx(0.75)
    assert signals[CANARY].rps == pytest.approx(4.0)
    assert signals[CANARY].p50_ms == pytest.approx(25.0)
    assert signals[CANARY].p99_ms == pytest.approx(49.5)
    # The route family exists for the primary but carries no traffic: the legacy one is used.
    assert signals[PRIMARY].success_rate == pytest.approx(0.9)
    assert signals[PRIMARY].rps == pytest.approx(10.0)


def test_zero_traffic_is_no_success_rate_but_zero_rps() -> None:
    signals = aggregate.combine([BackendTarget(PRIMARY)],
                                [(_legacy("podinfo-primary", "success", "0")[0], 0.0)], [], [], [])
    assert signals[PRIMARY] == GoldenSignals(None, 0.0, None, None, None)


@pytest.mark.parametrize("raw", ["NaN", "+Inf", "-Inf"])
def test_non_finite_values_are_none(raw: str) -> None:
    assert aggregate.parse_value(raw) is None


def test_parse_matrix_groups_by_time() -> None:
    frames = aggregate.parse_matrix([
        {"metric": {"a": "1"}, "values": [[10, "1"], [20, "2"]]},
        {"metric": {"a": "2"}, "values": [[20, "NaN"]]},
    ])
    assert frames == {10.0: [({"a": "1"}, 1.0)], 20.0: [({"a": "1"}, 2.0), ({"a": "2"}, None)]}
    with pytest.raises(ValueError):
        aggregate.parse_matrix([{"metric": {}, "values": "nope"}])


def test_history_uses_range_queries_and_builds_points() -> None:
    def answer(path: str, query: dict[str, list[str]]) -> Reply:
        q = query["query"][0]
        result: list[dict] = []
        if "response_total" in q:
            result = [{"metric": _legacy("podinfo-primary", "success", "")[0],
                       "values": [[100, "8"], [115, "9"]]},
                      {"metric": _legacy("podinfo-primary", "failure", "")[0],
                       "values": [[100, "2"], [115, "1"]]}]
        elif "response_latency_ms_bucket" in q:
            result = [{"metric": labels, "values": [[100, str(v)], [115, str(v)]]}
                      for labels, v in _legacy_latency("podinfo-primary", (10.0, 19.0, 19.8), 3)]
        body = {"status": "success", "data": {"resultType": "matrix", "result": result}}
        return 200, json.dumps(body)

    server = StubPrometheus(answer).start()
    try:
        source = PrometheusSource(server.url)
        history = source.history([BackendTarget(PRIMARY), BackendTarget(CANARY)], "15m", 15)
    finally:
        server.stop()
    assert {s.path for s in server.seen} == {"/api/v1/query_range"}
    assert len(server.seen) == LEGACY_QUERIES, "TrafficSplit backends: no route-family queries"
    assert all(s.query["step"] == ["15"] for s in server.seen)
    assert all("[60s]" in s.query["query"][0] for s in server.seen)
    start, end = float(server.seen[0].query["start"][0]), float(server.seen[0].query["end"][0])
    assert end - start == pytest.approx(900, abs=1)
    (t1, first), (t2, second) = history[PRIMARY]
    assert (t1, t2) == (100.0, 115.0)
    assert first.success_rate == pytest.approx(0.8) and second.success_rate == pytest.approx(0.9)
    assert first.rps == pytest.approx(10.0)
    assert first.p99_ms == pytest.approx(19.8)
    assert [t for t, _ in history[CANARY]] == [100.0, 115.0]
    assert all(signals == GoldenSignals(None, None, None, None, None) for _, signals in history[CANARY])


LEGACY_FAST = _legacy_latency("podinfo-canary", (3.0, 9.6, 19.2), 8)
ROUTE_FAST = _route_latency("podinfo-canary", (0.0125, 0.02375, 0.02475), 3)


def test_latency_comes_from_the_finest_histogram_counts_from_the_route() -> None:
    """A backend faster than 25 ms reads its real quantiles, not the route histogram's 12.5/24/25."""
    route = [_route("podinfo-canary", "200", "", 3.0), _route("podinfo-canary", "500", "", 1.0)]
    legacy = [(_legacy("podinfo-canary", "success", "9")[0], 9.0)]
    signals = aggregate.combine([BackendTarget(CANARY, ROUTE)], legacy, LEGACY_FAST, route,
                                ROUTE_FAST, window="1m")[CANARY]
    assert signals.success_rate == pytest.approx(0.75) and signals.rps == pytest.approx(4.0)
    assert signals.p50_ms == pytest.approx(3.0)
    assert signals.p50_ms < 10 and signals.p99_ms is not None and signals.p99_ms <= 20
    assert signals.source == SignalSource("outbound_http_route_backend_response_statuses_total",
                                          "response_latency_ms", "1m")


def test_the_route_histogram_serves_when_it_is_the_only_one_with_observations() -> None:
    route = [_route("podinfo-canary", "200", "", 4.0)]
    empty_legacy = _legacy_latency("podinfo-canary", (None, None, None), 3)
    signals = aggregate.combine([BackendTarget(CANARY, ROUTE)], [], empty_legacy, route,
                                ROUTE_FAST, window="5m")[CANARY]
    assert signals.p50_ms == pytest.approx(12.5)
    assert signals.source is not None
    assert signals.source.latency == "outbound_http_route_backend_response_duration_seconds"


def test_finest_prefers_more_bounds_and_the_first_of_equals() -> None:
    coarse = aggregate.Histogram("coarse", (25.0, 50.0, 50.0), 3, 1.0)
    fine = aggregate.Histogram("fine", (3.0, 5.0, 5.0), 4, 1.0)
    unobserved = aggregate.Histogram("empty", (None, None, None), 5, 1.0)
    assert aggregate.finest([coarse, fine]) is fine
    assert aggregate.finest([fine, coarse]) is fine
    assert aggregate.finest([unobserved, coarse]) is coarse
    assert aggregate.finest([coarse, aggregate.Histogram("same", coarse.quantiles, 3, 1.0)]) is coarse
    assert aggregate.finest([None, unobserved]) is unobserved
    assert aggregate.finest([None]) is None


def test_latency_answers_are_read_by_their_stat_label() -> None:
    """Quantiles by `STAT_LABEL`, NaN as no observation, bucket counts per route kind (a route
    backend seen under both kinds counts as fine as its finer one); other series are ignored."""
    answer = [*_route_latency("podinfo-canary", (0.01, None, 0.03), 7, "HTTPRoute"),
              *_route_latency("podinfo-canary", (0.01, None, 0.03), 5, "GRPCRoute")[-1:],
              ({"backend_name": "podinfo-canary", "le": "0.05"}, 4.0),
              ({"backend_name": "podinfo-canary", promql.STAT_LABEL: "0.3"}, 9.0)]
    (stats,) = aggregate.latency_stats(answer, route=True).values()
    assert stats.quantiles == [0.01, None, 0.03]
    assert stats.buckets == {"HTTPRoute": 7, "GRPCRoute": 5}
    hist = aggregate.histogram("family", stats, 1000.0)
    assert hist is not None and hist.observed and hist.resolution == 7
    assert aggregate.histogram("family", None, 1.0) is None


def _grpc(service: str, grpc_status: str, value: float, http_status: str = "200") -> tuple[dict, float]:
    labels, _ = _route(service, http_status, "", value)
    return {**labels, "route_kind": "GRPCRoute", "grpc_status": grpc_status}, value


def test_grpc_status_other_than_ok_is_a_failure_under_http_200() -> None:
    counts = aggregate.route_counts([
        _grpc("podinfo-canary", "OK", 6.0), _grpc("podinfo-canary", "0", 1.0),
        _grpc("podinfo-canary", "UNAVAILABLE", 2.0), _grpc("podinfo-canary", "14", 1.0),
        _grpc("podinfo-canary", "", 5.0),
    ])
    (only,) = counts.values()
    assert (only.success, only.failure) == (12.0, 3.0)
    assert only.family == "outbound_grpc_route_backend_response_statuses_total"


def test_grpc_route_backends_name_their_families() -> None:
    route = [_grpc("podinfo-canary", "OK", 3.0), _grpc("podinfo-canary", "INTERNAL", 1.0)]
    latency = _route_latency("podinfo-canary", (0.0125, 0.02375, 0.02475), 3, "GRPCRoute")
    signals = aggregate.combine([BackendTarget(CANARY, ROUTE)], [], [], route, latency)[CANARY]
    assert signals.success_rate == pytest.approx(0.75)
    assert signals.source == SignalSource("outbound_grpc_route_backend_response_statuses_total",
                                          "outbound_grpc_route_backend_response_duration_seconds", "")


def test_legacy_only_backends_name_the_legacy_families() -> None:
    legacy = [(_legacy("podinfo-canary", "success", "4")[0], 4.0)]
    signals = aggregate.combine([BackendTarget(CANARY)], legacy, LEGACY_FAST, [], [],
                                window="15m")[CANARY]
    assert signals.source == SignalSource("response_total", "response_latency_ms", "15m")
    assert signals.source.describe() == "counts response_total, latency response_latency_ms over 15m"
