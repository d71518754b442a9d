"""Tests of the patches that write new percentages into splits."""

from __future__ import annotations

import pytest

from meshtui.model.write_descriptions import JSON_PATCH, MERGE_PATCH
from meshtui.model.split import parse_split
from meshtui.model.weight_writes import rule_percents, rules_write, weight_write


def trafficsplit(version: str, weights: list[object]) -> dict:
    """A TrafficSplit with backends a, b (and c when three weights are given)."""
    return {"apiVersion": f"split.smi-spec.io/{version}", "kind": "TrafficSplit",
            "metadata": {"name": "web", "namespace": "prod", "resourceVersion": "17"},
            "spec": {"service": "web", "backends": [
                {"service": name, "weight": weight, "extra": 1} for name, weight in zip("abc", weights)]}}


def test_trafficsplit_v1alpha1_merge_patch_keeps_scale_and_strings() -> None:
    """Weights summing to 1000 stay on 1000, as strings; the whole list is sent with the resourceVersion."""
    split = parse_split(trafficsplit("v1alpha1", ["900", "100"]))
    write = weight_write(split, [75, 25])
    assert write.patch_type == MERGE_PATCH and write.subresource == ""
    assert write.patch == {"metadata": {"resourceVersion": "17"}, "spec": {"backends": [
        {"service": "a", "weight": "750", "extra": 1}, {"service": "b", "weight": "250", "extra": 1}]}}
    assert str(write.target) == "trafficsplit/prod/web"
    assert (write.target.resource, write.target.version) == ("trafficsplits", "v1alpha1")
    assert "a 75%" in write.description
    assert split.obj["spec"]["backends"][0]["weight"] == "900", "the parsed object is not modified"


def test_trafficsplit_v1alpha2_ints_on_100() -> None:
    """Odd totals fall back to a scale of 100; later versions get ints."""
    split = parse_split(trafficsplit("v1alpha2", [3, 1]))
    assert [b["weight"] for b in weight_write(split, [50, 50]).patch["spec"]["backends"]] == [50, 50]


def test_httproute_json_patch_tests_resource_version() -> None:
    """An HTTPRoute gets a test op, then replace (or add, for defaulted weights) per backendRef."""
    route = {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
             "metadata": {"name": "r", "namespace": "prod", "resourceVersion": "9"},
             "spec": {"parentRefs": [{"kind": "Service", "group": "", "name": "web"}], "rules": [
                 {"matches": []},
                 {"backendRefs": [{"name": "web", "port": 80, "weight": 1}, {"name": "web-v2", "port": 80}]}]}}
    split = parse_split(route)
    assert rule_percents(split, 1) == [50, 50]
    write = weight_write(split, [10, 90], rule=1)
    assert write.patch_type == JSON_PATCH
    assert write.patch == [
        {"op": "test", "path": "/metadata/resourceVersion", "value": "9"},
        {"op": "replace", "path": "/spec/rules/1/backendRefs/0/weight", "value": 10},
        {"op": "add", "path": "/spec/rules/1/backendRefs/1/weight", "value": 90},
    ]
    assert write.target.resource == "httproutes.gateway.networking.k8s.io"


@pytest.mark.parametrize(("percents", "fragment"), [([50], "2 backends"), ([60, 60], "sum to 100"),
                                                    ([-10, 110], "negative")])
def test_weight_write_refuses_bad_percentages(percents: list[int], fragment: str) -> None:
    """Wrong lengths, bad sums and invalid values are refused before any patch is built."""
    split = parse_split(trafficsplit("v1alpha1", ["1", "1"]))
    with pytest.raises(ValueError, match=fragment):
        weight_write(split, percents)


def test_rules_write_sets_several_rules_behind_one_test_op() -> None:
    """Two rules in one JSON patch (one resourceVersion guard); a TrafficSplit has rule 0 only."""
    pair = [{"name": "web", "port": 80, "weight": 100}, {"name": "web-v2", "port": 80, "weight": 0}]
    route = {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
             "metadata": {"name": "r", "namespace": "prod", "resourceVersion": "4"},
             "spec": {"parentRefs": [{"kind": "Service", "group": "", "name": "web"}],
                      "rules": [{"backendRefs": pair}, {"backendRefs": pair}]}}
    write = rules_write(parse_split(route), {0: [80, 20], 1: [80, 20]})
    assert [op["op"] for op in write.patch] == ["test", "replace", "replace", "replace", "replace"]
    assert [op["value"] for op in write.patch[1:]] == [80, 20, 80, 20]
    assert "rule 1: web 80%, web-v2 20%; rule 2: web 80%, web-v2 20%" in write.description
    with pytest.raises(ValueError, match="no rule"):
        rules_write(parse_split(route), {})
    with pytest.raises(ValueError, match="one rule"):
        rules_write(parse_split(trafficsplit("v1alpha2", [90, 10])), {1: [50, 50]})


def test_a_write_over_an_unreadable_weight_says_so() -> None:
    """A 5,000-digit weight reads as unknown; a write that replaces it names it in its description
    (shown in the confirmation, printed by the CLI, kept in the audit log)."""
    split = parse_split(trafficsplit("v1alpha1", ["1" * 5000, "100"]))
    assert split.backends[0].weight is None
    write = weight_write(split, [0, 100])
    assert "a 0% (replacing an unreadable weight)" in write.description
    assert "b 100%" in write.description and "b 100% (" not in write.description
