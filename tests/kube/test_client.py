"""MeshClient against the emulated API server over real HTTP: discovery, lists and splits."""

from __future__ import annotations

import pytest

from meshtui.kube.discovery import _pick
from meshtui.kube.errors import Forbidden, Unreachable
from meshtui.kube.resources import RESOURCES, SPLIT_KEYS
from tests.kube.harness import KubeHarness, http_route, traffic_split


def test_discovery_finds_every_split_resource_at_a_served_version(kube: KubeHarness) -> None:
    served = kube.client.discover()
    assert set(SPLIT_KEYS) <= set(served)
    assert {"namespaces", "services"} <= set(served)
    from meshtui.kube.transport import request_json

    listing = request_json(kube.cluster.api_client, "GET", "/apis")
    preferred = {g["name"]: g["preferredVersion"]["version"] for g in listing["groups"]}
    for key in SPLIT_KEYS:
        expected = served[key].type.read_first[:1] or (preferred[served[key].type.group],)
        assert served[key].version == expected[0]
    # Read where linkerd-smi reads; the version each object was written in comes from managedFields.
    assert served["trafficsplits"].version == "v1alpha2"


def test_trafficsplits_fall_back_to_the_preferred_version_without_v1alpha2() -> None:
    from meshtui.kube.discovery import _pick
    from meshtui.kube.resources import RESOURCES

    rtype = RESOURCES["trafficsplits"]
    groups = [{"name": "split.smi-spec.io", "preferredVersion": {"version": "v1alpha4"},
               "versions": [{"version": "v1alpha4"}, {"version": "v1alpha3"}]}]
    assert _pick(rtype, groups, lambda gv: {"trafficsplits"}) == "v1alpha4"


def test_unserved_groups_are_left_out() -> None:
    groups = [{"name": "split.smi-spec.io", "preferredVersion": {"version": "v1alpha2"},
               "versions": [{"version": "v1alpha2"}, {"version": "v1alpha1"}]},
              {"name": "policy.linkerd.io", "preferredVersion": {"version": "v1beta3"},
               "versions": [{"version": "v1beta3"}, {"version": "v1beta2"}]}]
    listings = {"split.smi-spec.io/v1alpha2": {"trafficsplits"},
                "policy.linkerd.io/v1beta3": {"servers"},       # no httproutes here...
                "policy.linkerd.io/v1beta2": {"httproutes"}}    # ...but in an older version
    assert _pick(RESOURCES["trafficsplits"], groups, listings.get) == "v1alpha2"
    assert _pick(RESOURCES["httproutes.policy.linkerd.io"], groups, listings.get) == "v1beta2"
    assert _pick(RESOURCES["canaries"], groups, listings.get) is None
    assert _pick(RESOURCES["rollouts"], groups, listings.get) is None


def test_list_splits_all_kinds_and_namespaces(kube: KubeHarness) -> None:
    kube.create(traffic_split("podinfo"))
    kube.create(http_route("web"))
    kube.create(http_route("web-linkerd", namespace="other", group="policy.linkerd.io",
                           version="v1beta3"))
    kube.create({**http_route("web-grpc"), "kind": "GRPCRoute"})
    splits = kube.client.list_splits()
    assert [(s.namespace, s.name, s.kind) for s in splits] == [
        ("other", "web-linkerd", "HTTPRoute"), ("test", "podinfo", "TrafficSplit"),
        ("test", "web", "HTTPRoute"), ("test", "web-grpc", "GRPCRoute")]
    podinfo = next(s for s in splits if s.name == "podinfo")
    assert [(b.name, b.percent) for b in podinfo.backends] == [("podinfo-primary", 90.0),
                                                              ("podinfo-canary", 10.0)]
    assert podinfo.problems == ()
    assert [s.name for s in kube.client.list_splits("other")] == ["web-linkerd"]


def test_list_returns_objects_with_kind_and_a_resource_version(kube: KubeHarness) -> None:
    created = kube.create(traffic_split("podinfo"))
    objects, rv = kube.client.list("trafficsplits", "test")
    assert [o["metadata"]["name"] for o in objects] == ["podinfo"]
    assert objects[0]["kind"] == "TrafficSplit"
    assert int(rv) >= int(created["metadata"]["resourceVersion"])
    namespaces, _ = kube.client.list("namespaces", "test")  # cluster-scoped: namespace ignored
    assert {"test", "other"} <= {n["metadata"]["name"] for n in namespaces}


@pytest.mark.parametrize(("backends", "fragment"), [
    ([], "backend"),
    ([{"service": "a", "weight": 0}, {"service": "b", "weight": 0}], "zero"),
    ([{"service": "a", "weight": "abc"}, {"service": "b", "weight": "50"}], "abc"),
])
def test_malformed_splits_report_problems(kube: KubeHarness, backends: list,
                                          fragment: str) -> None:
    kube.create(traffic_split("bad", backends=backends, version="v1alpha1"))
    (split,) = kube.client.list_splits("test")
    assert split.problems, "a malformed split must carry problems"
    assert any(fragment in p.lower() for p in split.problems), split.problems


def test_unreachable_server_is_one_clear_error(kube: KubeHarness) -> None:
    kube.server.stop()
    try:
        with pytest.raises(Unreachable, match="cannot reach the API server"):
            kube.client.discover(refresh=True)
    finally:
        kube.server.start()


def test_readonly_context_reads(kube: KubeHarness) -> None:
    from meshtui.kube.client import MeshClient
    from meshtui.kube.config import load_cluster

    kube.create(traffic_split("podinfo"))
    readonly = load_cluster(str(kube.kubeconfig), "readonly")
    try:
        assert [s.name for s in MeshClient(readonly).list_splits()] == ["podinfo"]
    finally:
        readonly.close()


def test_forbidden_write_is_translated(kube: KubeHarness) -> None:
    from kubernetes.client import CustomObjectsApi

    from meshtui.kube.config import load_cluster
    from meshtui.kube.errors import translate

    kube.create(traffic_split("podinfo"))
    readonly = load_cluster(str(kube.kubeconfig), "readonly")
    try:
        api = CustomObjectsApi(readonly.api_client)
        with pytest.raises(Exception) as info:
            api.patch_namespaced_custom_object("split.smi-spec.io", "v1alpha2", "test",
                                               "trafficsplits", "podinfo", {"spec": {}})
        error = translate(info.value, verb="patch", resource="trafficsplits", name="podinfo")
        assert isinstance(error, Forbidden)
        token = readonly.auth_headers()["Authorization"].split()[-1]
        assert token not in error.message and token not in repr(error)
    finally:
        readonly.close()


def test_answers_with_huge_numbers_or_the_wrong_shape_decode_or_fail_cleanly() -> None:
    """A 5,000-digit integer (beyond int()'s limit) in one object must not fail the whole list."""
    from meshtui.kube.transport import decode_object

    body = '{"items": [{"spec": {"backends": [{"weight": ' + "9" * 5000 + '}, {"weight": 12}]}}]}'
    backends = decode_object(body)["items"][0]["spec"]["backends"]
    assert backends[0]["weight"] == float("inf") and backends[1]["weight"] == 12
    assert decode_object('{"w": -' + "1" * 100 + "}")["w"] == -float("1" * 100)
    for bad in ("[1, 2]", '"text"', "{not json"):
        with pytest.raises(ValueError):
            decode_object(bad)
