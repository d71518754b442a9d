"""Tests of planning actions for splits and their owners, and of revert detection."""

from __future__ import annotations

from typing import Any

import pytest

from meshtui.model.actions import ActionPlan, ProxyPost, Unavailable, detect_revert, plan_action
from meshtui.model.owners import CanaryState, RolloutState
from meshtui.model.write_descriptions import MERGE_PATCH
from meshtui.model.split import parse_split


def split(owner_refs: list[dict[str, Any]] | None = None, weights: tuple[str, str] = ("90", "10")):
    """A TrafficSplit web -> web-primary / web-canary."""
    meta: dict[str, Any] = {"name": "web", "namespace": "prod", "resourceVersion": "5"}
    if owner_refs:
        meta["ownerReferences"] = owner_refs
    return parse_split({"apiVersion": "split.smi-spec.io/v1alpha1", "kind": "TrafficSplit", "metadata": meta,
                        "spec": {"service": "web", "backends": [{"service": "web-primary", "weight": weights[0]},
                                                                {"service": "web-canary", "weight": weights[1]}]}})


def test_unowned_promote_and_abort_write_weights() -> None:
    """Without an owner, promote sends everything to the canary and abort to stable."""
    promote = plan_action(split(), None, "promote")
    assert isinstance(promote, ActionPlan) and promote.controller == "none"
    assert promote.weights is not None and promote.weights.after == (0, 100)
    assert promote.weights.diff() == ["web-primary 90% → 0%", "web-canary 10% → 100%"]
    assert promote.weights.points_moved == 90
    (write,) = promote.writes
    assert write.patch["spec"]["backends"][1]["weight"] == "100"
    abort = plan_action(split(), None, "abort")
    assert isinstance(abort, ActionPlan) and abort.weights.after == (100, 0)


@pytest.mark.parametrize("action", ["pause", "resume", "promote-full", "retry"])
def test_unowned_split_has_no_plan_to_pause(action: str) -> None:
    """Pausing and the like need a controller."""
    result = plan_action(split(), None, action)
    assert isinstance(result, Unavailable) and "no progressive plan" in result.reason


def test_unowned_abort_when_already_stable() -> None:
    """Nothing to do is reported, not planned."""
    result = plan_action(split(weights=("100", "0")), None, "abort")
    assert isinstance(result, Unavailable) and "already" in result.reason


def test_owned_split_without_state_is_unavailable() -> None:
    """A split Flagger drives is not written directly, even if its Canary is not visible."""
    refs = [{"apiVersion": "flagger.app/v1beta1", "kind": "Canary", "name": "web", "controller": True}]
    result = plan_action(split(refs), None, "promote")
    assert isinstance(result, Unavailable) and "Canary web" in result.reason


def canary(suspend: bool = False, hooks: list[dict[str, str]] | None = None) -> CanaryState:
    """A Canary state with optional webhooks."""
    return CanaryState.from_object({"metadata": {"name": "web", "namespace": "prod"},
                                    "spec": {"suspend": suspend, "targetRef": {"name": "web"},
                                             "analysis": {"webhooks": hooks or []}}})


def test_flagger_pause_and_resume_toggle_suspend() -> None:
    """Pause sets spec.suspend; resume clears it; repeating is unavailable."""
    pause = plan_action(split(), canary(), "pause")
    assert isinstance(pause, ActionPlan) and pause.controller == "flagger"
    (write,) = pause.writes
    assert (write.patch, write.patch_type, str(write.target)) == (
        {"spec": {"suspend": True}}, MERGE_PATCH, "canary/prod/web")
    assert isinstance(plan_action(split(), canary(suspend=True), "pause"), Unavailable)
    resume = plan_action(split(), canary(suspend=True), "resume")
    assert isinstance(resume, ActionPlan) and resume.writes[0].patch == {"spec": {"suspend": False}}


def test_flagger_promote_and_abort_open_load_tester_gates() -> None:
    """The gate named by the webhook is opened through the service proxy."""
    state = canary(hooks=[
        {"name": "g", "type": "confirm-promotion", "url": "http://flagger-loadtester.test/gate/check"},
        {"name": "r", "type": "rollback", "url": "http://flagger-loadtester:8080/rollback/check"}])
    promote = plan_action(split(), state, "promote")
    assert isinstance(promote, ActionPlan)
    (write,) = promote.writes
    assert write.target == ProxyPost("test", "flagger-loadtester", 80, "/gate/open")
    assert write.patch == {"name": "web", "namespace": "prod"}
    abort = plan_action(split(), state, "abort")
    assert isinstance(abort, ActionPlan)
    assert abort.writes[0].target == ProxyPost("prod", "flagger-loadtester", 8080, "/rollback/open")


def test_flagger_without_gates_explains_why() -> None:
    """No webhook, or one that is not a load tester gate, makes promote unavailable with a reason."""
    assert "no confirm-promotion webhook" in plan_action(split(), canary(), "promote").reason
    halt = canary(hooks=[{"name": "g", "type": "confirm-promotion", "url": "http://lt.test/gate/halt"}])
    assert "not a load tester" in plan_action(split(), halt, "promote").reason
    assert isinstance(plan_action(split(), canary(), "retry"), Unavailable)


def rollout(status: dict[str, Any], paused: bool = False) -> RolloutState:
    """A Rollout state with three steps."""
    return RolloutState.from_object({"metadata": {"name": "web", "namespace": "prod"},
                                     "spec": {"paused": paused, "strategy": {"canary": {
                                         "steps": [{"setWeight": 10}, {"pause": {}}, {"setWeight": 50}]}}},
                                     "status": status})


def test_argo_promote_clears_pause_conditions_on_status() -> None:
    """Promote unpauses spec and clears status.pauseConditions (status subresource)."""
    state = rollout({"currentStepIndex": 1, "pauseConditions": [{"reason": "CanaryPauseStep"}]}, paused=True)
    plan = plan_action(split(), state, "promote")
    assert isinstance(plan, ActionPlan) and plan.controller == "argo-rollouts"
    assert [(w.patch, w.subresource) for w in plan.writes] == [
        ({"spec": {"paused": False}}, ""), ({"status": {"pauseConditions": None}}, "status")]


def test_argo_promote_steps_forward_without_pause_conditions() -> None:
    """Without a pause condition, promote moves to the next step, as the Argo CLI does."""
    plan = plan_action(split(), rollout({"currentStepIndex": 0}), "promote")
    assert isinstance(plan, ActionPlan)
    assert plan.writes[0].patch == {"status": {"pauseConditions": None, "currentStepIndex": 1}}
    assert isinstance(plan_action(split(), rollout({"currentStepIndex": 3}), "promote"), Unavailable)


@pytest.mark.parametrize(
    ("action", "status", "paused", "patch", "subresource"),
    [("pause", {}, False, {"spec": {"paused": True}}, ""),
     ("resume", {}, True, {"spec": {"paused": False}}, ""),
     ("abort", {}, False, {"status": {"abort": True}}, "status"),
     ("retry", {"abort": True}, False, {"status": {"abort": False}}, "status"),
     ("promote-full", {}, False, {"status": {"promoteFull": True}}, "status")],
)
def test_argo_patches(action: str, status: dict[str, Any], paused: bool, patch: dict[str, Any],
                      subresource: str) -> None:
    """Each Argo action sends the patch the kubectl plugin sends."""
    plan = plan_action(split(), rollout(status, paused), action)
    assert isinstance(plan, ActionPlan)
    assert (plan.writes[-1].patch, plan.writes[-1].subresource) == (patch, subresource)


@pytest.mark.parametrize(("action", "status", "paused"), [("pause", {}, True), ("resume", {}, False),
                                                          ("abort", {"abort": True}, False), ("retry", {}, False)])
def test_argo_actions_that_would_change_nothing(action: str, status: dict[str, Any], paused: bool) -> None:
    """Repeating a state change is unavailable, with a reason."""
    result = plan_action(split(), rollout(status, paused), action)
    assert isinstance(result, Unavailable) and result.reason


def test_unknown_action() -> None:
    """An action meshtui does not know is unavailable, naming the valid ones."""
    result = plan_action(split(), None, "explode")
    assert isinstance(result, Unavailable) and "promote-full" in result.reason


def test_detect_revert() -> None:
    """A change after our write names the last other manager and the delay."""
    fields = [{"manager": "meshtui", "time": "2024-01-01T00:00:09Z"},
              {"manager": "rollouts-controller", "time": "2024-01-01T00:00:05Z"},
              {"manager": "kubectl", "time": "2024-01-01T00:00:01Z"}]
    assert detect_revert([0, 100], [0, 100], fields, 2.0) is None
    assert detect_revert([0, 100], [90, 10], fields, 2.2) == "reverted by argo-rollouts after 2 s"
    assert detect_revert([0, 100], [90, 10], [{"manager": "kubectl"}], 5) == "changed by kubectl after 5 s"
    assert detect_revert([0, 100], [90, 10], None, 1) == "changed by another writer after 1 s"
