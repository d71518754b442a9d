"""Mirrored services from a second cluster: their objects, and traffic shifted onto them."""

from __future__ import annotations

from importlib import resources
from typing import Any

import pytest
import yaml

from meshtui.model.signals import BackendKey
from meshtui.sim.exposition import render_metrics
from meshtui.sim.mesh import SimulatedMesh
from meshtui.sim.scenario import ScenarioError, load_scenario
from meshtui.sim.scenario_objects import scenario_objects
from meshtui.sim.scenario_parse import parse_scenario
from meshtui.sim.source import SimulatorSource

MIRROR_LABELS = {"mirror.linkerd.io/mirrored-service": "true",
                 "mirror.linkerd.io/cluster-name": "west"}


def _split(store: Any, target: str) -> None:
    store.create({"apiVersion": "policy.linkerd.io/v1beta3", "kind": "HTTPRoute",
                  "metadata": {"name": "web-failover", "namespace": "emojivoto"},
                  "spec": {"parentRefs": [{"group": "core", "kind": "Service",
                                           "name": "web-svc", "port": 80}],
                           "rules": [{"backendRefs": [{"name": target, "port": 80,
                                                       "weight": 100}]}]}})


def test_default_scenario_mirrors_services_from_west(sim_mesh_manual: SimulatedMesh) -> None:
    store = sim_mesh_manual.store
    mirrored = {s["metadata"]["name"]: s for s in store.list("v1", "Service")
                if s["metadata"].get("labels", {}).get("mirror.linkerd.io/mirrored-service")}
    assert sorted(mirrored) == ["voting-svc-west", "web-svc-west"]
    web = mirrored["web-svc-west"]
    assert web["metadata"]["namespace"] == "emojivoto"
    assert web["metadata"]["labels"] == MIRROR_LABELS
    assert web["metadata"]["annotations"]["mirror.linkerd.io/remote-svc-fq-name"] == \
        "web-svc.emojivoto.svc.cluster.local"
    assert "selector" not in web["spec"]
    # The remote workloads run in west: no local Deployment or Pod stands for them.
    local = {o["metadata"]["name"] for kind in ("Deployment", "Pod")
             for o in store.list("apps/v1" if kind == "Deployment" else "v1", kind)}
    assert not any(name.startswith(("web-west", "voting-west")) for name in local)


def test_mirrors_do_not_renumber_local_pods() -> None:
    scenario = load_scenario("default")
    document = yaml.safe_load(
        resources.files("meshtui.sim.scenarios").joinpath("default.yaml").read_text())
    document["services"] = [s for s in document["services"] if "cluster" not in s]
    without = parse_scenario(document)
    ips = {o["metadata"]["name"]: o["status"]["podIP"] for o in scenario_objects(scenario)
           if o["kind"] == "Pod"}
    assert ips == {o["metadata"]["name"]: o["status"]["podIP"]
                   for o in scenario_objects(without) if o["kind"] == "Pod"}


def test_shifting_web_svc_to_west_shows_in_the_signals(sim_mesh_manual: SimulatedMesh) -> None:
    traffic, store = sim_mesh_manual.traffic, sim_mesh_manual.store
    for _ in range(300):
        traffic.step(1.0)
    truth = {b["service"]: b for b in traffic.truth()["backends"]}
    assert "web-svc-west" not in truth or truth["web-svc-west"]["requests"] == 0
    _split(store, "web-svc-west")
    for _ in range(300):
        traffic.step(1.0)
    truth = {b["service"]: b for b in traffic.truth()["backends"]}
    assert truth["web-svc-west"]["requests"] > 2500  # vote-bot's 12 rps, all of it
    source = SimulatorSource(traffic)
    west, local = BackendKey("emojivoto", "web-svc-west"), BackendKey("emojivoto", "web-svc")
    signals = source.fetch([west, local], "1m").signals
    assert signals[west].p50_ms is not None and signals[west].p50_ms > 20  # a cross-cluster hop
    assert not signals[local].rps  # nothing left on the failing local pods
    page = render_metrics(traffic)
    west_lines = [line for line in page.splitlines() if 'dst_service="web-svc-west"' in line]
    assert west_lines and all('direction="outbound"' in line for line in west_lines)
    assert all("10.43." in line for line in west_lines if "target_ip=" in line)


def test_cluster_must_be_a_name() -> None:
    doc = {"name": "x", "namespaces": [{"name": "app"}],
           "services": [{"namespace": "app", "name": "web-east", "cluster": "East!"}]}
    with pytest.raises(ScenarioError, match=r"services\[0\]\.cluster"):
        parse_scenario(doc)
