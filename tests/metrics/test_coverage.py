"""How much of a rate window Prometheus data covers, and rates per second of that span."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from meshtui.metrics import prometheus, promql
from meshtui.metrics.prometheus import COVERAGE_RECHECK, QUERIES_PER_CALL, RATE_QUERIES, PrometheusSource
from meshtui.metrics.source import BackendTarget
from meshtui.model.signals import BackendKey
from tests.metrics.stub_prometheus import Reply, StubPrometheus, error, vector

CANARY = BackendKey("prod", "web-canary")
LABELS = {"dst_namespace": "prod", "dst_service": "web-canary"}


def test_series_start_query_exact() -> None:
    scope = promql.Scope(frozenset({"prod"}), frozenset({"web-canary"}))
    assert promql.series_start(scope, "5m") == (
        'min(min_over_time(timestamp(response_total{direction="outbound", dst_namespace=~"prod", '
        'dst_service=~"web-canary"})[5m:5s]))')
    routed = promql.Scope(frozenset({"prod"}), frozenset({"web-canary"}), frozenset({"web"}))
    assert " or min_over_time(timestamp(outbound_http_route_backend_response_statuses_total{" \
        in promql.series_start(routed, "1h")


@pytest.fixture
def answer_with() -> Iterator:
    servers: list[StubPrometheus] = []

    def start(started_ago: float | None, coverage_fails: bool = False) -> PrometheusSource:
        def answer(path: str, query: dict[str, list[str]]) -> Reply:
            text = query["query"][0]
            if text.startswith("min(min_over_time(timestamp("):
                if coverage_fails:
                    return 400, error("bad_data", "subqueries not supported")
                if started_ago is None:
                    return 200, vector()
                return 200, vector(({}, str(time.time() - started_ago)))
            if text.startswith("sum by (dst_namespace, dst_service, classification)"):
                return 200, vector(({**LABELS, "classification": "success"}, "1.0"))
            return 200, vector()

        server = StubPrometheus(answer).start()
        servers.append(server)
        return PrometheusSource(server.url, timeout=5)

    yield start
    for server in servers:
        server.stop()


def test_young_series_cover_part_of_the_window_and_rates_are_per_covered_second(answer_with) -> None:
    """A first sample 60 s ago in a 5m window: about a minute covered, and 1 req/s over 5m is ~5 over it.

    The subquery's 5 s steps answer up to a step late: the middle of the step is taken.
    """
    snapshot = answer_with(60.0).fetch([BackendTarget(CANARY)], "5m")
    assert snapshot.covered == pytest.approx(62.5, abs=1.0)
    assert snapshot.signals[CANARY].rps == pytest.approx(300 / 62.5, rel=0.02)


@pytest.mark.parametrize(("started_ago", "fails"), [(3600.0, False), (285.0, False), (None, False),
                                                    (60.0, True)])
def test_covered_windows_and_unknown_starts_leave_rates_alone(answer_with, started_ago, fails) -> None:
    """Older data, nearly the whole window, no answer or a failing subquery: the window counts as covered."""
    snapshot = answer_with(started_ago, fails).fetch([BackendTarget(CANARY)], "5m")
    assert snapshot.covered is None and snapshot.error is None
    assert snapshot.signals[CANARY].rps == pytest.approx(1.0)


def test_a_covered_window_is_not_asked_about_again_until_the_recheck(answer_with, monkeypatch) -> None:
    source = answer_with(3600.0)
    targets = [BackendTarget(CANARY)]
    assert source.fetch(targets, "5m").queries == QUERIES_PER_CALL
    second = source.fetch(targets, "5m")
    assert second.queries == RATE_QUERIES and second.covered is None
    assert source.fetch(targets, "1m").queries == QUERIES_PER_CALL  # another window: asked
    later = time.monotonic() + COVERAGE_RECHECK
    monkeypatch.setattr(prometheus.time, "monotonic", lambda: later)
    assert source.fetch(targets, "5m").queries == QUERIES_PER_CALL


@pytest.mark.parametrize(("started_ago", "fails"), [(60.0, False), (None, False), (3600.0, True)])
def test_young_unknown_or_failing_coverage_is_asked_every_fetch(answer_with, started_ago, fails) -> None:
    source = answer_with(started_ago, fails)
    counts = [source.fetch([BackendTarget(CANARY)], "5m").queries for _ in range(3)]
    assert counts == [QUERIES_PER_CALL] * 3
    if started_ago == 60.0:
        assert source.fetch([BackendTarget(CANARY)], "5m").covered == pytest.approx(62.5, abs=1.0)
