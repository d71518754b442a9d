"""Tests of split parsing: TrafficSplit versions, HTTPRoutes, owners and problems."""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

import pytest

from meshtui.model.split import Owner, Split, SplitRef, is_split_object, parse_split


def trafficsplit(backends: list[dict[str, Any]], version: str = "v1alpha1", service: str | None = "web",
                 **meta: Any) -> dict[str, Any]:
    """A TrafficSplit object in namespace prod."""
    spec: dict[str, Any] = {"backends": backends}
    if service is not None:
        spec["service"] = service
    return {"apiVersion": f"split.smi-spec.io/{version}", "kind": "TrafficSplit",
            "metadata": {"name": "web", "namespace": "prod", "resourceVersion": "41", **meta},
            "spec": spec}


def httproute(rules: list[dict[str, Any]], parents: list[dict[str, Any]] | None = None,
              group: str = "gateway.networking.k8s.io", version: str = "v1", **meta: Any) -> dict[str, Any]:
    """An HTTPRoute object in namespace prod attached to Service web by default."""
    if parents is None:
        parents = [{"group": "", "kind": "Service", "name": "web", "port": 80}]
    return {"apiVersion": f"{group}/{version}", "kind": "HTTPRoute",
            "metadata": {"name": "web-route", "namespace": "prod", **meta},
            "spec": {"parentRefs": parents, "rules": rules}}


@pytest.mark.parametrize("raw", [100, "100", "100000m", "0.1k"])
def test_v1alpha1_quantity_weights(raw: object) -> None:
    """Ints, strings and quantity suffixes all read as the same relative weight."""
    split = parse_split(trafficsplit([{"service": "web-primary", "weight": raw},
                                      {"service": "web-canary", "weight": 100}]))
    assert split.problems == ()
    assert [b.weight for b in split.backends] == [Fraction(100), Fraction(100)]
    assert [b.percent for b in split.backends] == [50.0, 50.0]
    assert split.backends[0].raw_weight == raw


def test_trafficsplit_fields_and_json() -> None:
    """The parsed split exposes identity, apex and backends, and serialises to the CLI shape."""
    split = parse_split(trafficsplit([{"service": "web-primary", "weight": "500m"},
                                      {"service": "web-canary", "weight": "1500m"}], generation=3))
    assert split.ref == SplitRef("TrafficSplit", "split.smi-spec.io", "prod", "web")
    assert str(split.ref) == "trafficsplit/prod/web"
    assert split.ref.resource == "trafficsplits"
    assert (split.kind, split.group, split.version, split.service) == (
        "TrafficSplit", "split.smi-spec.io", "v1alpha1", "web")
    assert split.generation == 3
    assert len(split.rules) == 1
    data = split.to_json()
    assert json.loads(json.dumps(data)) == {
        "kind": "TrafficSplit", "apiVersion": "split.smi-spec.io/v1alpha1", "namespace": "prod",
        "name": "web", "service": "web", "owner": None, "problems": [],
        "backends": [{"name": "web-primary", "weight": 0.5, "percent": 25.0, "rule": 1},
                     {"name": "web-canary", "weight": 1.5, "percent": 75.0, "rule": 1}],
        "resourceVersion": "41",
    }


@pytest.mark.parametrize("version", ["v1alpha2", "v1alpha3", "v1alpha4"])
def test_later_versions_take_int_weights(version: str) -> None:
    """v1alpha2..4 have int weights; they parse the same way."""
    split = parse_split(trafficsplit([{"service": "a", "weight": 90}, {"service": "b", "weight": 10}],
                                     version=version))
    assert split.problems == ()
    assert [b.percent for b in split.backends] == [90.0, 10.0]
    assert split.to_json()["backends"][0]["weight"] == 90


def test_v1alpha4_matches_is_a_note() -> None:
    """matches narrows the split to some requests, which the user must be told."""
    obj = trafficsplit([{"service": "a", "weight": 1}], version="v1alpha4")
    obj["spec"]["matches"] = [{"kind": "HTTPRouteGroup", "name": "ab-test"}]
    (note,) = parse_split(obj).problems
    assert note.startswith("applies only to requests matching HTTPRouteGroup/ab-test")


def test_matches_in_v1alpha1_is_ignored_and_unknown_fields_noted() -> None:
    """Fields a version does not have are reported as ignored."""
    obj = trafficsplit([{"service": "a", "weight": 1}])
    obj["spec"]["matches"] = []
    obj["spec"]["mirror"] = "x"
    problems = parse_split(obj).problems
    assert any("spec.matches is not part of v1alpha1" in p for p in problems)
    assert any("spec.mirror" in p for p in problems)


@pytest.mark.parametrize(
    ("backends", "fragment"),
    [
        ([], "no backends"),
        ([{"service": "a", "weight": 0}, {"service": "b", "weight": "0"}], "total weight is zero"),
        ([{"service": "a", "weight": 1}, {"service": "a", "weight": 2}], "a is listed 2 times"),
        ([{"service": "a"}, {"service": "b", "weight": 1}], "a has no weight"),
        ([{"service": "a", "weight": "lots"}, {"service": "b", "weight": 1}], "a has a malformed weight"),
        ([{"service": "a", "weight": -5}, {"service": "b", "weight": 1}], "a has a negative weight"),
        ([{"weight": 5}, {"service": "b", "weight": 1}], "#1 has no service name"),
    ],
)
def test_trafficsplit_problems(backends: list[dict[str, Any]], fragment: str) -> None:
    """Each kind of broken backend list produces a problem naming what is wrong."""
    split = parse_split(trafficsplit(backends))
    assert any(fragment in p for p in split.problems), split.problems


def test_bad_weight_is_none_and_gets_no_share() -> None:
    """A malformed weight becomes None; the other backend takes the whole rule."""
    split = parse_split(trafficsplit([{"service": "a", "weight": "x"}, {"service": "b", "weight": 3}]))
    assert split.backends[0].weight is None
    assert [b.percent for b in split.backends] == [0.0, 100.0]
    assert split.to_json()["backends"][0]["weight"] is None


def test_missing_service() -> None:
    """A TrafficSplit without spec.service has no apex, which is a problem."""
    split = parse_split(trafficsplit([{"service": "a", "weight": 1}], service=None))
    assert split.service == ""
    assert any("spec.service is missing" in p for p in split.problems)


def test_httproute_weights_default_to_one_and_namespace_to_the_route() -> None:
    """A backendRef without weight weighs 1 and lives in the route's namespace."""
    split = parse_split(httproute([{"backendRefs": [
        {"name": "web", "port": 80, "weight": 3},
        {"name": "web-v2", "port": 80},
        {"name": "web-v3", "namespace": "other", "port": 80, "weight": 0},
    ]}]))
    assert split.problems == ()
    assert split.service == "web"
    assert str(split.ref) == "httproute/prod/web-route"
    assert split.ref.resource_key == "httproutes.gateway.networking.k8s.io"
    assert [b.weight for b in split.backends] == [3, 1, 0]
    assert [b.percent for b in split.backends] == [75.0, 25.0, 0.0]
    assert [b.namespace for b in split.backends] == ["prod", "prod", "other"]
    assert split.backends[0].port == 80


def test_linkerd_route_with_core_group_and_several_rules() -> None:
    """policy.linkerd.io routes use group core; percentages are per rule; rule index is the spec's."""
    obj = httproute(
        [{"backendRefs": [{"name": "a", "port": 80, "weight": 90}, {"name": "b", "port": 80, "weight": 10}]},
         {"matches": [{"path": {"value": "/x"}}]},
         {"backendRefs": [{"name": "a", "port": 80, "weight": 1}, {"name": "b", "port": 80, "weight": 1}]}],
        parents=[{"group": "core", "kind": "Service", "name": "web", "port": 80}],
        group="policy.linkerd.io", version="v1beta3")
    split = parse_split(obj)
    assert split.problems == ()
    assert [b.rule for b in split.backends] == [0, 0, 2, 2]
    assert [[b.percent for b in rule] for rule in split.rules] == [[90.0, 10.0], [50.0, 50.0]]
    assert split.ref.resource_key == "httproutes.policy.linkerd.io"


@pytest.mark.parametrize(
    ("rules", "parents", "fragment"),
    [
        ([{"backendRefs": [{"name": "a", "port": 80}]}], [{"kind": "Gateway", "name": "gw"}],
         "no parentRef of kind Service"),
        ([{"backendRefs": [{"name": "a", "port": 80}]}],
         [{"group": "", "kind": "Service", "name": "web"}, {"group": "", "kind": "Service", "name": "api"}],
         "also attached to Service api"),
        ([{"backendRefs": [{"name": "a", "kind": "Pod", "port": 80}]}], None, "is a Pod"),
        ([{"backendRefs": [{"name": "a", "port": 80, "weight": 2_000_000}]}], None, "above the maximum"),
        ([{"backendRefs": [{"name": "a", "port": 80, "weight": -1}]}], None, "negative weight"),
        ([{"backendRefs": [{"name": "a", "port": 80, "weight": "50"}]}], None, "malformed weight"),
        ([{"backendRefs": [{"name": "a", "port": 80}, {"name": "a", "port": 80}]}], None, "listed 2 times"),
        ([{"backendRefs": [{"name": "a", "port": 80, "weight": 0}]}], None, "total weight is zero"),
        ([{"backendRefs": [{"name": "a"}]}], None, "has no port"),
        ([{"matches": []}], None, "no backendRefs"),
        ([], [{"group": "", "kind": "Service", "name": "web", "namespace": "shop"}], "consumer route"),
    ],
)
def test_httproute_problems(rules: list[dict[str, Any]], parents: list[dict[str, Any]] | None,
                            fragment: str) -> None:
    """Each route defect is reported in words that name it."""
    split = parse_split(httproute(rules, parents))
    assert any(fragment in p for p in split.problems), split.problems


def test_first_service_parent_wins() -> None:
    """With a Gateway parent first, the first Service parent is still the apex."""
    split = parse_split(httproute([{"backendRefs": [{"name": "a", "port": 80}]}], parents=[
        {"kind": "Gateway", "name": "gw"}, {"kind": "Service", "name": "web"}]))
    assert split.service == "web"


def test_owner_from_controller_reference() -> None:
    """The controller reference wins over other owners and names the controller."""
    refs = [{"apiVersion": "v1", "kind": "ConfigMap", "name": "x"},
            {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "name": "web", "controller": True}]
    split = parse_split(trafficsplit([{"service": "a", "weight": 1}], ownerReferences=refs))
    assert split.owner == Owner("Rollout", "web", "argoproj.io/v1alpha1", "argo-rollouts")
    assert split.to_json()["owner"] == {"kind": "Rollout", "name": "web"}


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ({"ownerReferences": [{"apiVersion": "flagger.app/v1beta1", "kind": "Canary", "name": "podinfo"}]},
         Owner("Canary", "podinfo", "flagger.app/v1beta1", "flagger")),
        ({"ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "d", "controller": True}]},
         Owner("Deployment", "d", "apps/v1", "other")),
        ({"managedFields": [{"manager": "kubectl-client-side-apply"}, {"manager": "flagger"}]},
         Owner("Canary", "", "flagger.app/v1beta1", "flagger")),
        ({"managedFields": [{"manager": "rollouts-controller"}]},
         Owner("Rollout", "", "argoproj.io/v1alpha1", "argo-rollouts")),
        ({"labels": {"rollouts.argoproj.io/gatewayapi-canary": "in-progress"}},
         Owner("Rollout", "", "argoproj.io/v1alpha1", "argo-rollouts")),
        ({"managedFields": [{"manager": "kubectl"}]}, None),
        ({}, None),
    ],
)
def test_owner_recognition(meta: dict[str, Any], expected: Owner | None) -> None:
    """Owner references, known field managers and Argo's plugin label identify the controller."""
    split = parse_split(httproute([{"backendRefs": [{"name": "a", "port": 80}]}], **meta))
    assert split.owner == expected


def test_is_split_object() -> None:
    """Only TrafficSplits and routes that can split traffic count as splits."""
    assert is_split_object(trafficsplit([]))
    assert is_split_object(httproute([]))
    assert is_split_object(httproute([{"backendRefs": [{"name": "a"}]}],
                                     parents=[{"kind": "Gateway", "name": "gw"}]))
    inbound = httproute([{"matches": []}], parents=[{"group": "policy.linkerd.io", "kind": "Server",
                                                     "name": "srv"}], group="policy.linkerd.io")
    assert not is_split_object(inbound)
    assert not is_split_object({"apiVersion": "v1", "kind": "Service"})
    assert not is_split_object({"apiVersion": "example.com/v1", "kind": "TrafficSplit"})
    assert not is_split_object("TrafficSplit")


def test_repr_and_equality_leave_out_the_raw_object() -> None:
    """The raw object (which may be large) is not in the repr and not part of equality."""
    first = parse_split(trafficsplit([{"service": "a", "weight": 1}], annotations={"note": "x"}))
    second = parse_split(trafficsplit([{"service": "a", "weight": 1}]))
    assert first == second
    assert "metadata" not in repr(first)
    assert first.annotations == {"note": "x"}


def _read_at(version: str, written: list[tuple[str, str, str | None]], spec: dict) -> Split:
    """A TrafficSplit as the API server returns it at `version`, with `managedFields` entries
    (apiVersion, time, subresource) of the writes it had."""
    fields = [{"manager": "m", "operation": "Update", "apiVersion": f"split.smi-spec.io/{v}",
               "time": t, **({"subresource": sub} if sub else {})} for v, t, sub in written]
    return parse_split({"apiVersion": f"split.smi-spec.io/{version}", "kind": "TrafficSplit",
                        "metadata": {"name": "web", "namespace": "shop", "managedFields": fields},
                        "spec": spec})


MATCHED = {"service": "web", "matches": [{"kind": "HTTPRouteGroup", "name": "canary-users"}],
           "backends": [{"service": "web-v1", "weight": 90}, {"service": "web-v2", "weight": 10}]}


def test_trafficsplit_problems_name_the_version_it_was_written_in() -> None:
    """A v1alpha4 object read at v1alpha2 (where linkerd-smi reads) is judged as v1alpha4: its
    matches are a filter, not "not part of v1alpha2"."""
    split = _read_at("v1alpha2", [("v1alpha4", "2026-01-01T00:00:00Z", None)], MATCHED)
    assert split.api_version == "split.smi-spec.io/v1alpha4"
    assert not any("v1alpha2" in p or "v1alpha1" in p for p in split.problems)
    assert any(p.startswith("applies only to requests matching HTTPRouteGroup/canary-users")
               for p in split.problems)
    v3 = _read_at("v1alpha1", [("v1alpha3", "2026-01-01T00:00:00Z", None)],
                  {**MATCHED, "backends": [{"service": "web-v1", "weight": "500m"}]})
    assert "backend web-v1: v1alpha3 weights must be whole numbers (got '500m')" in v3.problems


def test_the_latest_spec_write_decides_and_status_writes_do_not() -> None:
    written = [("v1alpha1", "2026-01-01T00:00:00Z", None), ("v1alpha4", "2026-01-02T00:00:00Z", None),
               ("v1alpha2", "2026-01-03T00:00:00Z", "status")]
    assert _read_at("v1alpha2", written, MATCHED).version == "v1alpha4"
    assert _read_at("v1alpha2", [], MATCHED).version == "v1alpha2"
    # Something that is no TrafficSplit version at all is not believed.
    assert _read_at("v1alpha2", [("v9", "2026-01-01T00:00:00Z", None)], MATCHED).version == "v1alpha2"


def test_a_route_on_an_egress_network_is_a_linkerd_route() -> None:
    """Linkerd 2.17's egress: an HTTPRoute whose parent is an EgressNetwork is used by Linkerd,
    and a backendRef to the EgressNetwork itself sends requests on to their destination."""
    split = parse_split({
        "apiVersion": "policy.linkerd.io/v1beta3", "kind": "HTTPRoute",
        "metadata": {"name": "httpbin-get", "namespace": "egress-test"},
        "spec": {"parentRefs": [{"name": "egress", "kind": "EgressNetwork",
                                 "group": "policy.linkerd.io", "namespace": "egress-test", "port": 80}],
                 "rules": [{"matches": [{"path": {"value": "/get"}}],
                            "backendRefs": [{"name": "internal-httpbin", "port": 80, "weight": 90},
                                            {"name": "egress", "kind": "EgressNetwork",
                                             "group": "policy.linkerd.io", "weight": 10}]}]},
    })
    assert is_split_object(split.obj)
    assert split.problems == ()
    assert [b.percent for b in split.backends] == [90, 10]


def test_a_route_on_neither_a_service_nor_an_egress_network_is_still_flagged() -> None:
    split = parse_split({
        "apiVersion": "policy.linkerd.io/v1beta3", "kind": "HTTPRoute",
        "metadata": {"name": "r", "namespace": "n"},
        "spec": {"parentRefs": [{"name": "gw", "kind": "Gateway"}],
                 "rules": [{"backendRefs": [{"name": "a", "port": 80}]}]},
    })
    assert any("Linkerd does not use this route" in p for p in split.problems)


def test_a_grpcroute_is_a_split_of_its_own_kind() -> None:
    """Linkerd routes gRPC by Gateway API GRPCRoutes: weighted backendRefs like an HTTPRoute's."""
    obj = {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GRPCRoute",
           "metadata": {"name": "emoji-grpc", "namespace": "emojivoto"},
           "spec": {"parentRefs": [{"name": "emoji-svc", "kind": "Service", "group": "core", "port": 8080}],
                    "rules": [{"backendRefs": [{"name": "emoji-svc", "port": 8080, "weight": 80},
                                               {"name": "emoji-v2-svc", "port": 8080, "weight": 20}]}]}}
    split = parse_split(obj)
    assert is_split_object(obj) and split.problems == ()
    assert (split.kind, split.service, split.ref.resource_key) == (
        "GRPCRoute", "emoji-svc", "grpcroutes.gateway.networking.k8s.io")
    assert [b.percent for b in split.backends] == [80, 20]
    assert not is_split_object({**obj, "apiVersion": "policy.linkerd.io/v1beta3"})
