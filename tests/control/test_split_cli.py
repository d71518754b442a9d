"""``meshtui split create`` and ``meshtui split delete`` through the real entry point."""

from __future__ import annotations

import json
from typing import Any

import pytest

from meshtui.kube.audit import read_audit
from tests.control.conftest import httproute, mutating
from tests.control.test_cli import _one_error_line, meshtui

POLICY = "policy.linkerd.io/v1beta3"


@pytest.fixture
def cluster(apiserver: Any) -> Any:
    for name in ("web-svc", "web-svc-west", "web-v2"):
        apiserver.store.create({"apiVersion": "v1", "kind": "Service",
                                "metadata": {"name": name, "namespace": "default"},
                                "spec": {"ports": [{"port": 80}]}})
    return apiserver


def _routes(apiserver: Any) -> list[dict[str, Any]]:
    return apiserver.store.list(POLICY, "HTTPRoute")


def test_create_json_then_delete(cluster: Any) -> None:
    created = meshtui(cluster, "split", "create", "web-svc", "web-svc-west=100", "--reason",
                      "web-svc 5xx", "-o", "json")
    assert created.returncode == 0, created.stderr
    out = json.loads(created.stdout)
    assert out["object"] == "httproute/default/web-svc-shift" and out["dryRun"] is False
    assert out["apiVersion"] == POLICY
    assert out["backends"] == {"web-svc": 0, "web-svc-west": 100}
    [route] = _routes(cluster)
    meta = route["metadata"]
    assert meta["labels"] == {"app.kubernetes.io/managed-by": "meshtui"}
    assert meta["annotations"]["meshtui.io/reason"] == "web-svc 5xx"
    assert meta["annotations"]["meshtui.io/created-by"] == "admin@meshtui-sim"
    deleted = meshtui(cluster, "split", "delete", "httproute/web-svc-shift")
    assert deleted.returncode == 0, deleted.stderr
    assert "httproute/default/web-svc-shift deleted" in deleted.stdout
    assert _routes(cluster) == []
    assert [(r["verb"], r["action"], r["result"]) for r in read_audit()] == [
        ("create", "shift", "ok"), ("delete", "end-shift", "ok")]


def test_trafficsplit_kind_and_the_rest_on_the_service(cluster: Any) -> None:
    created = meshtui(cluster, "split", "create", "web-svc", "web-v2=30", "--kind",
                      "trafficsplit", "--name", "web-canary")
    assert created.returncode == 0, created.stderr
    assert "trafficsplit/default/web-canary created" in created.stdout
    [split] = cluster.store.list("split.smi-spec.io/v1alpha1", "TrafficSplit")
    # Weights are encoded for the served version: quantity strings at v1alpha1, ints after.
    assert [(b["service"], str(b["weight"])) for b in split["spec"]["backends"]] == [
        ("web-svc", "70"), ("web-v2", "30")]


def test_an_existing_split_is_refused_with_its_name(cluster: Any) -> None:
    cluster.store.create(httproute("voting", service="web-svc"))
    before = len(mutating(cluster.server))
    result = meshtui(cluster, "split", "create", "web-svc", "web-svc-west=100")
    line = _one_error_line(result)
    assert "httproute/default/voting" in line and "already has a split" in line
    assert len(mutating(cluster.server)) == before


def test_foreign_splits_are_deleted_only_with_force(cluster: Any) -> None:
    cluster.store.create(httproute("voting", service="web-svc"))
    refused = meshtui(cluster, "split", "delete", "hr/voting")
    assert "not created by meshtui" in _one_error_line(refused)
    assert mutating(cluster.server) == []
    forced = meshtui(cluster, "split", "delete", "hr/voting", "--force")
    assert forced.returncode == 0, forced.stderr
    assert "was not created by meshtui" in forced.stderr
    assert cluster.store.list("gateway.networking.k8s.io/v1", "HTTPRoute") == []
    assert [(r["verb"], r["result"]) for r in read_audit()] == [("delete", "ok")]


def test_dry_run_and_read_only_store_nothing(cluster: Any) -> None:
    dry = meshtui(cluster, "split", "create", "web-svc", "web-svc-west=100", "--dry-run",
                  "-o", "json")
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout)["dryRun"] is True
    assert json.loads(dry.stdout)["manifest"]["metadata"]["labels"] == {
        "app.kubernetes.io/managed-by": "meshtui"}
    assert _routes(cluster) == []
    posts = mutating(cluster.server)
    assert [(r.method, r.query.get("dryRun")) for r in posts] == [("POST", "All")]
    refused = meshtui(cluster, "split", "create", "web-svc", "web-svc-west=100", "--read-only")
    assert "read-only mode" in _one_error_line(refused)
    assert len(mutating(cluster.server)) == 1
    assert [r["result"] for r in read_audit()] == ["dry-run", "read-only"]


def test_the_readonly_identity_is_forbidden(cluster: Any) -> None:
    result = meshtui(cluster, "split", "create", "web-svc", "web-svc-west=100", "--context",
                     "readonly")
    line = _one_error_line(result)
    assert "forbidden" in line and "readonly" in line and "cannot create" in line
    assert _routes(cluster) == []
    assert [r["result"] for r in read_audit()] == ["forbidden"]


@pytest.mark.parametrize(("args", "message"), [
    (("create", "web-svc", "web-svc-west=150"), "cannot exceed 100"),
    (("create", "web-svc", "web-svc-west=60", "web-v2=60"), "more than 100"),
    (("create", "web-svc", "web-svc-west"), "expected BACKEND=PERCENT"),
    (("create", "web-svc", "nowhere=100"), "no Service nowhere"),
    (("create", "web-svc", "web-svc-west=100", "--name", "Bad_Name"), "invalid split name"),
    (("delete", "ts/missing"), "no trafficsplits named 'missing'"),
])
def test_refusals_are_one_error_line(cluster: Any, args: tuple[str, ...], message: str) -> None:
    assert message in _one_error_line(meshtui(cluster, "split", *args))
    assert mutating(cluster.server) == []
