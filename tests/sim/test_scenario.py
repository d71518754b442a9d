"""Scenario loading, validation errors that name the field, and the default scenario's contents."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from meshtui.model.split import parse_split
from meshtui.sim.scenario import (
    LINKERD_BOUNDS_MS,
    LatencyProfile,
    ScenarioError,
    available_scenarios,
    load_scenario,
)
from meshtui.sim.scenario_parse import parse_scenario

MINIMAL: dict[str, Any] = {
    "name": "mini",
    "namespaces": [{"name": "app"}],
    "services": [
        {"namespace": "app", "name": "web", "port": 8080},
        {"namespace": "app", "name": "web-v2", "port": 8080,
         "behaviour": {"successRate": 0.9, "latencyMs": {"p50": 5, "p95": 10, "p99": 20}}},
    ],
    "clients": [{"namespace": "app", "name": "load", "calls": [{"service": "web", "rps": 5}]}],
    "owners": [{"kind": "Canary", "namespace": "app", "name": "web"}],
    "splits": [{"kind": "TrafficSplit", "apiVersion": "split.smi-spec.io/v1alpha1", "namespace": "app",
                "name": "web", "service": "web", "owner": {"kind": "Canary", "name": "web"},
                "backends": [{"service": "web", "weight": "900m"}, {"service": "web-v2", "weight": "100m"}]}],
}


def _with(path: list[Any], value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(MINIMAL)
    target: Any = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return doc


def test_shipped_scenarios_include_default() -> None:
    assert "default" in available_scenarios()
    assert load_scenario("default").name == "default"


def test_minimal_document_parses_with_defaults() -> None:
    scenario = parse_scenario(MINIMAL)
    web = scenario.service("app", "web")
    assert web is not None and web.deployment == "web" and web.target_port == 8080
    assert scenario.splits[0].backends[0].weight == "900m"
    assert scenario.clients[0].calls[0].rps == 5.0
    assert scenario.service("app", "missing") is None


@pytest.mark.parametrize(("path", "value", "field"), [
    (["name"], None, "name: required"),
    (["services", 0, "name"], "Web_Svc", "services[0].name"),
    (["services", 0, "namespace"], "other", "services[0].namespace"),
    (["services", 1, "behaviour", "successRate"], "high", "services[1].behaviour.successRate"),
    (["services", 1, "behaviour", "latencyMs", "p95"], 1, "services[1].behaviour.latencyMs.p95"),
    (["services", 0, "port"], 70000, "services[0].port"),
    (["clients", 0, "calls", 0, "service"], "nope", "clients[0].calls[0].service"),
    (["clients", 0, "calls", 0, "rps"], -1, "clients[0].calls[0].rps"),
    (["splits", 0, "kind"], "VirtualService", "splits[0].kind"),
    (["splits", 0, "apiVersion"], "split.smi-spec.io/v9", "splits[0].apiVersion"),
    (["splits", 0, "backends", 1, "weight"], "lots", "splits[0].backends[1].weight"),
    (["splits", 0, "backends", 1, "service"], "ghost", "splits[0].backends[1].service"),
    (["splits", 0, "owner"], {"kind": "Rollout", "name": "web"}, "splits[0].owner"),
    (["owners", 0, "kind"], "Deployment", "owners[0].kind"),
    (["namespaces"], "app", "namespaces: must be a list"),
])
def test_validation_errors_name_the_field(path: list[Any], value: Any, field: str) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(_with(path, value))
    assert field in str(info.value)


def test_quantity_weights_only_for_v1alpha1() -> None:
    doc = _with(["splits", 0, "apiVersion"], "split.smi-spec.io/v1alpha2")
    with pytest.raises(ScenarioError, match=r"splits\[0\]\.backends\[0\]\.weight"):
        parse_scenario(doc)


def test_load_from_path_and_errors_name_the_file(tmp_path: Path) -> None:
    good = tmp_path / "mini.yaml"
    good.write_text(yaml.safe_dump(MINIMAL))
    assert load_scenario(good).name == "mini"
    assert load_scenario(str(good)).name == "mini"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(_with(["services", 0, "port"], "eighty")))
    with pytest.raises(ScenarioError, match=r"bad\.yaml: services\[0\]\.port"):
        load_scenario(bad)
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: [unclosed\n")
    with pytest.raises(ScenarioError, match="not valid YAML"):
        load_scenario(broken)
    with pytest.raises(ScenarioError, match="cannot read"):
        load_scenario(tmp_path / "absent.yaml")
    with pytest.raises(ScenarioError, match="unknown scenario 'nosuch'.*default"):
        load_scenario("nosuch")


def test_latency_profile_quantiles_round_trip() -> None:
    profile = LatencyProfile(10, 50, 200)
    for q, expected in ((0.5, 10), (0.95, 50), (0.99, 200)):
        assert profile.quantile(q) == pytest.approx(expected)
        assert profile.cdf(expected) == pytest.approx(q)
    assert profile.cdf(0.001) == 0.0 and profile.cdf(LINKERD_BOUNDS_MS[-1]) == 1.0
    cdfs = [profile.cdf(b) for b in LINKERD_BOUNDS_MS]
    assert cdfs == sorted(cdfs)


def _items(store: Any, api_version: str, kind: str) -> list[dict[str, Any]]:
    return store.list(api_version, kind)


def test_default_scenario_store_contents(sim_mesh_manual: Any) -> None:
    store = sim_mesh_manual.store
    namespaces = {n["metadata"]["name"]: n for n in _items(store, "v1", "Namespace")}
    injected = [n for n, obj in namespaces.items()
                if (obj["metadata"].get("annotations") or {}).get("linkerd.io/inject") == "enabled"]
    assert {"emojivoto", "booksapp", "test"} <= set(injected)
    assert {"linkerd", "linkerd-smi", "linkerd-viz"} <= set(namespaces)
    services = _items(store, "v1", "Service")
    meshed = [s for s in services if s["metadata"]["namespace"] in injected]
    assert len(meshed) >= 10
    assert any(s["metadata"]["namespace"] == "linkerd-viz" and s["metadata"]["name"] == "prometheus"
               and s["spec"]["ports"][0]["port"] == 9090 for s in services)
    pods = _items(store, "v1", "Pod")
    assert all(p["status"]["podIP"] for p in pods)
    assert len({p["status"]["podIP"] for p in pods}) == len(pods)

    splits = _items(store, "split.smi-spec.io/v1alpha1", "TrafficSplit")
    assert len(splits) >= 2
    assert any(isinstance(b["weight"], str) and b["weight"].endswith("m")
               for s in splits for b in s["spec"]["backends"])
    gateway = _items(store, "gateway.networking.k8s.io/v1", "HTTPRoute")
    policy = _items(store, "policy.linkerd.io/v1beta3", "HTTPRoute")
    assert gateway and policy
    versions = {s.api_version for s in load_scenario("default").splits}
    assert {"split.smi-spec.io/v1alpha1", "split.smi-spec.io/v1alpha2", "gateway.networking.k8s.io/v1",
            "policy.linkerd.io/v1beta3"} <= versions


def test_default_scenario_owners_are_wired(sim_mesh_manual: Any) -> None:
    store = sim_mesh_manual.store
    canary = store.get("flagger.app/v1beta1", "Canary", "test", "podinfo")
    rollout = store.get("argoproj.io/v1alpha1", "Rollout", "booksapp", "books")
    route = store.get("gateway.networking.k8s.io/v1", "HTTPRoute", "test", "podinfo")
    ts = store.get("split.smi-spec.io/v1alpha2", "TrafficSplit", "booksapp", "books")
    for obj, owner in ((route, canary), (ts, rollout)):
        (ref,) = obj["metadata"]["ownerReferences"]
        assert ref["uid"] == owner["metadata"]["uid"] and ref["uid"]
        assert ref["kind"] == owner["kind"] and ref["controller"] is True
    parsed = parse_split(route)
    assert parsed.owner is not None and parsed.owner.controller == "flagger"
    assert [b.name for b in parsed.backends] == ["podinfo-primary", "podinfo-canary"]
    assert parse_split(ts).owner.controller == "argo-rollouts"  # type: ignore[union-attr]
    strategy = rollout["spec"]["strategy"]["canary"]
    assert strategy["trafficRouting"]["smi"]["trafficSplitName"] == "books"
    assert canary["status"]["canaryWeight"] == 10


def test_linkerd_version_defaults_to_216_and_sets_what_proxies_export() -> None:
    assert parse_scenario(MINIMAL).linkerd_version == "2.16"
    old = parse_scenario({**MINIMAL, "linkerdVersion": "2.12"})
    assert (old.authority_is_apex, old.route_requests, old.route_responses) == (True, False, False)
    middle = parse_scenario({**MINIMAL, "linkerdVersion": "2.15"})
    assert (middle.authority_is_apex, middle.route_requests, middle.route_responses) == (False, True, False)
    new = parse_scenario({**MINIMAL, "linkerdVersion": "2.18"})
    assert (new.authority_is_apex, new.route_requests, new.route_responses) == (False, True, True)


@pytest.mark.parametrize("bad", ["2.11", "3.1", "2.x", "2.", 2.16, "2.١٤"])
def test_linkerd_version_must_be_a_supported_2n_string(bad: Any) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario({**MINIMAL, "linkerdVersion": bad})
    assert str(info.value).startswith("linkerdVersion:")
