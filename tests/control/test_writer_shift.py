"""Creating and ending a shift through the one write path, against the API emulator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from meshtui.kube.audit import AuditLog, read_audit
from meshtui.kube.client import MeshClient
from meshtui.kube.config import load_cluster
from meshtui.kube.errors import Conflict, Forbidden
from meshtui.kube.shift import plan_shift, shift_kind
from meshtui.kube.writer import ClusterWriter, ReadOnly
from meshtui.model.shift import MANAGED_BY_LABEL, ShiftRefused, end_write, shift_write
from meshtui.model.split import parse_split
from meshtui.model.weight_writes import rule_percents
from tests.control.conftest import httproute, mutating
from tests.waiting import wait_for

POLICY = "policy.linkerd.io/v1beta3"
NOW = "2026-12-07T06:30:00Z"


def _service(name: str, *ports: int) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"ports": [{"port": p} for p in ports or (80,)]}}


@pytest.fixture
def services(apiserver: Any) -> Any:
    for svc in (_service("web-svc", 80), _service("web-svc-west", 80, 4191),
                _service("web-v2", 8080)):
        apiserver.store.create(svc)
    return apiserver


def _plan(clusters: Callable[..., Any], **options: Any) -> Any:
    client = MeshClient(clusters())
    assignments = options.pop("assignments", {"web-svc-west": "100"})
    return plan_shift(client, "default", "web-svc", assignments, created_by="admin@meshtui-sim",
                      created_at=NOW, **options)


def test_create_lands_labelled_and_audited(services: Any, clusters: Any,
                                           make_writer: Callable[..., ClusterWriter],
        audit_path: Any) -> None:
    request = _plan(clusters, reason="web-svc 5xx")
    result = make_writer().write(shift_write(request), "shift")
    stored = services.store.get(POLICY, "HTTPRoute", "default", "web-svc-shift")
    assert stored["metadata"]["labels"][MANAGED_BY_LABEL] == "meshtui"
    assert stored["metadata"]["annotations"]["meshtui.io/reason"] == "web-svc 5xx"
    refs = stored["spec"]["rules"][0]["backendRefs"]
    assert [(r["name"], r["port"], r["weight"]) for r in refs] == [("web-svc", 80, 0),
                                                                  ("web-svc-west", 80, 100)]
    assert result.obj["metadata"]["resourceVersion"]
    [record] = read_audit(audit_path)
    assert (record["verb"], record["action"], record["result"]) == ("create", "shift", "ok")
    assert record["object"]["name"] == "web-svc-shift"


def test_a_backend_without_the_apex_port_gets_its_own(services: Any, clusters: Any) -> None:
    request = _plan(clusters, assignments={"web-v2": "40"}, name="canary")
    assert [(b.service, b.percent, b.port) for b in request.backends] == [
        ("web-svc", 60, 80), ("web-v2", 40, 8080)]


def test_an_existing_split_is_refused_by_name(services: Any, clusters: Any) -> None:
    services.store.create(httproute("voting", service="web-svc"))
    with pytest.raises(ShiftRefused, match=r"httproute/default/voting"):
        _plan(clusters)
    assert mutating(services.server) == []


def test_unknown_services_are_refused(services: Any, clusters: Any) -> None:
    with pytest.raises(ShiftRefused, match="no Service web-east"):
        _plan(clusters, assignments={"web-east": "100"})


def test_default_kind_follows_what_the_cluster_serves(services: Any, clusters: Any) -> None:
    assert shift_kind(MeshClient(clusters()))[0].key == "httproutes.policy.linkerd.io"
    store = services.store
    store.delete("apiextensions.k8s.io/v1", "CustomResourceDefinition", None,
                 "httproutes.policy.linkerd.io")
    assert shift_kind(MeshClient(clusters()))[0].key == "httproutes.gateway.networking.k8s.io"
    store.delete("apiextensions.k8s.io/v1", "CustomResourceDefinition", None,
                 "httproutes.gateway.networking.k8s.io")
    kind, version = shift_kind(MeshClient(clusters()))
    assert kind.key == "trafficsplits" and version
    with pytest.raises(ShiftRefused, match="no httproute"):
        shift_kind(MeshClient(clusters()), "httproute")


def test_dry_run_stores_nothing(services: Any, clusters: Any,
                                make_writer: Callable[..., ClusterWriter],
        audit_path: Any) -> None:
    result = make_writer(dry_run=True).write(shift_write(_plan(clusters)), "shift")
    assert result.dry_run
    assert services.store.list(POLICY, "HTTPRoute") == []
    assert [r["result"] for r in read_audit(audit_path)] == ["dry-run"]


def test_read_only_sends_nothing(services: Any, clusters: Any,
                                 make_writer: Callable[..., ClusterWriter],
        audit_path: Any) -> None:
    with pytest.raises(ReadOnly):
        make_writer(read_only=True).write(shift_write(_plan(clusters)), "shift")
    assert mutating(services.server) == []
    assert [r["result"] for r in read_audit(audit_path)] == ["read-only"]


def test_the_readonly_identity_is_forbidden(services: Any, clusters: Any,
                                            make_writer: Callable[..., ClusterWriter],
        audit_path: Any) -> None:
    with pytest.raises(Forbidden, match="cannot create"):
        make_writer(context="readonly").write(shift_write(_plan(clusters)), "shift")
    assert services.store.list(POLICY, "HTTPRoute") == []
    assert [r["result"] for r in read_audit(audit_path)] == ["forbidden"]


def test_end_deletes_guarded_by_resource_version(services: Any, clusters: Any,
                                                 make_writer: Callable[..., ClusterWriter],
        audit_path: Any
                                                 ) -> None:
    writer = make_writer()
    writer.write(shift_write(_plan(clusters)), "shift")
    read = parse_split(services.store.get(POLICY, "HTTPRoute", "default", "web-svc-shift"))
    services.store.patch(POLICY, "HTTPRoute", "default", "web-svc-shift",
                         {"metadata": {"annotations": {"note": "changed"}}}, "merge")
    with pytest.raises(Conflict, match="changed since it was read"):
        writer.write(end_write(read), "end-shift")
    assert services.store.get(POLICY, "HTTPRoute", "default", "web-svc-shift")
    fresh = parse_split(services.store.get(POLICY, "HTTPRoute", "default", "web-svc-shift"))
    make_writer(dry_run=True).write(end_write(fresh), "end-shift")
    assert services.store.get(POLICY, "HTTPRoute", "default", "web-svc-shift")
    writer.write(end_write(fresh), "end-shift")
    assert services.store.list(POLICY, "HTTPRoute") == []
    records = read_audit(audit_path)
    assert [(r["verb"], r["result"]) for r in records] == [
        ("create", "ok"), ("delete", "conflict"), ("delete", "dry-run"), ("delete", "ok")]
    assert rule_percents(fresh, 0) == [0, 100]
    assert records[-1]["before"]["spec"]["parentRefs"][0]["name"] == "web-svc"


def test_simulated_traffic_follows_a_created_shift_within_a_second(sim_mesh: Any,
                                                                   tmp_path: Any) -> None:
    def west_requests() -> int:
        return sum(b["requests"] for b in sim_mesh.traffic.truth()["backends"]
                   if b["service"] == "web-svc-west")

    assert west_requests() == 0
    cluster = load_cluster(str(sim_mesh.write_kubeconfig(tmp_path / "kubeconfig")), None)
    try:
        request = plan_shift(MeshClient(cluster), "emojivoto", "web-svc",
                             {"web-svc-west": "100"}, created_by="admin", created_at=NOW)
        ClusterWriter(cluster, audit=AuditLog(tmp_path / "audit.log")).write(
            shift_write(request), "shift")
    finally:
        cluster.close()
    # vote-bot sends web-svc 12 requests a second, so a second is enough to see several.
    wait_for(lambda: west_requests() >= 3, timeout=1.0, message="traffic on web-svc-west")
