"""SimulatedMesh end to end: a real Kubernetes client, the service proxy, SimulatorSource, Prometheus."""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from kubernetes import client, config

from meshtui.metrics.source import BackendTarget, MetricsError, MetricsSource, RouteKey
from meshtui.model.signals import BackendKey
from meshtui.sim.apiserver import ADMIN_TOKEN
from meshtui.sim.mesh import SimulatedMesh
from meshtui.sim.source import histogram_quantile, parse_window
from tests.waiting import wait_for

CANARY = BackendKey("test", "podinfo-canary")
PRIMARY = BackendKey("test", "podinfo-primary")
PROXY = "/api/v1/namespaces/linkerd-viz/services/prometheus:9090/proxy"


def _api_get(mesh: SimulatedMesh, path: str) -> Any:
    request = urllib.request.Request(mesh.api_url + path, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_kubernetes_client_sees_the_scenario(sim_mesh_manual: SimulatedMesh, tmp_path: Path) -> None:
    path = sim_mesh_manual.write_kubeconfig(tmp_path / "kubeconfig")
    api_client = config.new_client_from_config(config_file=str(path))
    try:
        custom = client.CustomObjectsApi(api_client)
        splits = custom.list_cluster_custom_object("split.smi-spec.io", "v1alpha2", "trafficsplits")
        names = {(s["metadata"]["namespace"], s["metadata"]["name"]) for s in splits["items"]}
        assert {("booksapp", "authors-split"), ("booksapp", "books")} <= names
        pods = client.CoreV1Api(api_client).list_namespaced_pod("test")
        assert len(pods.items) >= 4
    finally:
        api_client.close()


def test_context_manager_stops_everything() -> None:
    with SimulatedMesh(realtime=False) as mesh:
        url = mesh.metrics_url
        assert "request_total" in urllib.request.urlopen(url, timeout=10).read().decode()
        assert "started" in repr(mesh)
    with pytest.raises(OSError):
        urllib.request.urlopen(url, timeout=2)
    mesh.stop()  # idempotent


def test_set_prometheus_registers_the_service_proxy(sim_mesh_manual: SimulatedMesh) -> None:
    sim_mesh_manual.traffic.step(5)
    # Any HTTP upstream will do to check the wiring: point the proxy at the exporter itself.
    sim_mesh_manual.set_prometheus(sim_mesh_manual.exporter.url)
    truth = _api_get(sim_mesh_manual, f"{PROXY}/truth")
    assert truth["backends"] and truth == json.loads(urllib.request.urlopen(sim_mesh_manual.truth_url).read())


def test_simulator_source_signals(sim_mesh_manual: SimulatedMesh) -> None:
    traffic = sim_mesh_manual.traffic
    for _ in range(300):
        traffic.step(1.0)
    source = sim_mesh_manual.source()
    assert isinstance(source, MetricsSource) and source.name == "simulator (no Prometheus)"
    route = RouteKey("test", "podinfo", "podinfo")
    targets = [BackendTarget(CANARY, route), BackendTarget(PRIMARY, route),
               BackendTarget(BackendKey("test", "podinfo"), None), BackendTarget(BackendKey("x", "y"))]
    snapshot = source.fetch(targets, "1m")
    canary, primary = snapshot.signals[CANARY], snapshot.signals[PRIMARY]
    assert canary.rps is not None and primary.rps is not None
    assert 15 < canary.rps + primary.rps < 25  # the load tester sends 20 rps to the apex
    assert primary.rps > 5 * canary.rps
    assert canary.success_rate is not None and canary.success_rate < 0.97
    apex = snapshot.signals[BackendKey("test", "podinfo")]
    assert apex.rps == 0.0 and apex.success_rate is None  # no data is None, never 0
    assert BackendKey("x", "y") not in snapshot.signals
    history = source.history(targets, "2m", 10)
    points = history[CANARY]
    assert 10 <= len(points) <= 13
    assert [t for t, _ in points] == sorted(t for t, _ in points)
    assert all(p.rps is not None for _, p in points)
    with pytest.raises(MetricsError):
        source.fetch(targets, "soon")


def test_histogram_quantile_matches_the_metrics_layer() -> None:
    bounds = [1.0, 5.0, 10.0, 50.0]
    cumulative = [2.0, 10.0, 30.0, 39.0, 40.0]
    # Prometheus' interpolation, worked by hand: rank q*40 inside its bucket; past the last
    # finite bound (q=0.99, rank 39.6 > 39) it answers that bound.
    expected = {0.1: 1 + 4 * 2 / 8, 0.5: 5 + 5 * 10 / 20, 0.9: 10 + 40 * 6 / 9, 0.95: 10 + 40 * 8 / 9,
                0.99: 50.0}
    for q, value in expected.items():
        assert histogram_quantile(q, bounds, cumulative) == pytest.approx(value)
    assert histogram_quantile(0.5, bounds, [0, 0, 0, 0, 0]) is None
    assert parse_window("90s") == 90 and parse_window("1h") == 3600


@pytest.mark.prometheus
def test_real_prometheus_scrapes_the_exporter(prometheus_factory: Any) -> None:
    with SimulatedMesh(seed=2, realtime=True, tick=0.05) as mesh:
        prometheus = prometheus_factory([mesh.metrics_target])
        mesh.set_prometheus(prometheus.url)
        query = "/api/v1/query?query=sum(request_total%7Bdirection%3D%22outbound%22%7D)%20by%20(dst_service)"

        def services() -> set[str]:
            result = _api_get(mesh, PROXY + query)["data"]["result"]
            return {r["metric"].get("dst_service") for r in result if float(r["value"][1]) > 0}

        seen = wait_for(lambda: {"podinfo-primary", "books-stable"} <= services() and services(),
                        timeout=60, message="series of the exporter in Prometheus")
        assert "podinfo-canary" in seen or "voting-v2-svc" in seen


@pytest.mark.kubectl
def test_kubectl_lists_the_default_splits(sim_mesh_manual: SimulatedMesh, tmp_path: Path) -> None:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl binary not found")
    path = sim_mesh_manual.write_kubeconfig(tmp_path / "kubeconfig")
    result = subprocess.run([kubectl, "--kubeconfig", str(path), "--cache-dir", str(tmp_path / "cache"),
                             "get", "trafficsplits,httproutes.gateway.networking.k8s.io,canaries,rollouts",
                             "-A", "-o", "name"], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    names = set(result.stdout.split())
    assert {"trafficsplit.split.smi-spec.io/authors-split", "trafficsplit.split.smi-spec.io/books",
            "httproute.gateway.networking.k8s.io/podinfo", "canary.flagger.app/podinfo",
            "rollout.argoproj.io/books"} <= names
