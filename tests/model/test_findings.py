"""Verdicts on a split's backends: against the stable backend, on enough evidence, never from young data."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meshtui.model.findings import HealthPolicy, Window, split_findings, written_at
from meshtui.model.health import split_health
from meshtui.model.signals import BackendKey, GoldenSignals
from meshtui.model.split import Split, parse_split
from tests.model.hypothesis_settings import QUICK

FIVE_MINUTES = Window(300.0)


def route(weights: dict[str, int], *, meta: dict[str, Any] | None = None) -> Split:
    """voting-split as the simulator has it: an HTTPRoute whose parent is also the stable backend."""
    return parse_split({
        "apiVersion": "policy.linkerd.io/v1beta3", "kind": "HTTPRoute",
        "metadata": {"name": "voting-split", "namespace": "emojivoto", "resourceVersion": "1",
                     **(meta or {})},
        "spec": {"parentRefs": [{"name": "voting-svc", "kind": "Service", "group": "core", "port": 8080}],
                 "rules": [{"backendRefs": [{"name": name, "port": 8080, "weight": weight}
                                            for name, weight in weights.items()]}]},
    })


VOTING = route({"voting-svc": 90, "voting-v2-svc": 10})
STABLE, CANARY = BackendKey("emojivoto", "voting-svc"), BackendKey("emojivoto", "voting-v2-svc")


def sig(success: float | None, rps: float, p99: float | None = 20.0) -> GoldenSignals:
    return GoldenSignals(success_rate=success, rps=rps, p50_ms=3.0, p95_ms=9.0, p99_ms=p99)


def findings(stable: GoldenSignals, canary: GoldenSignals, window: Window = FIVE_MINUTES,
             split: Split = VOTING, **kwargs: Any) -> list[Any]:
    return split_findings(split, None, {STABLE: stable, CANARY: canary}, window, **kwargs)


def test_degraded_canary_is_flagged_with_its_figure() -> None:
    """91% against a 99% stable on 412 requests: a finding naming the backend, both rates and the evidence."""
    (finding,) = findings(sig(0.991, 18.0), sig(0.912, 412 / 300))
    assert finding.kind == "success" and finding.backend == "voting-v2-svc"
    assert finding.message == "voting-v2-svc: success 91.2% vs stable 99.1% (5m, 412 req)"
    assert finding.reason == "canary success 91%"


def test_slow_canary_is_flagged() -> None:
    """A p99 of 230 ms against 25 ms is failing, on enough requests on both sides."""
    (finding,) = findings(sig(0.99, 18.0, p99=25.0), sig(0.99, 2.0, p99=230.0))
    assert finding.kind == "latency"
    assert finding.message == "voting-v2-svc: p99 230 ms vs stable 25 ms (5m, 600 req)"


@pytest.mark.parametrize(("stable", "canary"), [
    (sig(0.995, 13.5, p99=117.0), sig(0.99, 1.5, p99=109.0)),  # books: half a point lower
    (sig(0.996, 12.6, p99=90.0), sig(1.0, 1.4, p99=116.0)),    # authors: better, slightly slower
    (sig(0.993, 13.6), sig(0.978, 91 / 60)),                   # noise: 2 failures out of 91
    (sig(1.0, 18.0, p99=2.0), sig(1.0, 2.0, p99=8.0)),        # tiny latencies: 4x, under the floor
])
def test_healthy_canaries_are_not_flagged(stable: GoldenSignals, canary: GoldenSignals) -> None:
    """Within a point, better, noise on a few requests, or microseconds of latency: no finding."""
    window = Window(60.0) if canary.success_rate == 0.978 else FIVE_MINUTES
    assert findings(stable, canary, window) == []


def test_too_few_requests_give_no_verdict() -> None:
    """A canary at 50% on 10 requests, or at 0% on 19, is not judged: too little to say."""
    assert findings(sig(0.99, 18.0), sig(0.5, 10 / 300)) == []
    assert findings(sig(0.99, 18.0), sig(0.0, 19 / 300)) == []
    assert findings(sig(0.99, 18.0), sig(0.0, 20 / 300)) != []


def test_young_window_counts_only_the_requests_it_holds() -> None:
    """10 s into a 5m window at 1 rps the canary has 10 requests: no verdict, however bad."""
    young = Window(300.0, covered=10.0)
    assert findings(sig(0.99, 18.0), sig(0.5, 1.0), young) == []
    (finding,) = findings(sig(0.99, 18.0), sig(0.5, 1.0), Window(300.0, covered=60.0))
    assert "(1m of 5m, 60 req)" in finding.message


def health(found: list[Any]) -> list[Any]:
    return [f for f in found if f.kind in ("success", "latency")]


def test_missing_data_gives_no_verdict() -> None:
    """No success rate (no responses), no stable figures, or no signals at all: no health verdict."""
    assert health(findings(sig(0.99, 18.0), sig(None, 0.0))) == []
    assert split_findings(VOTING, None, {}, FIVE_MINUTES) == []
    assert health(findings(sig(None, 0.0), sig(0.97, 2.0))) == []


def test_absolute_floor_applies_without_a_stable_figure() -> None:
    """A backend below the bad level on enough requests is failing whatever its stable does."""
    (finding,) = health(findings(sig(None, 0.0), sig(0.90, 2.0)))
    assert finding.message == "voting-v2-svc: success 90.0%, below 95% (5m, 600 req)"


def test_shares_are_judged_only_a_full_window_after_a_change() -> None:
    """"weight 50% but 69%" 30 s after a change is the old weights still in the window."""
    split = route({"voting-svc": 50, "voting-v2-svc": 50})
    stable, canary = sig(0.99, 13.8), sig(0.99, 6.2)
    assert findings(stable, canary, split=split, since_change=30.0) == []
    assert findings(stable, canary, split=split, since_change=299.0) == []
    (finding,) = [f for f in findings(stable, canary, split=split, since_change=300.0)
                  if f.backend == "voting-svc"]
    assert finding.kind == "share"
    assert finding.message == "voting-svc: weight 50% but 69% of requests (5m)"


def test_no_requests_only_once_the_window_is_full() -> None:
    """In the first seconds nothing has been counted yet: "received no requests" waits for a full window."""
    starving = (sig(0.99, 18.0), GoldenSignals(rps=0.0))
    assert findings(*starving, window=Window(60.0, covered=5.0)) == []
    (finding,) = findings(*starving, window=Window(60.0, covered=60.0))
    assert finding.kind == "no-requests"
    assert "voting-v2-svc should get 10% of the traffic but received no requests" in finding.message
    assert findings(GoldenSignals(rps=0.0), GoldenSignals(rps=0.0), Window(60.0)) == []


def test_plan_waiting_for_approval_is_a_reason() -> None:
    """A plan waiting for approval needs a human: it is flagged and named."""
    health = split_health(VOTING, None, {}, awaiting_approval=True)
    assert health.attention and health.reasons == ("awaiting approval",)
    assert [f.message for f in health.findings] == ["plan waiting for approval"]


def test_findings_are_the_reasons_of_the_attention_mark() -> None:
    """Every finding's short reason is on the split's verdict, the failing figure first."""
    health = split_health(VOTING, None, {STABLE: sig(0.991, 18.0, p99=25.0), CANARY: sig(0.912, 2.0, p99=230.0)},
                          window=FIVE_MINUTES)
    assert health.attention
    assert health.reasons == ("canary success 91%", "canary p99 230 ms")
    assert [f.kind for f in health.findings] == ["success", "latency"]


def test_thresholds_come_from_the_policy() -> None:
    """A stricter drop or a higher request minimum changes the verdict."""
    stable, canary = sig(0.995, 18.0), sig(0.97, 2.0)
    assert findings(stable, canary)
    assert not split_findings(VOTING, None, {STABLE: stable, CANARY: canary}, FIVE_MINUTES,
                              policy=HealthPolicy(success_drop_points=5.0))
    assert not split_findings(VOTING, None, {STABLE: stable, CANARY: canary}, FIVE_MINUTES,
                              policy=HealthPolicy(min_requests=1000))


def test_window_labels() -> None:
    """A full window is named alone, a partial one by what it covers."""
    assert Window(300.0).label == "5m"
    assert Window(300.0, covered=62.0).label == "1m2s of 5m"
    assert Window(300.0, covered=299.0).full
    assert not Window(300.0, covered=200.0).full


def test_written_at_reads_managed_fields_but_not_status() -> None:
    """The latest spec write counts; a status update does not move traffic; else the creation time."""
    meta = {"creationTimestamp": "2026-01-01T00:00:00Z", "managedFields": [
        {"manager": "kubectl", "time": "2026-01-01T00:01:00Z"},
        {"manager": "flagger", "time": "2026-01-01T00:05:00Z", "subresource": "status"},
    ]}
    assert written_at(route({"a": 1}, meta=meta)) == 1767225660.0
    assert written_at(route({"a": 1}, meta={"creationTimestamp": "2026-01-01T00:00:00Z"})) == 1767225600.0
    assert written_at(route({"a": 1}, meta={"managedFields": [{"time": 7}]})) is None


@QUICK
@given(stable=st.floats(0.9, 1.0), canary=st.floats(0.0, 1.0), rps=st.floats(0.01, 50.0),
       requests=st.floats(0.0, 19.9))
def test_no_success_verdict_from_fewer_than_twenty_requests(stable: float, canary: float, rps: float,
                                                          requests: float) -> None:
    """Whatever the rates, a canary with under 20 requests in the covered window gets no success verdict."""
    window = Window(300.0, covered=min(300.0, requests / rps))
    found = findings(sig(stable, 50.0), sig(canary, rps), window)
    assert not [f for f in found if f.backend == "voting-v2-svc" and f.kind == "success"]
