"""meshtui's figures against Linkerd's own tools, on one real Prometheus scraping the simulator.

The references are the PromQL of `linkerd viz stat` (linkerd2 viz/metrics-api) and of Flagger's
Linkerd observer, quoted in docs/references.md with the commits they come from, evaluated here
as those tools evaluate them and rounded as they round. meshtui must agree within that rounding.
"""

from __future__ import annotations

import json
import math
import urllib.parse
import urllib.request
from typing import Any

import pytest

from meshtui.metrics.source import BackendTarget
from meshtui.model.signals import BackendKey
from tests.plugins.prometheus_world import ROUTES, World

pytestmark = pytest.mark.prometheus

WINDOW, SECONDS = "5m", 300
"""The figures are compared over one window. Prometheus is younger than it: that changes nothing
for ratios and quantiles, but meshtui's RPS is then per second of the span data covers where viz
divides by the whole window, so RPS is compared as each backend's share of its split.

Both sides are evaluated at one instant (`time=`): a rate over a window the data does not fill is
extrapolated per series by how far its samples reach, so each scrape in between moves one series'
figure against another's (a series whose counter was small at the window's start is extrapolated
less), and a share computed at one instant disagreed with one computed a scrape later."""

VIZ_REQUESTS = ('sum(increase(response_total{{authority=~"^{apex}.{ns}.svc.cluster.local.+", '
                'direction="outbound"}}[{window}])) by (dst_namespace, dst_service, classification, tls)')
VIZ_LATENCY = ('histogram_quantile({q}, sum(irate(response_latency_ms_bucket{{authority=~"^{apex}.{ns}'
               '.svc.cluster.local.+", direction="outbound"}}[{window}])) by (le, dst_namespace, dst_service))')
"""`linkerd viz stat svc/<name>`: reqQuery and latencyQuantileQuery of viz/metrics-api/stat_summary.go,
with the labels of buildServiceRequestLabels (authority regex, direction outbound). From Linkerd 2.13
the authority is the concrete backend, so each backend is stat'ed as itself."""

FLAGGER_SUCCESS = ('sum(rate(response_total{{namespace="{ns}", deployment=~"{target}", '
                   'classification!="failure", direction="inbound"}}[{window}])) / '
                   'sum(rate(response_total{{namespace="{ns}", deployment=~"{target}", '
                   'direction="inbound"}}[{window}])) * 100')
FLAGGER_DURATION = ('histogram_quantile(0.99, sum(rate(response_latency_ms_bucket{{namespace="{ns}", '
                    'deployment=~"{target}", direction="inbound"}}[{window}])) by (le))')
"""Flagger's pkg/metrics/observers/linkerd.go: request-success-rate and request-duration."""

SPLITS = {
    # apex -> backend Service -> its Deployment (Flagger's target)
    ("emojivoto", "voting-svc"): {"voting-svc": "voting", "voting-v2-svc": "voting-v2"},
    ("booksapp", "authors"): {"authors": "authors", "authors-v2": "authors-v2"},
    ("test", "podinfo"): {"podinfo-primary": "podinfo-primary", "podinfo-canary": "podinfo"},
}


def _get(world: World, path: str, **params: str) -> Any:
    url = f"{world.prometheus.url}{path}?{urllib.parse.urlencode(params)}"
    with urllib.request.urlopen(url, timeout=10) as resp:
        body = json.load(resp)
    assert body["status"] == "success", body
    return body["data"]["result"]


def _burst_time(world: World) -> float:
    """When Prometheus first saw the measured traffic: `irate` there spans exactly that burst
    (later samples repeat it: the simulator is not stepped again)."""
    (series, *_) = _get(world, "/api/v1/query",
                        query='response_total{direction="outbound", dst_service="voting-svc", '
                              f'classification="success"}}[{WINDOW}]')
    values = [(float(t), float(v)) for t, v in series["values"]]
    last = values[-1][1]
    return next(t for t, v in values if v == last)


def _signals(world: World, at: float) -> dict[BackendKey, Any]:
    keys = [BackendKey(ns, backend) for (ns, _), backends in SPLITS.items() for backend in backends]
    snapshot = world.source.fetch([BackendTarget(k, ROUTES.get(k)) for k in keys], WINDOW, at=at)
    return dict(snapshot.signals)


def _viz_stat(world: World, ns: str, name: str, at: float) -> tuple[dict[str, int], dict[float, int]]:
    """`linkerd viz stat svc/<name>` as viz computes it at `at`: whole request counts by
    classification over the window, and latency quantiles rounded to whole ms (extractSampleValue:
    uint64(math.Round(value)))."""
    counts = {"success": 0, "failure": 0}
    for item in _get(world, "/api/v1/query", time=f"{at:.3f}",
                     query=VIZ_REQUESTS.format(apex=name, ns=ns, window=WINDOW)):
        if item["metric"]["dst_service"] == name:
            counts[item["metric"]["classification"]] += int(math.floor(float(item["value"][1]) + 0.5))
    latency = {}
    for q in (0.5, 0.95, 0.99):
        for item in _get(world, "/api/v1/query", time=f"{at:.3f}",
                         query=VIZ_LATENCY.format(q=q, apex=name, ns=ns, window=WINDOW)):
            if item["metric"]["dst_service"] == name:
                latency[q] = int(math.floor(float(item["value"][1]) + 0.5))
    return counts, latency


def test_linkerd_viz_stat_agrees_within_its_rounding(world: World) -> None:
    # Stored samples never change: the burst's scrape (the world waited for the scrapes after
    # it) is an instant every later evaluation answers alike, and the one `irate` spans the burst.
    at = _burst_time(world)
    signals = _signals(world, at)
    for (ns, _), backends in SPLITS.items():
        stats = {b: _viz_stat(world, ns, b, at) for b in backends}
        totals = {b: counts["success"] + counts["failure"] for b, (counts, _) in stats.items()}
        our_rps = {b: signals[BackendKey(ns, b)].rps for b in backends}
        for backend, (counts, latency) in stats.items():
            ours = signals[BackendKey(ns, backend)]
            total = totals[backend]
            assert total >= 50, (backend, counts)
            viz_rate = 100 * counts["success"] / total
            # Counts rounded to whole requests move the rate by up to 100/total points.
            assert abs(100 * ours.success_rate - viz_rate) <= 100 / total + 0.005, (backend, ours, viz_rate)
            # The share of the split's requests: viz's counts are whole requests (±0.5 each).
            share = our_rps[backend] / sum(our_rps.values())
            assert abs(share - total / sum(totals.values())) <= len(backends) / sum(totals.values())
            for q, field in ((0.5, "p50_ms"), (0.95, "p95_ms"), (0.99, "p99_ms")):
                assert abs(getattr(ours, field) - latency[q]) <= 0.5 + 1e-6, \
                    (backend, field, getattr(ours, field), latency[q])


def test_flagger_linkerd_observer_agrees_within_its_rounding(world: World) -> None:
    at = _burst_time(world)
    signals = _signals(world, at)
    for (ns, _), backends in SPLITS.items():
        for backend, deployment in backends.items():
            ours = signals[BackendKey(ns, backend)]
            (rate,) = _get(world, "/api/v1/query", time=f"{at:.3f}",
                           query=FLAGGER_SUCCESS.format(ns=ns, target=deployment, window=WINDOW))
            (duration,) = _get(world, "/api/v1/query", time=f"{at:.3f}",
                               query=FLAGGER_DURATION.format(ns=ns, target=deployment, window=WINDOW))
            # Flagger compares the rate unrounded; the duration becomes whole milliseconds
            # (time.Duration(int64(value)) * time.Millisecond): ours must truncate to it, up to
            # float noise (the two sum the same buckets in another order).
            assert abs(100 * ours.success_rate - float(rate["value"][1])) <= 0.5, (backend, ours, rate)
            flagger_ms = int(float(duration["value"][1]))
            assert flagger_ms - 1e-6 <= ours.p99_ms < flagger_ms + 1 + 1e-6, (backend, ours.p99_ms, duration)
