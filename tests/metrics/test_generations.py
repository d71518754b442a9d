"""Each Linkerd generation's metrics, scraped by a real Prometheus: figures right on every one.

2.12-2.13 export no route-backend metrics, 2.14-2.15 only route-backend requests, 2.16 on their
responses and durations too. meshtui reads success rate and RPS from the route-backend responses
where they exist and from `response_total` otherwise, and latency from the finest histogram.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from meshtui.metrics.source import BackendTarget
from meshtui.model.signals import BackendKey
from meshtui.sim.scenario import load_scenario
from tests.plugins.prometheus import PrometheusFactory
from tests.plugins.prometheus_world import ROUTES, World, build_world

pytestmark = pytest.mark.prometheus

VOTING, VOTING_V2 = BackendKey("emojivoto", "voting-svc"), BackendKey("emojivoto", "voting-v2-svc")
CANARY = BackendKey("test", "podinfo-canary")


@pytest.fixture(scope="module", params=["2.12", "2.14", "2.16"])
def generation(request: pytest.FixtureRequest, module_prometheus_factory: PrometheusFactory
               ) -> Iterator[tuple[str, World]]:
    """The default scenario as proxies of one Linkerd generation export it, scraped."""
    scenario = dataclasses.replace(load_scenario("default"), linkerd_version=request.param)
    for world in build_world(module_prometheus_factory, scenario):
        yield request.param, world


def test_figures_follow_the_truth_on_every_generation(generation: tuple[str, World]) -> None:
    version, world = generation
    keys = [VOTING, VOTING_V2, CANARY]
    snapshot = world.source.fetch([BackendTarget(k, ROUTES[k]) for k in keys], "5m")
    responses = version == "2.16"
    for key in keys:
        signals, truth = snapshot.signals[key], world.delta[key]
        assert signals.success_rate is not None, (version, key)
        assert abs(signals.success_rate - truth.successes / truth.requests) <= 0.02, (version, key)
        assert signals.source is not None and signals.source.latency == "response_latency_ms"
        assert signals.source.counts == ("outbound_http_route_backend_response_statuses_total"
                                         if responses else "response_total"), (version, key)
    fast = snapshot.signals[VOTING]
    assert fast.p50_ms is not None and fast.p50_ms < 10, (version, fast)
    shares = snapshot.signals[VOTING_V2].rps / (snapshot.signals[VOTING].rps + snapshot.signals[VOTING_V2].rps)
    truth_share = world.delta[VOTING_V2].requests / (world.delta[VOTING].requests + world.delta[VOTING_V2].requests)
    assert shares == pytest.approx(truth_share, abs=0.01)


def test_each_generation_exports_its_own_families(generation: tuple[str, World]) -> None:
    version, world = generation
    present = {family: bool(world.source.query(f"count({family})"))
               for family in ("outbound_http_route_backend_requests_total",
                              "outbound_http_route_backend_response_statuses_total",
                              "outbound_http_route_backend_response_duration_seconds_bucket")}
    minor = int(version.partition(".")[2])
    assert present == {"outbound_http_route_backend_requests_total": minor >= 14,
                       "outbound_http_route_backend_response_statuses_total": minor >= 16,
                       "outbound_http_route_backend_response_duration_seconds_bucket": minor >= 16}
    # Before 2.13 the authority is the Service the client called (the split's apex).
    authorities = {labels["authority"] for labels, _ in world.source.query(
        'sum by (authority) (response_total{direction="outbound", dst_service="voting-v2-svc"})')}
    called = "voting-svc" if minor < 13 else "voting-v2-svc"
    assert authorities == {f"{called}.emojivoto.svc.cluster.local:8080"}
