"""A real Prometheus scraping the simulated mesh: PrometheusSource against the simulator's truth.

The mesh, the Prometheus and the truth over the measured interval are `world`
(tests/plugins/prometheus_world.py).
"""

from __future__ import annotations

import math
import time

import pytest

from meshtui.metrics import aggregate, promql
from meshtui.metrics.prometheus import LEGACY_QUERIES, QUERIES_PER_CALL, RATE_QUERIES, PrometheusSource
from meshtui.metrics.source import BackendTarget
from meshtui.model.signals import BackendKey
from tests.plugins.prometheus_world import ROUTES, World

pytestmark = pytest.mark.prometheus


def test_success_rate_matches_truth_within_two_points(world: World) -> None:
    assert BackendKey("test", "podinfo-canary") in world.delta
    for routes in (True, False):
        snapshot = world.source.fetch(world.targets(routes), "1m")
        assert snapshot.source == world.source.name
        for key, d in world.delta.items():
            measured = snapshot.signals[key].success_rate
            assert measured is not None, key
            assert abs(measured - d.successes / d.requests) <= 0.02, (key, routes, measured, d)
            assert snapshot.signals[key].rps and snapshot.signals[key].rps > 0
    canary = world.source.fetch(world.targets(), "1m").signals[BackendKey("test", "podinfo-canary")]
    assert canary.success_rate is not None and canary.success_rate < 0.97


def test_request_shares_follow_truth(world: World) -> None:
    signals = world.source.fetch(world.targets(), "5m").signals
    primary, canary = BackendKey("test", "podinfo-primary"), BackendKey("test", "podinfo-canary")
    truth_share = world.delta[canary].requests / (world.delta[canary].requests + world.delta[primary].requests)
    measured = signals[canary].rps / (signals[canary].rps + signals[primary].rps)
    assert measured == pytest.approx(truth_share, abs=0.01)


def test_latency_queries_carry_histogram_quantile_and_the_bucket_count(world: World) -> None:
    """Each latency query's quantiles are `histogram_quantile` over that family's buckets, and
    its bucket count is the number of buckets Prometheus holds per backend (both families)."""
    scope = promql.Scope(frozenset(k.namespace for k in world.delta),
                         frozenset(k.service for k in world.delta),
                         frozenset(route.name for route in ROUTES.values()))
    at = time.time()
    for route, latency, buckets_query in (
            (False, promql.legacy_latency(scope, "1m"), promql.legacy_latency_buckets(scope, "1m")),
            (True, promql.route_latency(scope, "1m"), promql.route_duration_buckets(scope, "1m"))):
        ours = aggregate.latency_stats(world.source.query(latency, at=at), route=route)
        assert ours
        buckets = world.source.query(buckets_query, at=at)
        for stats in ours.values():
            assert max(stats.buckets.values()) > 1
        for index, q in enumerate(promql.LATENCY_QUANTILES):
            server_side = world.source.query(
                promql.histogram_quantile_query(q, f"sum by (le, {', '.join(_keys(route))}) "
                                                   f"({buckets_query})"), at=at)
            assert server_side
            for labels, value in server_side:
                key = _key(labels, route)
                assert ours[key].quantiles[index] == value, (key, q)
        for key, stats in ours.items():
            counted = {labels["le"] for labels, _ in buckets if _key(labels, route) == key}
            assert max(stats.buckets.values()) == len(counted), key


def _keys(route: bool) -> tuple[str, ...]:
    return promql.ROUTE_KEY_LABELS if route else promql.LEGACY_KEY_LABELS


def _key(labels: dict, route: bool) -> object:
    values = tuple(labels.get(label, "") for label in _keys(route))
    return values if route else BackendKey(*values)


def test_latency_quantiles_are_consistent_with_the_profile(world: World) -> None:
    snapshot = world.source.fetch(world.targets(routes=False), "1m")
    for key, d in world.delta.items():
        for field in ("p50_ms", "p95_ms", "p99_ms"):
            measured = getattr(snapshot.signals[key], field)
            configured = d.latency[field[:3]]
            assert measured is not None, (key, field)
            if d.requests >= 300 or field == "p50_ms":
                assert configured / 2 <= measured <= configured * 2, (key, field, measured, configured)


def test_route_family_latency_is_in_milliseconds(world: World) -> None:
    canary = BackendKey("test", "podinfo-canary")
    route = world.source.fetch([BackendTarget(canary, ROUTES[canary])], "1m").signals[canary]
    legacy = world.source.fetch([BackendTarget(canary)], "1m").signals[canary]
    assert route.p99_ms is not None and legacy.p99_ms is not None
    # Different bucket bounds, same traffic: the two families agree to within a bucket.
    assert 0.5 <= route.p99_ms / legacy.p99_ms <= 2.0


def test_query_count_does_not_depend_on_targets(world: World) -> None:
    everything = world.targets()
    before = world.source.queries_made
    one = world.source.fetch(everything[:1], "1m")
    every = world.source.fetch(everything, "1m")
    assert one.queries == every.queries == QUERIES_PER_CALL
    assert world.source.queries_made - before == 2 * QUERIES_PER_CALL
    history = world.source.history(everything, "5m", 5)
    assert world.source.queries_made - before == 2 * QUERIES_PER_CALL + RATE_QUERIES
    canary = history[BackendKey("test", "podinfo-canary")]
    assert any(s.success_rate is not None and not math.isnan(s.success_rate) for _, s in canary)


def test_history_without_routes_reads_the_legacy_family_only(world: World) -> None:
    """A TrafficSplit's chart needs no route queries, and loses nothing without them."""
    targets = world.targets(routes=False)
    before = world.source.queries_made
    history = world.source.history(targets, "5m", 5)
    assert world.source.queries_made - before == LEGACY_QUERIES
    with_routes = world.source.history(world.targets(), "5m", 5)

    def served(series: dict) -> set[BackendKey]:
        return {key for key, points in series.items() if any(s.rps for _, s in points)}

    legacy_only = {t.key for t in world.targets() if t.route is None}
    assert legacy_only and served(history) >= served(with_routes) & legacy_only


def test_through_the_api_server_service_proxy(world: World) -> None:
    from meshtui.sim.apiserver import ADMIN_TOKEN

    world.mesh.set_prometheus(world.prometheus.url)
    base = f"{world.mesh.api_url}/api/v1/namespaces/linkerd-viz/services/prometheus:9090/proxy/"
    proxied = PrometheusSource(base, bearer_token=ADMIN_TOKEN, timeout=10)
    direct = world.source.fetch(world.targets(), "1m")
    via_proxy = proxied.fetch(world.targets(), "1m")
    key = BackendKey("test", "podinfo-canary")
    assert via_proxy.signals[key].success_rate == pytest.approx(direct.signals[key].success_rate, abs=1e-9)


def test_fast_route_backend_latency_reads_the_finest_histogram(world: World) -> None:
    """Linkerd 2.16+ exports a route-backend duration histogram whose first bucket is 25 ms wide:
    read from it, voting-svc (p50 3 ms in truth) would show about 12.5/24/25 ms."""
    voting = BackendKey("emojivoto", "voting-svc")
    assert voting in world.delta
    signals = world.source.fetch([BackendTarget(voting, ROUTES[voting])], "1m").signals[voting]
    assert signals.p50_ms is not None and signals.p50_ms < 10
    assert signals.p95_ms is not None and signals.p95_ms < 20
    assert signals.source is not None
    assert signals.source.latency == "response_latency_ms"
    assert signals.source.counts == "outbound_http_route_backend_response_statuses_total"
    assert signals.source.window == "1m"
