"""The emulator driven by kubectl 1.32, a real client nobody here wrote."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.plugins.apiserver import RunningApiServer, trafficsplit
from tests.waiting import wait_for

pytestmark = pytest.mark.kubectl

TS_API = "split.smi-spec.io/v1alpha2"

MANIFEST = """\
apiVersion: split.smi-spec.io/v1alpha2
kind: TrafficSplit
metadata:
  name: podinfo
  namespace: default
spec:
  service: podinfo
  backends:
  - service: podinfo-primary
    weight: {primary}
  - service: podinfo-canary
    weight: {canary}
"""


def _weights(apiserver: RunningApiServer, name: str = "podinfo") -> list[int]:
    obj = apiserver.store.get(TS_API, "TrafficSplit", "default", name)
    return [b["weight"] for b in obj["spec"]["backends"]]


def test_create_and_apply(apiserver: RunningApiServer) -> None:
    created = apiserver.kubectl("create", "-f", "-", input=MANIFEST.format(primary=100, canary=0))
    assert "trafficsplit.split.smi-spec.io/podinfo created" in created.stdout
    assert _weights(apiserver) == [100, 0]
    posts = [r for r in apiserver.server.requests if r.method == "POST"]
    assert [(r.status, r.query.get("fieldValidation")) for r in posts] == [(201, "Strict")]
    applied = apiserver.kubectl("apply", "-f", "-", input=MANIFEST.format(primary=80, canary=20))
    assert "configured" in applied.stdout
    assert _weights(apiserver) == [80, 20]
    again = apiserver.kubectl("create", "-f", "-", input=MANIFEST.format(primary=1, canary=1),
                              check=False)
    assert again.returncode != 0
    assert 'trafficsplits.split.smi-spec.io "podinfo" already exists' in again.stderr


def test_apply_creates_a_missing_object(apiserver: RunningApiServer) -> None:
    apiserver.kubectl("apply", "-f", "-", input=MANIFEST.format(primary=50, canary=50))
    obj = apiserver.store.get(TS_API, "TrafficSplit", "default", "podinfo")
    assert "kubectl.kubernetes.io/last-applied-configuration" in obj["metadata"]["annotations"]


def test_get_all_namespaces_and_json(apiserver: RunningApiServer) -> None:
    apiserver.store.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "test"}})
    apiserver.store.create(trafficsplit("web", service="web"))
    apiserver.store.create(trafficsplit("api", "test", service="api"))
    table = apiserver.kubectl("get", "ts", "-A").stdout.splitlines()
    assert table[0].split() == ["NAMESPACE", "NAME", "SERVICE", "AGE"]
    assert [line.split()[:3] for line in table[1:]] == [["default", "web", "web"],
                                                        ["test", "api", "api"]]
    listed = json.loads(apiserver.kubectl("get", "ts", "-o", "json").stdout)
    assert [i["metadata"]["name"] for i in listed["items"]] == ["web"]
    assert listed["items"][0]["spec"]["backends"][0]["weight"] == 100
    lists = [r for r in apiserver.server.requests
             if r.method == "GET" and r.path.endswith("/trafficsplits")]
    assert {r.path for r in lists} == {
        "/apis/split.smi-spec.io/v1alpha4/trafficsplits",
        "/apis/split.smi-spec.io/v1alpha4/namespaces/default/trafficsplits"}


def test_get_watch_sees_a_later_change(apiserver: RunningApiServer) -> None:
    apiserver.store.create(trafficsplit("podinfo"))
    command = apiserver.kubectl_command("get", "ts", "podinfo", "-w", "-o",
                                        "jsonpath={.spec.backends[1].weight}{\"\\n\"}",
                                        "--request-timeout", "20s")
    lines: list[str] = []
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True) as proc:
        try:
            assert proc.stdout is not None
            lines.append(proc.stdout.readline().strip())
            wait_for(lambda: apiserver.store.watchers(), message="kubectl's watch to open")
            apiserver.store.patch(TS_API, "TrafficSplit", "default", "podinfo",
                                  [{"op": "replace", "path": "/spec/backends/1/weight",
                                    "value": 35}], "json")
            lines.append(proc.stdout.readline().strip())
        finally:
            proc.kill()
    assert lines == ["0", "35"]
    watches = [r for r in apiserver.server.requests if r.query.get("watch")]
    assert watches and watches[0].status == 200


def test_patch_merge_json_and_strategic(apiserver: RunningApiServer) -> None:
    apiserver.store.create(trafficsplit("podinfo"))
    backends = json.dumps({"spec": {"backends": [{"service": "podinfo-primary", "weight": 60},
                                                 {"service": "podinfo-canary", "weight": 40}]}})
    apiserver.kubectl("patch", "ts", "podinfo", "--type", "merge", "-p", backends)
    assert _weights(apiserver) == [60, 40]
    ops = json.dumps([{"op": "test", "path": "/spec/backends/1/service", "value": "podinfo-canary"},
                      {"op": "replace", "path": "/spec/backends/1/weight", "value": 45}])
    apiserver.kubectl("patch", "ts", "podinfo", "--type", "json", "-p", ops)
    assert _weights(apiserver) == [60, 45]
    failing = json.dumps([{"op": "test", "path": "/spec/service", "value": "nope"}])
    failed = apiserver.kubectl("patch", "ts", "podinfo", "--type", "json", "-p", failing,
                               check=False)
    assert failed.returncode != 0
    untyped = apiserver.kubectl("patch", "ts", "podinfo", "-p", backends, check=False)
    assert untyped.returncode != 0
    assert "application/strategic-merge-patch+json is not supported" in untyped.stderr
    statuses = [(r.content_type, r.status) for r in apiserver.server.requests
                if r.method == "PATCH"]
    assert statuses == [("application/merge-patch+json", 200),
                        ("application/json-patch+json", 200),
                        ("application/json-patch+json", 422),
                        ("application/strategic-merge-patch+json", 415)]
    assert _weights(apiserver) == [60, 45]


def test_strategic_merge_on_a_builtin_is_a_merge(apiserver: RunningApiServer) -> None:
    apiserver.store.create({"apiVersion": "v1", "kind": "Service",
                            "metadata": {"name": "podinfo", "namespace": "default"},
                            "spec": {"ports": [{"port": 9898}]}})
    apiserver.kubectl("patch", "svc", "podinfo", "-p", '{"metadata":{"labels":{"app":"web"}}}')
    obj = apiserver.store.get("v1", "Service", "default", "podinfo")
    assert obj["metadata"]["labels"] == {"app": "web"}
    assert obj["spec"]["ports"] == [{"port": 9898}]


def test_delete(apiserver: RunningApiServer) -> None:
    apiserver.store.create(trafficsplit("podinfo"))
    result = apiserver.kubectl("delete", "ts", "podinfo")
    assert 'trafficsplit.split.smi-spec.io "podinfo" deleted' in result.stdout
    assert apiserver.store.list(TS_API, "TrafficSplit") == []
    deletes = [r for r in apiserver.server.requests if r.method == "DELETE"]
    assert [(r.path, r.status) for r in deletes] == [
        ("/apis/split.smi-spec.io/v1alpha4/namespaces/default/trafficsplits/podinfo", 200)]


def test_explain_trafficsplits(apiserver: RunningApiServer) -> None:
    top = apiserver.kubectl("explain", "trafficsplits").stdout
    assert "KIND:       TrafficSplit" in top and "spec\t<Object>" in top
    backends = apiserver.kubectl("explain", "trafficsplits.spec.backends").stdout
    assert "Name of the Kubernetes service." in backends
    assert "weight\t<number> -required-" in backends


def test_readonly_context_is_forbidden(apiserver: RunningApiServer) -> None:
    apiserver.store.create(trafficsplit("podinfo"))
    listed = apiserver.kubectl("get", "ts", context="readonly")
    assert "podinfo" in listed.stdout
    denied = apiserver.kubectl("patch", "ts", "podinfo", "--type", "merge", "-p",
                               '{"spec":{"service":"evil"}}', context="readonly", check=False)
    assert denied.returncode != 0
    assert ('trafficsplits.split.smi-spec.io "podinfo" is forbidden: User "readonly" cannot '
            'patch resource "trafficsplits" in API group "split.smi-spec.io" in the namespace '
            '"default"') in denied.stderr
    assert apiserver.store.get(TS_API, "TrafficSplit", "default",
                               "podinfo")["spec"]["service"] == "podinfo"


def test_creating_a_crd_registers_its_resource(apiserver: RunningApiServer) -> None:
    crd = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
           "metadata": {"name": "widgets.example.com"},
           "spec": {"group": "example.com", "scope": "Namespaced",
                    "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
                    "versions": [{"name": "v1", "served": True, "storage": True, "schema": {
                        "openAPIV3Schema": {"type": "object",
                                            "x-kubernetes-preserve-unknown-fields": True}}}]}}
    apiserver.kubectl("create", "-f", "-", input=json.dumps(crd))
    widget = {"apiVersion": "example.com/v1", "kind": "Widget",
              "metadata": {"name": "w1", "namespace": "default"}, "spec": {"size": 3}}
    apiserver.kubectl("create", "-f", "-", input=json.dumps(widget))
    out = apiserver.kubectl("get", "widgets", "-o", "jsonpath={.items[0].spec.size}").stdout
    assert out == "3"


def test_server_dry_run_changes_nothing(apiserver: RunningApiServer) -> None:
    apiserver.store.create(trafficsplit("podinfo"))
    rv = apiserver.store.resource_version
    apiserver.kubectl("delete", "ts", "podinfo", "--dry-run=server")
    apiserver.kubectl("patch", "ts", "podinfo", "--type", "merge", "--dry-run=server", "-p",
                      '{"spec":{"service":"dry"}}')
    apiserver.kubectl("create", "-f", "-", "--dry-run=server",
                      input=MANIFEST.replace("podinfo\n", "ghost\n", 1).format(primary=1,
                                                                                canary=1))
    assert apiserver.store.resource_version == rv
    assert [o["metadata"]["name"] for o in apiserver.store.list(TS_API, "TrafficSplit")] == [
        "podinfo"]
