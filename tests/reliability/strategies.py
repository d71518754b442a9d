"""Hypothesis strategies for every object meshtui parses: valid ones, and ones with a known defect.

A *defective* object is a valid one with exactly one mutation that makes it wrong (a bad weight,
a non-list where a list belongs, a missing name...): meshtui must report at least one problem for
it. *Arbitrary* objects are any JSON at all in the right places: meshtui must not crash.
"""

from __future__ import annotations

import copy
import math
from typing import Any

from hypothesis import strategies as st

NAME_POOL = ("a", "web", "podinfo", "podinfo-canary", "podinfo-primary", "books-stable", "x1",
             "voting-v2-svc", "emoji", "n" * 63, "a-b-c-d", "z9", "0start", "default", "test")
DNS = st.sampled_from(NAME_POOL)
"""Valid DNS-1123 labels (a fixed pool: generating them character by character is slow)."""

SCALARS = (st.none() | st.booleans() | st.integers(-10**12, 10**12)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=12))
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=8)
"""Any JSON value (plus NaN and infinities, which YAML and sloppy writers produce)."""

WEIRD = st.sampled_from([None, 0, -1, 7, "x", "", [], {}, [1, "a"], {"a": {"b": []}}, True, 1.5,
                         math.nan, "1e9", "Paused", [{"reason": 5}], {"smi": None}])
"""Cheap wrong-typed values (drawn from a pool: generating nested JSON is slow)."""

BAD_WEIGHTS = st.sampled_from([-5, -1, "abc", "", "-1", "5x", True, False, math.nan, math.inf,
                               -math.inf, {}, [], [50], {"value": 5}, "NaN", "1e400"])
"""Weights that are never valid."""

TS_VERSIONS = ("v1alpha1", "v1alpha2", "v1alpha3", "v1alpha4")
HR_VERSIONS = (("gateway.networking.k8s.io", "v1"), ("gateway.networking.k8s.io", "v1beta1"),
               ("policy.linkerd.io", "v1beta3"), ("policy.linkerd.io", "v1beta2"),
               ("policy.linkerd.io", "v1beta1"))


@st.composite
def trafficsplits(draw: st.DrawFn) -> dict[str, Any]:
    """A valid TrafficSplit of any SMI version, 1 to 5 backends, at least one weight above zero."""
    version = draw(st.sampled_from(TS_VERSIONS))
    names = draw(st.lists(DNS, min_size=1, max_size=5, unique=True))
    if version == "v1alpha1":
        weight = st.one_of(st.integers(0, 1000), st.integers(0, 1000).map(str),
                           st.sampled_from(["500m", "1k", "1Ki", "1e3", "250m", "0"]))
    else:
        weight = st.integers(0, 1000)
    weights = [draw(weight) for _ in names]
    weights[draw(st.integers(0, len(names) - 1))] = draw(st.integers(1, 1000))
    return {"apiVersion": f"split.smi-spec.io/{version}", "kind": "TrafficSplit",
            "metadata": {"name": draw(DNS), "namespace": draw(DNS),
                         "resourceVersion": str(draw(st.integers(1, 10**9)))},
            "spec": {"service": draw(DNS),
                     "backends": [{"service": n, "weight": w} for n, w in zip(names, weights)]}}


@st.composite
def httproutes(draw: st.DrawFn) -> dict[str, Any]:
    """A valid HTTPRoute of either group with a Service parent and 1-3 weighted rules."""
    group, version = draw(st.sampled_from(HR_VERSIONS))
    rules = []
    for _ in range(draw(st.integers(1, 3))):
        names = draw(st.lists(DNS, min_size=1, max_size=4, unique=True))
        weights = [draw(st.integers(0, 1000)) for _ in names]
        weights[draw(st.integers(0, len(names) - 1))] = draw(st.integers(1, 1000))
        rules.append({"backendRefs": [{"name": n, "port": draw(st.integers(1, 65535)),
                                       "weight": w} for n, w in zip(names, weights)]})
    return {"apiVersion": f"{group}/{version}", "kind": "HTTPRoute",
            "metadata": {"name": draw(DNS), "namespace": draw(DNS),
                         "resourceVersion": str(draw(st.integers(1, 10**9)))},
            "spec": {"parentRefs": [{"group": "core", "kind": "Service", "name": draw(DNS),
                                     "port": 80}], "rules": rules}}


def _backend_list(obj: dict[str, Any]) -> list[Any]:
    if obj["kind"] == "TrafficSplit":
        return obj["spec"]["backends"]
    return obj["spec"]["rules"][0]["backendRefs"]


@st.composite
def defective(draw: st.DrawFn, valid: st.SearchStrategy[dict[str, Any]]
              ) -> tuple[str, dict[str, Any]]:
    """A valid split with one known defect; returns ``(what was broken, object)``."""
    obj = copy.deepcopy(draw(valid))
    backends = _backend_list(obj)
    index = draw(st.integers(0, len(backends) - 1))
    what = draw(st.sampled_from(["bad-weight", "all-zero", "backends-not-list", "backend-not-dict",
                                 "backend-unnamed", "no-backends"]))
    if what == "bad-weight":
        backends[index]["weight"] = draw(BAD_WEIGHTS)
    elif what == "all-zero":
        for backend in backends:
            backend["weight"] = 0
    elif what == "backend-not-dict":
        backends[index] = draw(st.sampled_from(["x", 5, None, [], True]))
    elif what == "backend-unnamed":
        key = "service" if obj["kind"] == "TrafficSplit" else "name"
        backends[index][key] = draw(st.sampled_from([None, "", 5, [], {}]))
    else:
        # null is the same as absent for an HTTPRoute rule (legal); not for a TrafficSplit.
        wrong = ["x", 5, {}, None] if obj["kind"] == "TrafficSplit" else ["x", 5, {}]
        value = draw(st.sampled_from(wrong)) if what == "backends-not-list" else []
        if obj["kind"] == "TrafficSplit":
            obj["spec"]["backends"] = value
        elif what == "no-backends":
            # A rule without backends is legal (it may only redirect); a route without any is not.
            for rule in obj["spec"]["rules"]:
                rule["backendRefs"] = []
        else:
            obj["spec"]["rules"][0]["backendRefs"] = value
    return what, obj


@st.composite
def arbitrary_splits(draw: st.DrawFn) -> dict[str, Any]:
    """A split-looking object whose every part may be any JSON."""
    base = draw(trafficsplits() | httproutes())
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from([("metadata",), ("metadata", "name"), ("metadata", "namespace"),
                                     ("metadata", "ownerReferences"), ("metadata", "annotations"),
                                     ("spec",), ("spec", "service"), ("spec", "backends"),
                                     ("spec", "rules"), ("spec", "parentRefs"), ("apiVersion",)]))
        target = base
        for key in path[:-1]:
            target = target.setdefault(key, {}) if isinstance(target.get(key), dict) else {}
        target[path[-1]] = draw(WEIRD | JSON)
    return base


@st.composite
def canaries(draw: st.DrawFn) -> dict[str, Any]:
    """A Flagger Canary, mostly well-formed, with any JSON in some fields."""
    field = draw(JSON) if draw(st.booleans()) else None
    obj = {"apiVersion": "flagger.app/v1beta1", "kind": "Canary",
           "metadata": {"name": draw(DNS), "namespace": draw(DNS)},
           "spec": {"targetRef": {"kind": "Deployment", "name": draw(DNS)},
                    "suspend": draw(st.booleans() | WEIRD),
                    "analysis": {"webhooks": draw(st.lists(st.fixed_dictionaries(
                        {"name": DNS, "type": st.sampled_from(["confirm-promotion", "rollback",
                                                               "pre-rollout", "x"]),
                         "url": st.text(max_size=30)}), max_size=3) | WEIRD)}},
           "status": {"phase": draw(st.sampled_from(["Progressing", "Succeeded", "Failed",
                                                     "WaitingPromotion"]) | WEIRD),
                      "canaryWeight": draw(st.integers(-5, 200) | WEIRD),
                      "failedChecks": draw(st.integers(-5, 20) | WEIRD)}}
    if field is not None:
        obj[draw(st.sampled_from(["spec", "status", "metadata"]))] = field
    return obj


@st.composite
def rollouts(draw: st.DrawFn) -> dict[str, Any]:
    """An Argo Rollout, mostly well-formed, with any JSON in some fields."""
    steps = draw(st.lists(st.one_of(
        st.fixed_dictionaries({"setWeight": st.integers(-10, 200) | WEIRD}),
        st.fixed_dictionaries({"pause": st.just({}) | WEIRD}), WEIRD), max_size=6))
    obj = {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
           "metadata": {"name": draw(DNS), "namespace": draw(DNS)},
           "spec": {"paused": draw(st.booleans() | WEIRD), "strategy": {"canary": {
               "canaryService": draw(DNS), "stableService": draw(DNS), "steps": steps,
               "trafficRouting": draw(st.just({"smi": {"trafficSplitName": "x"}}) | WEIRD)}}},
           "status": {"currentStepIndex": draw(st.integers(-3, 10) | WEIRD),
                      "pauseConditions": draw(st.just([{"reason": "CanaryPauseStep"}]) | WEIRD),
                      "abort": draw(st.booleans() | WEIRD),
                      "phase": draw(st.sampled_from(["Paused", "Healthy", "Degraded"]) | WEIRD)}}
    if draw(st.booleans()):
        obj[draw(st.sampled_from(["spec", "status"]))] = draw(JSON)
    return obj
