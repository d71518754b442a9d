"""Tests of choosing the stable and the canary backend."""

from __future__ import annotations

from typing import Any

from meshtui.model.owners import CanaryState, RolloutState
from meshtui.model.roles import stable_and_canary
from meshtui.model.split import parse_split


def ts(backends: list[tuple[str, int]], service: str = "web", annotations: dict[str, str] | None = None):
    """A parsed TrafficSplit with the given (service, weight) backends."""
    return parse_split({"apiVersion": "split.smi-spec.io/v1alpha2", "kind": "TrafficSplit",
                        "metadata": {"name": "web", "namespace": "prod", "annotations": annotations or {}},
                        "spec": {"service": service,
                                 "backends": [{"service": n, "weight": w} for n, w in backends]}})


def test_apex_backend_is_stable() -> None:
    """The backend that is the split's own service is stable even with less weight."""
    assert stable_and_canary(ts([("web-v2", 90), ("web", 10)])) == (1, 0)


def test_flagger_primary_is_stable() -> None:
    """With a Canary owner, <apex>-primary is stable and <apex>-canary the canary."""
    state = CanaryState.from_object({"spec": {"targetRef": {"name": "web"}}})
    split = ts([("web-canary", 100), ("web-primary", 0), ("web-other", 5)])
    assert stable_and_canary(split, state) == (1, 0)


def test_naming_convention_without_owner() -> None:
    """Without owner state, <apex>-primary still beats the heavier canary."""
    assert stable_and_canary(ts([("web-canary", 100), ("web-primary", 0)])) == (1, 0)


def test_rollout_stable_service() -> None:
    """A Rollout's stableService is stable."""
    state = RolloutState.from_object({"spec": {"strategy": {"canary": {
        "stableService": "s", "canaryService": "c"}}}})
    assert stable_and_canary(ts([("c", 80), ("s", 20)], service="root"), state) == (1, 0)


def test_annotation_then_weight() -> None:
    """The meshtui.io/stable annotation names stable; otherwise the heaviest backend is."""
    assert stable_and_canary(ts([("a", 80), ("b", 20)], service="x",
                                annotations={"meshtui.io/stable": "b"})) == (1, 0)
    assert stable_and_canary(ts([("a", 20), ("b", 80)], service="x")) == (1, 0)
    assert stable_and_canary(ts([("a", 50), ("b", 10), ("c", 40)], service="x")) == (0, 2)


def test_degenerate_splits() -> None:
    """One backend has no canary; no backends have neither."""
    assert stable_and_canary(ts([("a", 1)], service="x")) == (0, None)
    assert stable_and_canary(ts([], service="x")) == (None, None)


def test_only_first_rule_counts() -> None:
    """Roles are picked within the first rule; indexes point into split.backends."""
    route: dict[str, Any] = {
        "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
        "metadata": {"name": "r", "namespace": "prod"},
        "spec": {"parentRefs": [{"kind": "Service", "group": "", "name": "web"}], "rules": [
            {"backendRefs": [{"name": "x", "port": 80, "weight": 1}, {"name": "y", "port": 80, "weight": 9}]},
            {"backendRefs": [{"name": "web", "port": 80, "weight": 1}]}]}}
    assert stable_and_canary(parse_split(route)) == (1, 0)
