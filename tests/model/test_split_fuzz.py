"""Property test: parse_split never raises on arbitrary TrafficSplit/HTTPRoute-shaped dicts."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from meshtui.model.split import is_split_object, parse_split
from tests.model.hypothesis_settings import FUZZ

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8),
                    st.sampled_from(["500m", "1k", "-1", "1e3", "Service", "core", "", "v1alpha1"]))
junk = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                     st.dictionaries(st.text(max_size=6), inner, max_size=3)),
                    max_leaves=8)


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """The strategy's values or anything else at all."""
    return st.one_of(strategy, junk)


backend = st.fixed_dictionaries({}, optional={"service": maybe(st.text(max_size=5)),
                                              "weight": maybe(st.one_of(st.integers(), st.text(max_size=6)))})
backend_ref = st.fixed_dictionaries({}, optional={
    "name": maybe(st.text(max_size=5)), "namespace": maybe(st.text(max_size=5)),
    "kind": maybe(st.sampled_from(["Service", "Pod"])), "group": maybe(st.sampled_from(["", "core", "x"])),
    "port": maybe(st.integers()), "weight": maybe(st.integers())})
parent_ref = st.fixed_dictionaries({}, optional={
    "name": maybe(st.text(max_size=5)), "kind": maybe(st.sampled_from(["Service", "Gateway"])),
    "group": maybe(st.sampled_from(["", "core"])), "namespace": maybe(st.text(max_size=5))})
metadata = st.fixed_dictionaries({}, optional={
    "name": maybe(st.text(max_size=5)), "namespace": maybe(st.text(max_size=5)),
    "resourceVersion": junk, "generation": junk, "labels": junk, "annotations": junk,
    "ownerReferences": maybe(st.lists(st.fixed_dictionaries({}, optional={
        "kind": maybe(st.sampled_from(["Canary", "Rollout"])), "name": junk, "apiVersion": junk,
        "controller": junk}), max_size=3)),
    "managedFields": maybe(st.lists(st.fixed_dictionaries({}, optional={"manager": junk}), max_size=2))})
trafficsplits = st.fixed_dictionaries({
    "kind": st.just("TrafficSplit"),
    "apiVersion": maybe(st.sampled_from([f"split.smi-spec.io/v1alpha{n}" for n in range(1, 5)])),
}, optional={"metadata": maybe(metadata), "spec": maybe(st.fixed_dictionaries({}, optional={
    "service": junk, "backends": maybe(st.lists(maybe(backend), max_size=4)), "matches": junk}))})
httproutes = st.fixed_dictionaries({
    "kind": st.just("HTTPRoute"),
    "apiVersion": maybe(st.sampled_from(["gateway.networking.k8s.io/v1", "policy.linkerd.io/v1beta3"])),
}, optional={"metadata": maybe(metadata), "spec": maybe(st.fixed_dictionaries({}, optional={
    "parentRefs": maybe(st.lists(maybe(parent_ref), max_size=3)),
    "rules": maybe(st.lists(maybe(st.fixed_dictionaries({}, optional={
        "backendRefs": maybe(st.lists(maybe(backend_ref), max_size=4))})), max_size=3))}))})


@FUZZ
@given(st.one_of(trafficsplits, httproutes))
def test_parse_split_never_raises(obj: dict[str, Any]) -> None:
    """Whatever the object holds, parsing gives a Split whose JSON form is serialisable."""
    split = parse_split(obj)
    is_split_object(obj)
    assert split.kind == obj["kind"]
    json.dumps(split.to_json())
    for rule in split.rules:
        total = sum(b.percent for b in rule)
        assert total == 0 or abs(total - 100) < 1e-6
    assert all(isinstance(problem, str) and problem for problem in split.problems)
