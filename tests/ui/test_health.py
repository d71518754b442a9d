"""Health marks, needs-attention and share mismatches (pure model code, no app)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from meshtui.model.health import (
    HealthPolicy,
    backend_role,
    observed_shares,
    share_mismatch,
    signal_mark,
    split_health,
    worst,
)
from meshtui.model.signals import BackendKey, GoldenSignals
from meshtui.model.split import Split, parse_split


def traffic_split(weights: dict[str, object], *, service: str = "web", namespace: str = "shop") -> Split:
    return parse_split({
        "apiVersion": "split.smi-spec.io/v1alpha2", "kind": "TrafficSplit",
        "metadata": {"name": service, "namespace": namespace, "resourceVersion": "1"},
        "spec": {"service": service,
                 "backends": [{"service": name, "weight": weight} for name, weight in weights.items()]},
    })


def sig(success: float | None, rps: float | None) -> GoldenSignals:
    return GoldenSignals(success_rate=success, rps=rps, p50_ms=1.0, p95_ms=2.0, p99_ms=3.0)


@dataclass(frozen=True)
class FakeRollout:
    phase: str = "Progressing"
    paused: bool = False
    aborted: bool = False


@pytest.mark.parametrize(("signals", "mark"), [
    (None, "none"),
    (sig(None, 5.0), "none"),
    (sig(1.0, 0.0), "none"),
    (sig(1.0, 5.0), "ok"),
    (sig(0.98, 5.0), "warn"),
    (sig(0.5, 5.0), "bad"),
])
def test_signal_marks(signals: GoldenSignals | None, mark: str) -> None:
    """No traffic or no data is "none", never "ok"; success rate sets the rest."""
    assert signal_mark(signals) == mark


def test_worst_orders_marks() -> None:
    """Severity: none < ok < warn < bad."""
    assert worst(["ok", "none", "warn"]) == "warn"
    assert worst([]) == "none"
    assert worst(["bad", "ok"]) == "bad"


def test_roles_of_a_canary_split() -> None:
    """The apex service is stable; the other of two backends is the canary."""
    split = traffic_split({"web": 90, "web-v2": 10})
    assert [backend_role(split, b) for b in split.backends] == ["stable", "canary"]
    flagger = traffic_split({"web-primary": 100, "web-canary": 0})
    assert [backend_role(flagger, b) for b in flagger.backends] == ["stable", "canary"]


def test_healthy_split_needs_no_attention() -> None:
    """Good signals on every backend: ok, no reasons."""
    split = traffic_split({"web": 90, "web-canary": 10})
    signals = {BackendKey("shop", "web"): sig(1.0, 9.0), BackendKey("shop", "web-canary"): sig(1.0, 1.0)}
    health = split_health(split, None, signals)
    assert (health.mark, health.attention, health.note) == ("ok", False, "")


def test_failing_canary_needs_attention() -> None:
    """A canary below the bad threshold marks the split bad and flags it, naming the figure."""
    split = traffic_split({"web": 90, "web-canary": 10})
    signals = {BackendKey("shop", "web"): sig(1.0, 9.0), BackendKey("shop", "web-canary"): sig(0.6, 1.0)}
    health = split_health(split, None, signals)
    assert health.mark == "bad"
    assert health.attention
    assert health.reasons[0] == "canary success 60%"


def test_paused_and_aborted_owners_need_attention() -> None:
    """A paused rollout or an aborted one is flagged even with good signals."""
    split = traffic_split({"web": 50, "web-canary": 50})
    assert split_health(split, FakeRollout(paused=True)).reasons == ("paused",)
    aborted = split_health(split, FakeRollout(phase="Degraded", aborted=True))
    assert aborted.attention and aborted.mark == "bad" and "aborted" in aborted.reasons


def test_problems_count_and_mark_warn() -> None:
    """A malformed weight is a problem: warn, and the note counts problems."""
    split = traffic_split({"web": "lots", "web-canary": 10})
    assert split.problems
    health = split_health(split)
    assert health.mark == "warn" and health.attention
    assert health.note.endswith("problem") or health.note.endswith("problems")


def test_observed_shares_need_enough_traffic() -> None:
    """Shares are percent of the split's rps, or None under the minimum rps."""
    split = traffic_split({"web": 50, "web-canary": 50})
    busy = {BackendKey("shop", "web"): sig(1.0, 30.0), BackendKey("shop", "web-canary"): sig(1.0, 10.0)}
    assert observed_shares(split, busy) == {"web": 75.0, "web-canary": 25.0}
    quiet = {BackendKey("shop", "web"): sig(1.0, 0.3), BackendKey("shop", "web-canary"): sig(1.0, 0.1)}
    assert observed_shares(split, quiet) == {"web": None, "web-canary": None}


@pytest.mark.parametrize(("configured", "observed", "flag"), [
    (50.0, 75.0, True), (50.0, 59.0, False), (50.0, None, False), (None, 20.0, False), (10.0, 0.0, False),
])
def test_share_mismatch_threshold(configured: float | None, observed: float | None, flag: bool) -> None:
    """Flag only a gap above the threshold (10 points by default) with both numbers known."""
    assert share_mismatch(configured, observed, HealthPolicy()) is flag


def test_stable_below_warn_is_marked_but_not_flagged() -> None:
    """A stable backend at 98% is "warn" but needs no human; at 90% it does."""
    split = traffic_split({"web": 90, "web-canary": 10})
    canary_ok = sig(1.0, 1.0)
    warn = split_health(split, None, {BackendKey("shop", "web"): sig(0.98, 9.0),
                                      BackendKey("shop", "web-canary"): canary_ok})
    assert (warn.mark, warn.attention) == ("warn", False)
    bad = split_health(split, None, {BackendKey("shop", "web"): sig(0.9, 9.0),
                                     BackendKey("shop", "web-canary"): canary_ok})
    assert (bad.mark, bad.attention, bad.reasons) == ("bad", True, ("web success 90%",))


def test_owner_state_names_the_canary() -> None:
    """An Argo Rollout's canaryService decides the role, whatever the names look like."""

    @dataclass(frozen=True)
    class Rollout:
        phase: str = "Progressing"
        paused: bool = False
        aborted: bool = False
        canary_service: str = "web-next"
        stable_service: str = "web-now"

    split = traffic_split({"web-now": 80, "web-next": 20})
    assert [backend_role(split, b, Rollout()) for b in split.backends] == ["stable", "canary"]
