"""A real Prometheus scraping the simulated mesh, with the simulator's truth over one interval.

The simulator is stepped by hand (not in real time) so the counters Prometheus sees change only
when the test says so: the increase Prometheus measures is then exactly the difference between
two `/truth` readings, and success rates can be compared without sampling noise. `world` is one
per test module; `build_world` makes one of any scenario.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from meshtui.metrics.prometheus import PrometheusSource
from meshtui.metrics.source import BackendTarget, RouteKey
from meshtui.model.signals import BackendKey
from tests.plugins.prometheus import PrometheusFactory
from tests.waiting import wait_for

ROUTES = {
    BackendKey("emojivoto", "voting-svc"): RouteKey("emojivoto", "voting-split", "voting-svc"),
    BackendKey("emojivoto", "voting-v2-svc"): RouteKey("emojivoto", "voting-split", "voting-svc"),
    BackendKey("test", "podinfo-primary"): RouteKey("test", "podinfo", "podinfo"),
    BackendKey("test", "podinfo-canary"): RouteKey("test", "podinfo", "podinfo"),
}
"""The default scenario's HTTPRoute backends and their routes."""


@dataclass(frozen=True)
class Delta:
    """What the simulator served between two `/truth` readings, per backend."""

    requests: int
    successes: int
    latency: dict[str, float]


@dataclass
class World:
    """The mesh, the Prometheus scraping it and the truth over the measured interval."""

    mesh: Any
    prometheus: Any
    source: PrometheusSource
    delta: dict[BackendKey, Delta]

    def targets(self, routes: bool = True) -> list[BackendTarget]:
        """A target per backend that served traffic (with its route when `routes`)."""
        return [BackendTarget(k, ROUTES.get(k) if routes else None) for k in sorted(self.delta)]


def truth(mesh: Any) -> dict[BackendKey, dict[str, Any]]:
    """The simulator's `/truth`, per backend."""
    with urllib.request.urlopen(mesh.truth_url, timeout=5) as resp:
        body = json.load(resp)
    return {BackendKey(b["namespace"], b["service"]): b for b in body["backends"]}


def scraped_after_now(mesh: Any) -> None:
    """Wait until Prometheus has stored what the exporter serves now."""
    # The scrape that starts after this point renders the current counters; once the one after
    # it has started, Prometheus has stored the former.
    seen = mesh.exporter.scrapes
    wait_for(lambda: mesh.exporter.scrapes >= seen + 2, timeout=15, message="two more scrapes")


def advance(mesh: Any, seconds: int) -> None:
    """Step the simulated traffic `seconds` seconds, one at a time."""
    for _ in range(seconds):
        mesh.traffic.step(1.0)


def build_world(factory: PrometheusFactory, scenario: Any = "default") -> Iterator[World]:
    """Step the mesh, let Prometheus scrape each state, and record the truth in between; the
    measured traffic reaches Prometheus as one burst between two scrapes."""
    from meshtui.sim.mesh import SimulatedMesh

    mesh = SimulatedMesh(scenario, seed=7, realtime=False)
    try:
        # Each step sends a call's requests through one (client pod, backend pod) pair, and
        # Prometheus' rate() ignores the first value of a series that appears late: many small
        # steps before the first scrape make (nearly) every series exist from the start.
        advance(mesh, 300)
        prometheus = factory([mesh.metrics_target])
        source = PrometheusSource(prometheus.url, timeout=10)
        wait_for(lambda: source.query("sum(response_total)"), timeout=30,
                 message="Prometheus to store a first scrape")
        # Nothing has stepped since: the stored first scrape is exactly this truth.
        before = truth(mesh)
        advance(mesh, 120)
        scraped_after_now(mesh)
        after = truth(mesh)
        delta = {k: Delta(after[k]["requests"] - before[k]["requests"],
                          after[k]["successes"] - before[k]["successes"], after[k]["latency"])
                 for k in after if after[k]["requests"] - before[k]["requests"] >= 50}
        yield World(mesh, prometheus, source, delta)
    finally:
        mesh.stop()


@pytest.fixture(scope="module")
def world(module_prometheus_factory: PrometheusFactory) -> Iterator[World]:
    """The default scenario scraped by a real Prometheus (one per test module)."""
    yield from build_world(module_prometheus_factory)
