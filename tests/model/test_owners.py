"""Tests of reading Flagger Canaries and Argo Rollouts."""

from __future__ import annotations

from typing import Any

from meshtui.model.owners import CanaryState, RolloutState


def canary(**status: Any) -> dict[str, Any]:
    """A Flagger Canary with two gating webhooks."""
    return {
        "apiVersion": "flagger.app/v1beta1", "kind": "Canary",
        "metadata": {"name": "podinfo", "namespace": "test"},
        "spec": {
            "targetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "podinfo"},
            "service": {"name": "podinfo-svc", "port": 9898},
            "suspend": True,
            "analysis": {"interval": "1m", "maxWeight": 50, "stepWeight": 5, "webhooks": [
                {"name": "gate", "type": "confirm-promotion", "url": "http://flagger-loadtester/gate/check"},
                {"name": "rb", "type": "rollback", "url": "http://flagger-loadtester/rollback/check"},
                {"name": "load", "url": "http://flagger-loadtester/"},
            ]},
        },
        "status": status,
    }


def test_canary_state() -> None:
    """Phase, weight, checks, suspension, webhooks and apex are read from the Canary."""
    state = CanaryState.from_object(canary(phase="WaitingPromotion", canaryWeight=50, failedChecks=2,
                                           iterations=3))
    assert (state.name, state.namespace, state.phase) == ("podinfo", "test", "WaitingPromotion")
    assert (state.canary_weight, state.failed_checks, state.iterations) == (50, 2, 3)
    assert state.suspended and not state.skip_analysis
    assert (state.target, state.apex) == ("podinfo", "podinfo-svc")
    assert (state.primary_service, state.canary_service) == ("podinfo-svc-primary", "podinfo-svc-canary")
    assert (state.max_weight, state.step_weight) == (50, 5)
    assert state.has_confirm_promotion and state.confirm_promotion_urls == ("http://flagger-loadtester/gate/check",)
    assert state.has_rollback and state.rollback_urls == ("http://flagger-loadtester/rollback/check",)
    assert state.webhooks[2].type == "rollout"


def test_canary_tolerates_missing_fields() -> None:
    """A Canary Flagger has not seen yet, or a broken one, still reads."""
    state = CanaryState.from_object({"metadata": {"name": "x"}, "spec": {"analysis": {"stepWeights": [1, 10, 30]}}})
    assert state.phase == "" and state.canary_weight is None and state.failed_checks == 0
    assert state.max_weight == 30 and state.apex == "" and state.primary_service == ""
    assert not state.has_confirm_promotion and not state.suspended
    assert CanaryState.from_object({"spec": "junk", "status": []}).name == ""


def rollout(status: dict[str, Any], paused: bool = False, routing: dict[str, Any] | None = None) -> dict[str, Any]:
    """An Argo Rollout with four canary steps."""
    return {
        "apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
        "metadata": {"name": "demo", "namespace": "test"},
        "spec": {"paused": paused, "strategy": {"canary": {
            "canaryService": "demo-canary", "stableService": "demo-stable",
            "trafficRouting": routing if routing is not None else {"smi": {}},
            "steps": [{"setWeight": 20}, {"pause": {}}, {"setWeight": 60}, {"pause": {"duration": "1m"}}],
        }}},
        "status": status,
    }


def test_rollout_paused_on_a_step() -> None:
    """A pause condition makes the phase Paused; the set weight is the last setWeight so far."""
    state = RolloutState.from_object(rollout({
        "currentStepIndex": 1, "phase": "Paused",
        "pauseConditions": [{"reason": "CanaryPauseStep", "startTime": "2024-01-01T00:00:00Z"}]}))
    assert (state.phase, state.message) == ("Paused", "CanaryPauseStep")
    assert (state.current_step_index, state.step_count, state.set_weight) == (1, 4, 20)
    assert state.paused and not state.spec_paused and not state.aborted
    assert state.pause_conditions == ("CanaryPauseStep",)
    assert (state.canary_service, state.stable_service) == ("demo-canary", "demo-stable")
    assert state.traffic_split_name == "demo"
    assert not state.completed


def test_rollout_manual_pause_and_abort() -> None:
    """spec.paused is a manual pause; abort makes it Degraded with weight back to 0."""
    assert RolloutState.from_object(rollout({"currentStepIndex": 2}, paused=True)).phase == "Paused"
    assert RolloutState.from_object(rollout({"currentStepIndex": 2}, paused=True)).message == "manually paused"
    aborted = RolloutState.from_object(rollout({"currentStepIndex": 2, "abort": True}))
    assert aborted.phase == "Degraded" and aborted.aborted and aborted.set_weight == 0


def test_rollout_degraded_conditions_and_completion() -> None:
    """A timed-out Progressing condition is Degraded; past the last step the weight is 100."""
    timed_out = RolloutState.from_object(rollout({"conditions": [
        {"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded", "message": "late"}]}))
    assert (timed_out.phase, timed_out.message) == ("Degraded", "late")
    done = RolloutState.from_object(rollout({"currentStepIndex": 4, "phase": "Healthy", "promoteFull": True}))
    assert (done.phase, done.set_weight, done.completed, done.promote_full) == ("Healthy", 100, True, True)
    at_third = RolloutState.from_object(rollout({"currentStepIndex": 3}))
    assert at_third.set_weight == 60 and at_third.phase == "Progressing"


def test_rollout_routing_names() -> None:
    """The SMI split name and the Gateway API plugin's routes are read from trafficRouting."""
    smi = RolloutState.from_object(rollout({}, routing={"smi": {"trafficSplitName": "ts", "rootService": "r"}}))
    assert smi.traffic_split_name == "ts" and smi.http_routes == ()
    plugin = RolloutState.from_object(rollout({}, routing={"plugins": {"argoproj-labs/gatewayAPI": {
        "httpRoute": "route-a", "httpRoutes": [{"name": "route-b"}, {"name": "route-a"}]}}}))
    assert plugin.traffic_split_name == "" and plugin.http_routes == ("route-a", "route-b")


def test_rollout_tolerates_missing_fields() -> None:
    """An empty Rollout reads as progressing at step 0 with no steps."""
    state = RolloutState.from_object({})
    assert (state.phase, state.step_count, state.current_step_index) == ("Progressing", 0, None)
    assert state.set_weight == 100 and not state.paused
