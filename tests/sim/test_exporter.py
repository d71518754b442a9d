"""The metrics exporter: Prometheus text that parses, Linkerd's label sets and buckets, /truth."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections import defaultdict
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from meshtui.sim.mesh import SimulatedMesh
from meshtui.sim.scenario import LINKERD_BOUNDS_MS

OUTBOUND_KEYS = {"direction", "authority", "target_addr", "target_ip", "target_port", "tls", "server_id",
                 "dst_control_plane_ns", "dst_namespace", "dst_pod", "dst_service", "dst_serviceaccount",
                 "dst_zone", "dst_zone_locality", "namespace", "pod", "control_plane_ns"}
INBOUND_KEYS = {"direction", "target_addr", "target_ip", "target_port", "tls", "client_id", "srv_group",
                "srv_kind", "srv_name", "srv_port", "route_group", "route_kind", "route_name", "authz_group",
                "authz_kind", "authz_name", "namespace", "pod", "control_plane_ns"}
ROUTE_KEYS = {f"{scope}_{part}" for scope in ("parent", "backend")
              for part in ("group", "kind", "namespace", "name", "port", "section_name")} | {
    "route_group", "route_kind", "route_namespace", "route_name", "namespace", "pod"}


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


@pytest.fixture
def scraped(sim_mesh_manual: SimulatedMesh) -> tuple[dict[str, Any], dict[str, Any]]:
    """Families of one scrape after 60 simulated seconds, and the /truth taken right after."""
    for _ in range(120):
        sim_mesh_manual.traffic.step(0.5)
    text = _get(sim_mesh_manual.metrics_url)
    families = {f.name: f for f in text_string_to_metric_families(text)}
    truth = json.loads(_get(sim_mesh_manual.truth_url))
    return families, truth


def test_families_and_label_sets(scraped: tuple[dict[str, Any], dict[str, Any]]) -> None:
    families, _ = scraped
    assert families["request"].type == "counter"
    assert families["response"].type == "counter"
    assert families["response_latency_ms"].type == "histogram"
    outbound = [s for s in families["request"].samples if s.labels["direction"] == "outbound"]
    inbound = [s for s in families["request"].samples if s.labels["direction"] == "inbound"]
    assert outbound and inbound
    for sample in outbound:
        assert OUTBOUND_KEYS <= set(sample.labels)
        assert ("dst_deployment" in sample.labels) != ("dst_replicaset" in sample.labels)
        service, namespace = sample.labels["dst_service"], sample.labels["dst_namespace"]
        assert sample.labels["authority"].startswith(f"{service}.{namespace}.svc.")
    for sample in inbound:
        assert INBOUND_KEYS <= set(sample.labels)
    books = [s for s in outbound if s.labels["dst_service"] == "books-canary"]
    assert books and all(s.labels["dst_replicaset"].startswith("books-") for s in books)
    for sample in families["response"].samples:
        assert {"status_code", "classification", "grpc_status", "error"} <= set(sample.labels)
        expected = "failure" if sample.labels["status_code"].startswith("5") else "success"
        assert sample.labels["classification"] == expected


def test_latency_buckets_are_linkerds(scraped: tuple[dict[str, Any], dict[str, Any]]) -> None:
    families, _ = scraped
    by_series: dict[tuple[Any, ...], dict[str, float]] = defaultdict(dict)
    counts: dict[tuple[Any, ...], float] = {}
    for sample in families["response_latency_ms"].samples:
        labels = tuple(sorted((k, v) for k, v in sample.labels.items() if k != "le"))
        if sample.name.endswith("_bucket"):
            by_series[labels][sample.labels["le"]] = sample.value
        elif sample.name.endswith("_count"):
            counts[labels] = sample.value
    expected_les = [f"{b:g}" for b in LINKERD_BOUNDS_MS] + ["+Inf"]
    assert by_series
    for labels, buckets in by_series.items():
        assert sorted(buckets, key=float) == sorted(expected_les, key=float)
        values = [buckets[le] for le in expected_les]
        assert values == sorted(values)
        assert buckets["+Inf"] == counts[labels]


def test_route_family_for_httproute_splits(scraped: tuple[dict[str, Any], dict[str, Any]]) -> None:
    families, truth = scraped
    requests = families["outbound_http_route_backend_requests"].samples
    assert requests
    for sample in requests:
        assert ROUTE_KEYS <= set(sample.labels)
        assert sample.labels["route_kind"] == "HTTPRoute" and sample.labels["parent_kind"] == "Service"
    groups = {s.labels["route_group"] for s in requests}
    assert groups == {"gateway.networking.k8s.io", "policy.linkerd.io"}
    statuses = families["outbound_http_route_backend_response_statuses"].samples
    assert all({"http_status", "error"} <= set(s.labels) for s in statuses)
    durations = families["outbound_http_route_backend_response_duration_seconds"].samples
    les = {s.labels["le"] for s in durations if s.name.endswith("_bucket")}
    assert les == {"0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "10.0", "+Inf"}
    podinfo = {s.labels["backend_name"]: s.value for s in requests if s.labels["route_name"] == "podinfo"}
    truth_by = {b["service"]: b["requests"] for b in truth["backends"] if b["namespace"] == "test"}
    assert podinfo == {"podinfo-primary": truth_by["podinfo-primary"], "podinfo-canary": truth_by["podinfo-canary"]}


def test_truth_agrees_with_exported_counters(scraped: tuple[dict[str, Any], dict[str, Any]]) -> None:
    families, truth = scraped
    requests: dict[tuple[str, str], float] = defaultdict(float)
    successes: dict[tuple[str, str], float] = defaultdict(float)
    for sample in families["request"].samples:
        if sample.labels["direction"] == "outbound":
            requests[(sample.labels["dst_namespace"], sample.labels["dst_service"])] += sample.value
    for sample in families["response"].samples:
        if sample.labels["direction"] == "outbound" and sample.labels["classification"] == "success":
            successes[(sample.labels["dst_namespace"], sample.labels["dst_service"])] += sample.value
    assert truth["backends"]
    for backend in truth["backends"]:
        key = (backend["namespace"], backend["service"])
        assert requests.get(key, 0) == backend["requests"]
        assert successes.get(key, 0) == backend["successes"]
        assert set(backend["latency"]) >= {"p50", "p95", "p99"}
    inbound = sum(s.value for s in families["request"].samples if s.labels["direction"] == "inbound")
    assert inbound == sum(b["requests"] for b in truth["backends"])
    assert truth["time"] > 0


def test_unknown_path_is_404(sim_mesh_manual: SimulatedMesh) -> None:
    with pytest.raises(urllib.error.HTTPError) as info:
        _get(sim_mesh_manual.metrics_url.replace("/metrics", "/nothing"))
    assert info.value.code == 404


def _mini_mesh_text(**service_extra: Any) -> str:
    """One scrape of a one-client mesh whose only backend has `service_extra` set."""
    from meshtui.sim.exposition import render_metrics
    from meshtui.sim.scenario_parse import parse_scenario

    scenario = parse_scenario({
        "name": "labels", "namespaces": [{"name": "app"}],
        "services": [{"namespace": "app", "name": "db", "port": 5432, **service_extra}],
        "clients": [{"namespace": "app", "name": "api", "calls": [{"service": "db", "rps": 50}]}]})
    mesh = SimulatedMesh(scenario, seed=3, realtime=False)
    try:
        for _ in range(5):
            mesh.traffic.step(1.0)
        return render_metrics(mesh.traffic)
    finally:
        mesh.stop()


def _series(text: str, name: str, direction: str) -> list[dict[str, str]]:
    families = {f.name: f for f in text_string_to_metric_families(text)}
    return [s.labels for s in families[name].samples if s.labels.get("direction") == direction]


def test_statefulset_pods_are_labelled_as_proxies_label_them() -> None:
    """A StatefulSet's pods: `dst_statefulset` outbound (no pod-template-hash), and the scrape
    labels linkerd-viz's relabelling makes of the pod's labels on their inbound series."""
    text = _mini_mesh_text(workloadKind="StatefulSet", replicas=2)
    (outbound, *_) = _series(text, "request", "outbound")
    assert outbound["dst_statefulset"] == "db" and "dst_pod_template_hash" not in outbound
    assert outbound["dst_pod"] in ("db-0", "db-1")
    inbound = _series(text, "request", "inbound")
    assert {s["pod"] for s in inbound} <= {"db-0", "db-1"}
    sample = inbound[0]
    assert sample["statefulset"] == "db" and sample["workload_ns"] == "app"
    assert sample["control_plane_ns"] == "linkerd" and sample["app"] == "db"
    assert sample["statefulset_kubernetes_io_pod_name"] == sample["pod"]
    assert sample["controller_revision_hash"].startswith("db-")
    # The client's own pod labels on its outbound series, as relabelled.
    assert outbound["deployment"] == "api" and outbound["pod_template_hash"]


def test_an_unmeshed_backend_gets_no_identity_and_no_inbound_series() -> None:
    text = _mini_mesh_text(meshed=False)
    (outbound, *_) = _series(text, "request", "outbound")
    assert outbound["tls"] == "no_identity"
    assert outbound["no_tls_reason"] == "not_provided_by_service_discovery"
    assert "server_id" not in outbound
    assert _series(text, "request", "inbound") == []
