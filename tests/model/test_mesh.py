"""Tests of MeshState: applying watch events, splits, owners, services and checks."""

from __future__ import annotations

from typing import Any

import pytest

from meshtui.model import split as split_module
from meshtui.model.mesh import MeshState
from meshtui.model.owners import CanaryState, RolloutState
from meshtui.model.split import Owner, SplitRef


def meta(name: str, namespace: str = "prod", rv: str = "1", **extra: Any) -> dict[str, Any]:
    """Object metadata."""
    return {"name": name, "namespace": namespace, "resourceVersion": rv, **extra}


def ts(name: str = "web", namespace: str = "prod", rv: str = "1", weights: tuple[int, int] = (90, 10),
       **extra: Any) -> dict[str, Any]:
    """A TrafficSplit web -> web-primary/web-canary."""
    return {"apiVersion": "split.smi-spec.io/v1alpha1", "kind": "TrafficSplit",
            "metadata": meta(name, namespace, rv, **extra),
            "spec": {"service": "web", "backends": [{"service": "web-primary", "weight": str(weights[0])},
                                                     {"service": "web-canary", "weight": str(weights[1])}]}}


def route(name: str = "web-route", group: str = "gateway.networking.k8s.io", **extra: Any) -> dict[str, Any]:
    """An HTTPRoute on Service web splitting to web and web-v2."""
    return {"apiVersion": f"{group}/v1beta1" if group == "gateway.networking.k8s.io" else f"{group}/v1beta3",
            "kind": "HTTPRoute", "metadata": meta(name, **extra),
            "spec": {"parentRefs": [{"group": "core", "kind": "Service", "name": "web"}],
                     "rules": [{"backendRefs": [{"name": "web", "port": 80, "weight": 80},
                                                {"name": "web-v2", "port": 80, "weight": 20}]}]}}


def service(name: str, namespace: str = "prod", selector: dict[str, str] | None = None) -> dict[str, Any]:
    """A Service."""
    return {"apiVersion": "v1", "kind": "Service", "metadata": meta(name, namespace),
            "spec": {"selector": selector or {}, "ports": [{"port": 80}]}}


def namespace(name: str, inject: bool = False) -> dict[str, Any]:
    """A Namespace, optionally annotated for injection."""
    annotations = {"linkerd.io/inject": "enabled"} if inject else {}
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "annotations": annotations}}


def test_events_change_splits_and_version() -> None:
    """replace, upsert and delete are reflected in splits() and each bumps the version once."""
    state = MeshState()
    assert state.version == 0 and state.splits() == []
    state.replace("trafficsplits", [ts()])
    assert state.version == 1
    assert [str(s.ref) for s in state.splits()] == ["trafficsplit/prod/web"]
    state.upsert("trafficsplits", ts(rv="2", weights=(50, 50)))
    assert state.version == 2
    assert [b.percent for b in state.splits()[0].backends] == [50.0, 50.0]
    state.upsert("trafficsplits", ts(rv="2", weights=(50, 50)))
    assert state.version == 2, "an identical event changes nothing"
    state.delete("trafficsplits", ts())
    assert state.version == 3 and state.splits() == []
    state.delete("trafficsplits", ts())
    assert state.version == 3


def test_replace_drops_objects_missing_from_the_new_list() -> None:
    """A re-list replaces the whole resource type."""
    state = MeshState()
    state.replace("trafficsplits", [ts("a"), ts("b")])
    state.replace("trafficsplits", [ts("b")])
    assert [s.name for s in state.splits()] == ["b"]
    assert state.loaded("trafficsplits") and not state.loaded("services")


def test_splits_sorted_and_filtered_across_kinds() -> None:
    """Splits of all three resources are sorted by namespace/name/kind and filter by namespace."""
    state = MeshState()
    state.replace("httproutes.policy.linkerd.io", [route("web", group="policy.linkerd.io")])
    state.replace("httproutes.gateway.networking.k8s.io", [route("a-route")])
    state.replace("trafficsplits", [ts("web"), ts("z", namespace="dev")])
    assert [(s.namespace, s.name, s.kind) for s in state.splits()] == [
        ("dev", "z", "TrafficSplit"), ("prod", "a-route", "HTTPRoute"), ("prod", "web", "HTTPRoute"),
        ("prod", "web", "TrafficSplit")]
    assert [s.name for s in state.splits("dev")] == ["z"]
    ref = SplitRef("HTTPRoute", "policy.linkerd.io", "prod", "web")
    found = state.split(ref)
    assert found is not None and found.ref == ref
    assert state.split(SplitRef("HTTPRoute", "policy.linkerd.io", "prod", "nope")) is None


def test_inbound_policy_routes_are_not_splits() -> None:
    """A Linkerd HTTPRoute attached to a Server with no backendRefs is not listed."""
    inbound = {"apiVersion": "policy.linkerd.io/v1beta3", "kind": "HTTPRoute", "metadata": meta("authz"),
               "spec": {"parentRefs": [{"group": "policy.linkerd.io", "kind": "Server", "name": "srv"}],
                        "rules": [{"matches": [{"path": {"value": "/"}}]}]}}
    state = MeshState()
    state.replace("httproutes.policy.linkerd.io", [inbound])
    assert state.splits() == []


def test_parsed_once_per_change(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unchanged objects are not parsed again on every call, nor on unrelated changes."""
    calls: list[str] = []
    real = split_module.parse_split

    def counting(obj: dict[str, Any]):
        """parse_split, recording which object it parsed."""
        calls.append(obj["metadata"]["name"])
        return real(obj)

    monkeypatch.setattr("meshtui.model.mesh.parse_split", counting)
    state = MeshState()
    state.replace("trafficsplits", [ts("a"), ts("b")])
    state.splits()
    state.splits()
    state.upsert("services", service("web"))
    state.splits()
    state.upsert("trafficsplits", ts("a", rv="2", weights=(1, 1)))
    state.splits()
    state.replace("trafficsplits", [ts("a", rv="2", weights=(1, 1)), ts("b")])
    state.splits()
    assert sorted(calls) == ["a", "a", "b"]


def test_owner_from_reference_and_owner_state() -> None:
    """A controller reference to a stored Canary gives its state."""
    owner_ref = [{"apiVersion": "flagger.app/v1beta1", "kind": "Canary", "name": "web", "controller": True}]
    canary = {"apiVersion": "flagger.app/v1beta1", "kind": "Canary", "metadata": meta("web"),
              "spec": {"targetRef": {"name": "web"}}, "status": {"phase": "Progressing", "canaryWeight": 10}}
    state = MeshState()
    state.replace("trafficsplits", [ts(ownerReferences=owner_ref)])
    (split,) = state.splits()
    assert state.owner_state(split) is None, "the Canary is not known yet"
    state.upsert("canaries", canary)
    owner_state = state.owner_state(split)
    assert isinstance(owner_state, CanaryState) and owner_state.canary_weight == 10


def test_argo_gateway_plugin_route_resolves_to_its_rollout() -> None:
    """Argo's in-progress label gives an unnamed Rollout owner, named by the Rollout's plugin config."""
    labelled = route(labels={"rollouts.argoproj.io/gatewayapi-canary": "in-progress"})
    rollout = {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "metadata": meta("web-rollout"),
               "spec": {"strategy": {"canary": {"stableService": "web", "canaryService": "web-v2",
                        "trafficRouting": {"plugins": {"argoproj-labs/gatewayAPI": {"httpRoute": "web-route"}}},
                        "steps": [{"setWeight": 20}]}}}}
    state = MeshState()
    state.replace("httproutes.gateway.networking.k8s.io", [labelled])
    assert state.splits()[0].owner == Owner("Rollout", "", "argoproj.io/v1alpha1", "argo-rollouts")
    state.replace("rollouts", [rollout])
    (split,) = state.splits()
    assert split.owner == Owner("Rollout", "web-rollout", "argoproj.io/v1alpha1", "argo-rollouts")
    assert isinstance(state.owner_state(split), RolloutState)


def test_trafficsplit_named_by_a_rollout_without_owner_reference() -> None:
    """A TrafficSplit a Rollout's smi routing names is owned by that Rollout."""
    rollout = {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "metadata": meta("demo"),
               "spec": {"strategy": {"canary": {"trafficRouting": {"smi": {"trafficSplitName": "web"}}}}}}
    state = MeshState()
    state.replace("trafficsplits", [ts()])
    state.replace("rollouts", [rollout])
    assert state.splits()[0].owner == Owner("Rollout", "demo", "argoproj.io/v1alpha1", "argo-rollouts")


def test_flagger_managed_split_resolves_by_apex() -> None:
    """A split Flagger wrote without owner references belongs to the Canary whose apex it is named after."""
    canary = {"apiVersion": "flagger.app/v1beta1", "kind": "Canary", "metadata": meta("web-canary-obj"),
              "spec": {"targetRef": {"name": "web"}}}
    state = MeshState()
    state.replace("trafficsplits", [ts(managedFields=[{"manager": "flagger"}])])
    state.replace("canaries", [canary])
    assert state.splits()[0].owner == Owner("Canary", "web-canary-obj", "flagger.app/v1beta1", "flagger")


def test_namespaces_and_meshed_services() -> None:
    """Namespaces include those seen only on objects; meshed comes from namespace or deployment."""
    deployment = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta("api", "dev"),
                  "spec": {"template": {"metadata": {"labels": {"app": "api", "v": "1"},
                                                     "annotations": {"linkerd.io/inject": "enabled"}}}}}
    state = MeshState()
    state.replace("namespaces", [namespace("prod", inject=True), namespace("dev")])
    state.replace("services", [service("web"), service("api", "dev", {"app": "api"}),
                               service("db", "dev", {"app": "db"}), service("x", "other")])
    state.replace("deployments", [deployment])
    assert state.namespaces() == ["dev", "other", "prod"]
    assert [(s.namespace, s.name, s.meshed) for s in state.services()] == [
        ("dev", "api", True), ("dev", "db", False), ("other", "x", False), ("prod", "web", True)]
    assert [s.name for s in state.services("dev")] == ["api", "db"]
    assert state.services("prod")[0].ports == (80,)


def test_checks_shadowing_profile_missing_service_and_smi() -> None:
    """ServiceProfiles shadowing routes, missing backends and a missing linkerd-smi are reported."""
    profile = {"apiVersion": "linkerd.io/v1alpha2", "kind": "ServiceProfile",
               "metadata": meta("web.prod.svc.cluster.local"), "spec": {}}
    state = MeshState()
    state.replace("httproutes.gateway.networking.k8s.io", [route()])
    state.replace("trafficsplits", [ts("other")])
    assert state.checks() == [], "nothing is known about services, namespaces or profiles yet"
    state.replace("serviceprofiles", [profile])
    state.replace("services", [service("web"), service("web-primary"), service("web-canary")])
    state.replace("namespaces", [namespace("prod")])
    checks = state.checks()
    messages = [c.message for c in checks]
    assert any("shadows this HTTPRoute" in m for m in messages), messages
    assert any("web-v2 does not exist" in m for m in messages), messages
    assert any("no linkerd-smi namespace" in m for m in messages), messages
    assert checks[0].severity == "error"
    shadow = next(c for c in checks if "shadows" in c.message)
    assert shadow.ref == SplitRef("HTTPRoute", "gateway.networking.k8s.io", "prod", "web-route")
    state.upsert("namespaces", namespace("linkerd-smi"))
    assert not any("linkerd-smi" in c.message for c in state.checks())


def test_list_items_without_kind_are_still_splits() -> None:
    """List responses may omit kind/apiVersion on items; the resource key supplies them."""
    bare = route()
    del bare["kind"], bare["apiVersion"]
    state = MeshState()
    state.replace("httproutes.policy.linkerd.io", [bare])
    (split,) = state.splits()
    assert (split.kind, split.group) == ("HTTPRoute", "policy.linkerd.io")
    assert split.problems == ()
