"""Tests of meshed services: mesh state, pods, splits, mirrors and the attention verdict."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from meshtui.model.findings import HealthPolicy
from meshtui.model.mesh import MeshState
from meshtui.model.meshed import meshed_services, service_health
from meshtui.model.signals import GoldenSignals
from meshtui.sim.scenario import load_scenario
from meshtui.sim.scenario_objects import scenario_objects
from tests.model.hypothesis_settings import FUZZ
from tests.model.test_mesh import namespace, route, service, ts


def pod(name: str, namespace: str = "prod", labels: dict[str, str] | None = None, *, proxy: bool = True,
        ready: bool = True, proxy_ready: bool | None = None, inject: str | None = None,
        phase: str = "Running", sidecar: bool = False) -> dict[str, Any]:
    """A Pod, with a linkerd-proxy container (or native sidecar) unless `proxy` is False."""
    containers = [{"name": "app"}]
    init = [{"name": "linkerd-proxy"}] if proxy and sidecar else []
    if proxy and not sidecar:
        containers.append({"name": "linkerd-proxy"})
    status: dict[str, Any] = {"phase": phase, "conditions": [{"type": "Ready", "status": str(ready)}]}
    if proxy_ready is not None:
        status["containerStatuses"] = [{"name": "linkerd-proxy", "ready": proxy_ready}]
    annotations = {"linkerd.io/inject": inject} if inject is not None else {}
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": namespace, "labels": labels or {"app": "web"},
                         "annotations": annotations},
            "spec": {"containers": containers, "initContainers": init}, "status": status}


def test_pods_are_counted_through_the_selector() -> None:
    """total, ready, meshed and proxies ready come from the selected pods only; finished pods
    and pods of other namespaces or labels are not counted."""
    pods = [pod("a"), pod("b", ready=False), pod("c", proxy=False), pod("d", proxy_ready=False),
            pod("e", phase="Succeeded"), pod("f", labels={"app": "db"}), pod("g", namespace="dev"),
            pod("h", sidecar=True)]
    [web] = meshed_services([service("web", selector={"app": "web"})], [], pods, [], [])
    assert (web.pods.total, web.pods.ready, web.pods.meshed, web.pods.proxies_ready) == (5, 4, 4, 2)
    assert web.proxies == "2/5"
    assert web.pods.to_json() == {"total": 5, "ready": 4, "meshed": 4}


def test_meshed_by_pod_annotation_before_namespace() -> None:
    """A pod's (or template's) inject annotation decides; then the namespace's; then a proxy."""
    namespaces = [namespace("prod", inject=True), namespace("dev")]
    services = [service("on", selector={"app": "on"}), service("off", selector={"app": "off"}),
                service("plain", selector={"app": "plain"}),
                service("manual", "dev", selector={"app": "manual"}),
                service("bare", "dev", selector={"app": "bare"}),
                service("templated", "dev", selector={"app": "tpl"})]
    pods = [pod("1", labels={"app": "off"}, inject="disabled", proxy=False),
            pod("2", labels={"app": "plain"}, proxy=False),
            pod("3", "dev", labels={"app": "manual"}),
            pod("4", "dev", labels={"app": "bare"}, proxy=False)]
    deployments = [{"metadata": {"name": "tpl", "namespace": "dev"},
                    "spec": {"template": {"metadata": {"labels": {"app": "tpl"},
                                                       "annotations": {"linkerd.io/inject": "enabled"}}}}}]
    found = {s.name: (s.meshed, s.injected_by) for s in meshed_services(services, namespaces, pods, deployments, [])}
    assert found == {"on": (True, "namespace"), "off": (False, "pod"), "plain": (True, "namespace"),
                     "manual": (True, "proxy"), "bare": (False, ""), "templated": (True, "pod")}


def test_splits_as_apex_or_backend_and_mirrors() -> None:
    """Each service lists the splits naming it (apex, backend or both), once each; a mirror names
    its cluster and counts as meshed."""
    state = MeshState()
    state.replace("trafficsplits", [ts()])
    state.replace("httproutes.gateway.networking.k8s.io", [route()])
    mirror = service("web-east")
    mirror["metadata"]["labels"] = {"mirror.linkerd.io/mirrored-service": "true",
                                    "mirror.linkerd.io/cluster-name": "east"}
    state.replace("services", [service("web"), service("web-v2"), service("web-canary"), mirror,
                               service("db")])
    found = {s.name: s for s in state.meshed_services()}
    assert [(p.label, p.apex, p.backend) for p in found["web"].splits] == [
        ("TrafficSplit/web", True, False), ("HTTPRoute/web-route", True, True)]
    assert [p.label for p in found["web-canary"].splits] == ["TrafficSplit/web"]
    assert found["db"].splits == () and found["db"].mirror_cluster is None
    assert found["web-east"].to_json()["mirror"] == {"cluster": "east"}
    assert found["web-east"].meshed and found["web-east"].injected_by == "mirror"
    assert found["db"].to_json() == {"namespace": "prod", "name": "db", "meshed": False,
                                     "pods": {"total": 0, "ready": 0, "meshed": 0}, "splits": [],
                                     "mirror": None}


def test_meshed_services_cached_until_an_input_changes() -> None:
    """The same list comes back until services, pods or splits change."""
    state = MeshState()
    state.replace("services", [service("web", selector={"app": "web"})])
    first = state.meshed_services()
    state.replace("canaries", [])
    assert state.meshed_services() is first
    state.replace("pods", [pod("a")])
    assert state.meshed_services()[0].pods.total == 1
    assert state.meshed_services("dev") == []


def test_unmeshed_service_with_meshed_traffic_needs_attention() -> None:
    """Unmeshed with traffic (or in a split) is flagged; unready proxies and failing are too."""
    policy = HealthPolicy()
    db_pod = pod("a", labels={"app": "db"}, proxy=False)
    [plain] = meshed_services([service("db", selector={"app": "db"})], [], [db_pod], [], [])
    assert not service_health(plain, None, policy).attention
    flagged = service_health(plain, GoldenSignals(1.0, 3.0, 1, 2, 3), policy)
    assert flagged.attention and flagged.note == "unmeshed, receives meshed traffic"
    [web] = meshed_services([service("web", selector={"app": "web"})], [], [pod("a", proxy_ready=False)], [], [])
    assert service_health(web, None, policy).note == "proxies ready 0/1"
    failing = service_health(web, GoldenSignals(0.5, 3.0, 1, 2, 3), policy)
    assert failing.mark == "bad" and failing.reasons[0] == "success 50.0%"


def test_default_scenario_lists_services_without_splits() -> None:
    """In the default scenario web-svc, emoji-svc and webapp have no split yet are meshed with
    their pods ready."""
    state = MeshState()
    by_resource: dict[str, list[dict[str, Any]]] = {}
    keys = {"Namespace": "namespaces", "Service": "services", "Pod": "pods", "Deployment": "deployments",
            "TrafficSplit": "trafficsplits"}
    for obj in scenario_objects(load_scenario("default")):
        if obj["kind"] == "HTTPRoute":
            by_resource.setdefault("httproutes." + obj["apiVersion"].split("/")[0], []).append(obj)
        elif obj["kind"] in keys:
            by_resource.setdefault(keys[obj["kind"]], []).append(obj)
    for resource, objects in by_resource.items():
        state.replace(resource, objects)
    found = {(s.namespace, s.name): s for s in state.meshed_services()}
    for key in (("emojivoto", "web-svc"), ("emojivoto", "emoji-svc"), ("booksapp", "webapp")):
        assert found[key].splits == () and found[key].meshed
        assert found[key].pods.total >= 1 and found[key].pods.proxies_ready == found[key].pods.total
    assert [p.label for p in found[("emojivoto", "voting-svc")].splits] == ["HTTPRoute/voting-split"]


_JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)


def _shaped(kind: str) -> st.SearchStrategy[Any]:
    """Objects of `kind` whose fields are anything JSON can hold (or a plausible shape)."""
    labels = st.dictionaries(st.sampled_from(["app", "linkerd.io/inject", MIRRORED, CLUSTER]),
                             st.sampled_from(["web", "true", "enabled", "disabled", "east"]) | _JSONISH,
                             max_size=3)
    meta = st.fixed_dictionaries({"name": st.sampled_from(["web", "db"]) | _JSONISH,
                                  "namespace": st.sampled_from(["prod", ""]) | _JSONISH,
                                  "labels": labels | _JSONISH, "annotations": labels | _JSONISH})
    return st.fixed_dictionaries({"kind": st.just(kind), "metadata": meta | _JSONISH,
                                  "spec": _JSONISH | st.fixed_dictionaries(
                                      {"selector": labels | _JSONISH,
                                       "containers": st.lists(st.fixed_dictionaries(
                                           {"name": st.sampled_from(["linkerd-proxy", "app"]) | _JSONISH}),
                                           max_size=2) | _JSONISH}),
                                  "status": _JSONISH})


MIRRORED, CLUSTER = "mirror.linkerd.io/mirrored-service", "mirror.linkerd.io/cluster-name"


@FUZZ
@given(st.lists(_shaped("Service"), max_size=4), st.lists(_shaped("Namespace"), max_size=3),
       st.lists(_shaped("Pod"), max_size=4), st.lists(_shaped("Deployment"), max_size=2))
def test_malformed_objects_never_raise(services: list[Any], namespaces: list[Any], pods: list[Any],
                                       deployments: list[Any]) -> None:
    """Any field of any shape gives a row per service with bounded counts, never an exception;
    the JSON stays serialisable."""
    found = meshed_services(services, namespaces, pods, deployments, [])
    assert len(found) == len(services)
    for described in found:
        pods_of = described.pods
        assert 0 <= pods_of.proxies_ready <= pods_of.meshed <= pods_of.total <= len(pods)
        assert isinstance(described.name, str) and isinstance(described.namespace, str)
        json.dumps(described.to_json(None, with_signals=True))
        service_health(described, GoldenSignals(1.0, 1.0), HealthPolicy())


def test_meshed_label_names_what_decided() -> None:
    """The view and the CLI word the mesh state alike."""
    from meshtui.model.meshed import meshed_label

    assert [meshed_label(True, "namespace"), meshed_label(False, "pod"), meshed_label(True, "proxy"),
            meshed_label(True, "mirror"), meshed_label(False, "")] == [
        "yes (ns)", "no (pod)", "yes (proxy)", "mirror", "no"]
