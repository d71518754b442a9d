"""Scenario 6, owners: Flagger Canaries, Argo Rollouts and linkerd-failover splits, fuzzed.

`CanaryState.from_object` / `RolloutState.from_object` / `FailoverState.from_object` never raise;
the owner state reaches
`MeshState`, the health judgement, the navigator's rows and the action planner without a crash.
"""

from __future__ import annotations

import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meshtui.model.actions import plan_action
from meshtui.model.owners import CanaryState, FailoverState, RolloutState
from meshtui.model.split import parse_split
from tests.reliability import figures
from tests.reliability.fuzzing import CASES, fuzz_settings, render
from tests.reliability.strategies import JSON, WEIRD, arbitrary_splits, canaries, rollouts, trafficsplits

ACTIONS = ("pause", "resume", "promote", "promote-full", "abort", "retry")


pytestmark = pytest.mark.heavy


def teardown_module() -> None:
    """Record how many cases this module ran."""
    figures.record("fuzz_owners", **{k: v for k, v in CASES.items() if k.startswith("owners.")})


def _owned_split(split_obj: dict, kind: str, name: str) -> dict:
    obj = copy.deepcopy(split_obj)
    obj["metadata"]["namespace"] = "default"
    api = "flagger.app/v1beta1" if kind == "Canary" else "argoproj.io/v1alpha1"
    obj["metadata"]["ownerReferences"] = [{"apiVersion": api, "kind": kind, "name": name,
                                           "uid": "u", "controller": True}]
    return obj


def _exercise(owner: dict, split_obj: dict) -> None:
    meta = owner.get("metadata") if isinstance(owner.get("metadata"), dict) else {}
    meta["namespace"] = "default"
    kind = owner["kind"]
    owned = _owned_split(split_obj, kind, str(meta.get("name") or "x"))
    splits = render([owner, owned])
    state = (CanaryState if kind == "Canary" else RolloutState).from_object(owner)
    for split in splits or [parse_split(owned)]:
        for action in ACTIONS:
            plan_action(split, state, action)


@fuzz_settings(1000)
@given(canaries(), trafficsplits())
def test_canaries_never_crash(owner, split_obj) -> None:
    CASES["owners.canary"] += 1
    _exercise(owner, split_obj)


@fuzz_settings(1000)
@given(rollouts(), trafficsplits())
def test_rollouts_never_crash(owner, split_obj) -> None:
    CASES["owners.rollout"] += 1
    _exercise(owner, split_obj)


@fuzz_settings(500)
@given(arbitrary_splits(), st.one_of(WEIRD, JSON))
def test_failover_splits_never_crash(split_obj, primary) -> None:
    CASES["owners.failover"] += 1
    obj = copy.deepcopy(split_obj)
    if isinstance(obj.get("metadata"), dict):
        obj["metadata"]["labels"] = {"failover.linkerd.io/controlled-by": "linkerd-failover"}
        obj["metadata"]["annotations"] = {"failover.linkerd.io/primary-service": primary}
    state = FailoverState.from_object(obj)
    for split in render([obj]) or []:
        for action in ACTIONS:
            plan_action(split, state, action)
