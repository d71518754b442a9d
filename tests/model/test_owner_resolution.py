"""One owner resolution from every mark the controllers leave, on manifests like the real ones."""

from __future__ import annotations

from typing import Any

import pytest

from meshtui.model._owner_index import resolve_owners
from meshtui.model.actions import manual_weights_warning, plan_action, weights_reset
from meshtui.model.mesh import MeshState
from meshtui.model.owners import FailoverState, Owner
from meshtui.model.write_descriptions import Unavailable
from meshtui.model.split import Split, parse_split
from tests.model.manifests import (
    argo_rollout,
    argo_route,
    failover_split,
    flagger_canary,
    flagger_route,
    flagger_split,
)


def resolved(split_obj: dict[str, Any], **owners: list[dict[str, Any]]) -> Split:
    """The split as `get splits` resolves it, checked equal to what MeshState (the dashboard) says."""
    cli = resolve_owners([parse_split(split_obj)], owners)[0]
    state = MeshState()
    resource = "trafficsplits" if split_obj["kind"] == "TrafficSplit" else "httproutes.gateway.networking.k8s.io"
    state.replace(resource, [split_obj])
    for key, objects in owners.items():
        state.replace(key, objects)
    (dashboard,) = state.splits()
    assert dashboard.owner == cli.owner
    return cli


def who(split: Split) -> tuple[str, str, str, str] | None:
    owner = split.owner
    return None if owner is None else (owner.controller, owner.kind, owner.name, owner.namespace)


def test_flagger_split_without_owner_references_names_its_canary() -> None:
    # Before: `get splits` said {"kind": "Canary", "name": ""}.
    split = resolved(flagger_split(), canaries=[flagger_canary()])
    assert who(split) == ("flagger", "Canary", "podinfo", "")
    assert split.to_json()["owner"] == {"kind": "Canary", "name": "podinfo", "controller": "flagger"}


def test_flagger_split_without_any_mark_is_the_canarys_by_its_primary_backend() -> None:
    assert who(resolved(flagger_split(marks=False), canaries=[flagger_canary()])) == \
        ("flagger", "Canary", "podinfo", "")


def test_flagger_gateway_route_is_the_canarys_through_its_gateway_refs() -> None:
    # A route named after the apex under the Canary's gatewayRefs, even with renamed backends.
    route = flagger_route(primary="podinfo-stable")
    assert who(resolved(route, canaries=[flagger_canary(gateway=True)])) == ("flagger", "Canary", "podinfo", "")
    # Without gatewayRefs nothing ties that route to the Canary.
    assert resolved(route, canaries=[flagger_canary()]).owner is None


@pytest.mark.parametrize("manager,label", [("gatewayAPI", False), (None, True), (None, False)])
def test_argo_plugin_route_names_its_rollout(manager: str | None, label: bool) -> None:
    # The plugin's manager is its binary's name; between canaries it removes its label, and a
    # route with no mark left is still the one the Rollout names.
    rollout = argo_rollout(plugin={"httpRoute": "argo-rollouts-http-route", "namespace": "default"})
    split = resolved(argo_route(manager=manager, label=label), rollouts=[rollout])
    assert who(split) == ("argo-rollouts", "Rollout", "rollouts-demo", "")


def test_argo_plugin_routes_list_and_another_namespace() -> None:
    rollout = argo_rollout(plugin={"httpRoutes": [{"name": "route-a", "useHeaderRoutes": True},
                                                  {"name": "route-b"}], "namespace": "edge"})
    split = resolved(argo_route("route-b", namespace="edge"), rollouts=[rollout])
    assert who(split) == ("argo-rollouts", "Rollout", "rollouts-demo", "default")
    # The same name in the Rollout's own namespace is not the plugin's route.
    assert resolved(argo_route("route-b", namespace="default", manager=None), rollouts=[rollout]).owner is None


def test_argo_smi_split_name_and_default() -> None:
    split_obj = {**flagger_split(namespace="default", marks=False),
                 "metadata": {"name": "demo-split", "namespace": "default"}}
    rollout = argo_rollout(smi={"rootService": "root", "trafficSplitName": "demo-split"})
    assert who(resolved(split_obj, rollouts=[rollout])) == ("argo-rollouts", "Rollout", "rollouts-demo", "")
    unnamed = argo_rollout(smi={})
    default = {**split_obj, "metadata": {"name": "rollouts-demo", "namespace": "default"}}
    assert who(resolved(default, rollouts=[unnamed])) == ("argo-rollouts", "Rollout", "rollouts-demo", "")


def test_a_mark_of_one_controller_does_not_take_another_controllers_claim() -> None:
    # Flagger's manager on a split the Rollout names: the Canary is not there, so no name.
    split_obj = {**flagger_split(namespace="default"),
                 "metadata": {**flagger_split()["metadata"], "name": "demo", "namespace": "default"}}
    rollout = argo_rollout(smi={"trafficSplitName": "demo"})
    assert who(resolved(split_obj, rollouts=[rollout])) == ("flagger", "Canary", "", "")


def test_failover_split_is_owned_by_linkerd_failover() -> None:
    split = resolved(failover_split())
    assert who(split) == ("linkerd-failover", "TrafficSplit", "sample-svc", "")
    assert split.to_json()["owner"] == {"kind": "TrafficSplit", "name": "sample-svc",
                                        "controller": "linkerd-failover"}
    state = MeshState()
    state.replace("trafficsplits", [failover_split()])
    found = state.owner_state(state.splits()[0])
    assert isinstance(found, FailoverState)
    assert (found.primary, found.serving, found.phase) == ("sample-svc", ("sample-svc",), "Primary")


def test_failover_warning_and_actions() -> None:
    split = parse_split(failover_split())
    assert split.owner is not None
    state = FailoverState.from_object(failover_split())
    warning = manual_weights_warning(split.owner)
    assert warning.startswith("linkerd-failover owns this split")
    assert "readiness" in warning and "failover.linkerd.io/controlled-by" in warning
    assert weights_reset(split.owner, state)
    # Without the primary annotation linkerd-failover skips the split: nothing resets weights.
    assert not weights_reset(split.owner, FailoverState.from_object(failover_split(primary=None)))
    for action in ("pause", "promote", "abort"):
        assert isinstance(plan_action(split, state, action), Unavailable)


def test_failover_phases() -> None:
    failed_over = failover_split()
    failed_over["spec"]["backends"] = [{"service": "sample-svc", "weight": 0},
                                       {"service": "sample-svc-central1", "weight": 1},
                                       {"service": "sample-svc-east1", "weight": "1"}]
    state = FailoverState.from_object(failed_over)
    assert (state.phase, state.serving) == ("FailedOver", ("sample-svc-central1", "sample-svc-east1"))
    assert FailoverState.from_object(failover_split(primary=None)).phase == "Unconfigured"


def test_the_label_only_counts_on_a_trafficsplit() -> None:
    route = argo_route(manager=None)
    route["metadata"]["labels"] = {"failover.linkerd.io/controlled-by": "linkerd-failover"}
    assert parse_split(route).owner is None


def test_owner_of_another_namespace_is_read_there() -> None:
    rollout = argo_rollout(plugin={"httpRoute": "edge-route", "namespace": "edge"})
    state = MeshState()
    state.replace("httproutes.gateway.networking.k8s.io", [argo_route("edge-route", namespace="edge")])
    state.replace("rollouts", [rollout])
    split = state.splits()[0]
    assert split.owner == Owner("Rollout", "rollouts-demo", "argoproj.io/v1alpha1", "argo-rollouts", "default")
    owner_state = state.owner_state(split)
    assert owner_state is not None and owner_state.name == "rollouts-demo"


def test_failed_over_split_needs_attention() -> None:
    from meshtui.model.health import split_health

    failed_over = failover_split()
    failed_over["spec"]["backends"][0]["weight"] = 0
    failed_over["spec"]["backends"][1]["weight"] = 1
    health = split_health(parse_split(failed_over), FailoverState.from_object(failed_over))
    assert health.attention and "failed over" in health.reasons and health.mark != "bad"
    nothing = failover_split()
    nothing["spec"]["backends"][0]["weight"] = 0
    down = split_health(parse_split(nothing), FailoverState.from_object(nothing))
    assert "no backend" in down.reasons and down.mark == "bad"
    assert not split_health(parse_split(failover_split()), FailoverState.from_object(failover_split())).attention
