"""kubectl's typed generators send protobuf for built-in kinds; the emulator must read it."""

from __future__ import annotations

import pytest

from tests.plugins.apiserver import RunningApiServer

pytestmark = pytest.mark.kubectl

PROTOBUF = "application/vnd.kubernetes.protobuf"


def _posts(apiserver: RunningApiServer) -> list[tuple[str, str | None, int]]:
    return [(r.path, r.content_type, r.status) for r in apiserver.server.requests
            if r.method == "POST"]


def test_create_namespace(apiserver: RunningApiServer) -> None:
    result = apiserver.kubectl("create", "namespace", "shop")
    assert "namespace/shop created" in result.stdout
    assert _posts(apiserver) == [("/api/v1/namespaces", PROTOBUF, 201)]
    obj = apiserver.store.get("v1", "Namespace", None, "shop")
    assert obj["metadata"]["name"] == "shop"
    assert obj["metadata"]["creationTimestamp"]


def test_create_deployment(apiserver: RunningApiServer) -> None:
    result = apiserver.kubectl("create", "deployment", "web", "--image=nginx:1.27",
                               "--replicas=3", "--port=8080")
    assert "deployment.apps/web created" in result.stdout
    assert _posts(apiserver) == [("/apis/apps/v1/namespaces/default/deployments", PROTOBUF, 201)]
    obj = apiserver.store.get("apps/v1", "Deployment", "default", "web")
    spec = obj["spec"]
    assert obj["metadata"]["labels"] == {"app": "web"}
    assert spec["replicas"] == 3
    assert spec["selector"] == {"matchLabels": {"app": "web"}}
    assert spec["template"]["metadata"]["labels"] == {"app": "web"}
    [container] = spec["template"]["spec"]["containers"]
    assert container["name"] == "nginx"
    assert container["image"] == "nginx:1.27"
    assert container["ports"] == [{"containerPort": 8080}]


def test_create_deployment_with_zero_replicas_keeps_the_zero(apiserver: RunningApiServer) -> None:
    apiserver.kubectl("create", "deployment", "idle", "--image=nginx", "--replicas=0")
    assert apiserver.store.get("apps/v1", "Deployment", "default", "idle")["spec"]["replicas"] == 0


def test_create_service(apiserver: RunningApiServer) -> None:
    result = apiserver.kubectl("create", "service", "clusterip", "web", "--tcp=80:8080",
                               "--tcp=9090:metrics")
    assert "service/web created" in result.stdout
    assert _posts(apiserver) == [("/api/v1/namespaces/default/services", PROTOBUF, 201)]
    spec = apiserver.store.get("v1", "Service", "default", "web")["spec"]
    assert spec["type"] == "ClusterIP"
    assert spec["selector"] == {"app": "web"}
    assert spec["ports"] == [
        {"name": "80-8080", "protocol": "TCP", "port": 80, "targetPort": 8080},
        {"name": "9090-metrics", "protocol": "TCP", "port": 9090, "targetPort": "metrics"}]


def test_builtin_creates_honour_namespace_and_dry_run(apiserver: RunningApiServer) -> None:
    apiserver.kubectl("create", "namespace", "shop")
    rv = apiserver.store.resource_version
    apiserver.kubectl("create", "deployment", "ghost", "-n", "shop", "--image=nginx",
                      "--dry-run=server")
    assert apiserver.store.resource_version == rv
    apiserver.kubectl("create", "deployment", "web", "-n", "shop", "--image=nginx")
    assert apiserver.store.get("apps/v1", "Deployment", "shop", "web")["metadata"][
        "namespace"] == "shop"


def test_builtin_delete_reads_protobuf_delete_options(apiserver: RunningApiServer) -> None:
    apiserver.kubectl("create", "namespace", "shop")
    apiserver.kubectl("create", "deployment", "web", "-n", "shop", "--image=nginx")
    apiserver.kubectl("delete", "deployment", "web", "-n", "shop", "--dry-run=server")
    assert apiserver.store.get("apps/v1", "Deployment", "shop", "web")
    apiserver.kubectl("delete", "deployment", "web", "-n", "shop")
    assert apiserver.store.list("apps/v1", "Deployment") == []


def test_readonly_cannot_create_a_namespace(apiserver: RunningApiServer) -> None:
    denied = apiserver.kubectl("create", "namespace", "shop", context="readonly", check=False)
    assert denied.returncode != 0
    assert 'User "readonly" cannot create resource "namespaces"' in denied.stderr
