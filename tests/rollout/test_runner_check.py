"""The runner's analysis check against a canary whose metrics are young (no cluster, no Prometheus)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from meshtui.metrics.source import BackendTarget, MetricsError
from meshtui.model.plan import parse_plan
from meshtui.model.signals import BackendKey, GoldenSignals, MetricsSnapshot
from meshtui.model.plan_state import advance
from meshtui.model.split import parse_split
from meshtui.rollout import commands
from meshtui.rollout.runner import Runner

PLAN = parse_plan("""\
steps:
  - setWeight: 20
  - analysis: {window: 1m, interval: 1s, successRate: ">= 99", latencyP99: "<= 300ms",
               minRequests: 40, failureLimit: 2, count: 2}
  - setWeight: 100
""")
SPLIT = parse_split({
    "apiVersion": "split.smi-spec.io/v1alpha2", "kind": "TrafficSplit",
    "metadata": {"namespace": "bad", "name": "web"},
    "spec": {"service": "web", "backends": [{"service": "web-stable", "weight": 80},
                                            {"service": "web-canary", "weight": 20}]}})
CANARY = BackendKey("bad", "web-canary")


class YoungCanary:
    """What Prometheus answered in CI 1.5 s after the bad canary took its first requests: only
    its success series had two samples, so 5 req/s at 100% success and a p99 of few requests."""

    name = "fake"

    def __init__(self, covered: float | None = 1.5, samples: int | None = 2,
                 query_error: str | None = None) -> None:
        self.covered, self.samples, self.query_error = covered, samples, query_error
        self.queries: list[str] = []

    def fetch(self, targets: Sequence[BackendTarget], window: str) -> MetricsSnapshot:
        signals = GoldenSignals(success_rate=1.0, rps=5.0, p99_ms=295.0)
        return MetricsSnapshot(taken_at=0.0, signals={t.key: signals for t in targets},
                               covered=self.covered)

    def history(self, targets: Sequence[BackendTarget], window: str, step: float) -> Any:
        return {}

    def query(self, query: str, at: float | None = None) -> list[tuple[dict[str, str], float]]:
        self.queries.append(query)
        if self.query_error:
            raise MetricsError(self.query_error)
        return [] if self.samples is None else [({}, float(self.samples))]


def analysing() -> Any:
    state = commands.start(PLAN, canary="web-canary", stable="web-stable", weight=0, now=0.0).state
    return advance(state, now=1.0, observed=0).state


def check(source: Any) -> Any:
    return Runner(None, None, source, identity="t").check(SPLIT, analysing())  # type: ignore[arg-type]


def test_the_first_check_after_the_canary_starts_does_not_pass() -> None:
    """The CI failure: "success 100.00%, p99 295ms, 300 requests" twice, and the bad canary went to
    100%. 5 req/s over the 1.5 s the data covers is 8 requests, and its series are one scrape old."""
    result = check(YoungCanary())
    assert (result.outcome, result.waiting) == ("inconclusive", True), result
    state = advance(analysing(), now=2.0, observed=20, check=result).state
    assert state.message.startswith("waiting: canary series younger than 2 scrape intervals")
    assert (state.step, state.checks_passed) == (1, 0)


def test_requests_count_over_the_covered_span_only() -> None:
    """No PromQL source, so nothing says the series are young: the count of 8 requests holds."""

    class NoPromQL(YoungCanary):
        query = None  # type: ignore[assignment]

    result = check(NoPromQL())
    assert result.outcome == "inconclusive" and not result.waiting
    assert "only 8 canary requests in 2s of 1m" in result.reason and "minRequests 40" in result.reason


def test_old_series_over_a_covered_window_are_judged() -> None:
    source = YoungCanary(covered=None, samples=None)
    result = check(source)
    assert (result.outcome, result.reason) == ("pass", "success 100.00%, p99 295ms, 300 requests")
    assert len(source.queries) == 1 and "offset 1m" in source.queries[0]


def test_a_failing_age_query_holds_like_any_metrics_error() -> None:
    result = check(YoungCanary(query_error="query failed: HTTP 503"))
    assert result.outcome == "inconclusive" and not result.waiting
    assert result.reason == "metrics unavailable: query failed: HTTP 503"
