"""``meshtui get splits`` names owners as the dashboard does, on manifests like the real ones."""

from __future__ import annotations

import json

import pytest

from tests.cli.helpers import run_main
from tests.kube.harness import KubeHarness
from tests.model.manifests import argo_rollout, argo_route, failover_split, flagger_canary, flagger_split


def test_owner_names_come_from_every_mark(kube: KubeHarness, capsys: pytest.CaptureFixture[str]) -> None:
    store = kube.store
    store.create(flagger_canary("test"))
    split = flagger_split("test")
    managed = split["metadata"].pop("managedFields")
    store.create(split, manager=managed[-1]["manager"])
    store.create(argo_rollout("other", plugin={"httpRoute": "argo-rollouts-http-route"}))
    route = argo_route(namespace="other", manager=None)
    store.create(route, manager="gatewayAPI")
    store.create(failover_split("other"))
    result = run_main(["get", "splits", "-A", "-o", "json", "--kubeconfig", str(kube.kubeconfig)], capsys)
    assert result.returncode == 0, result.stderr
    owners = {(s["namespace"], s["name"]): s["owner"] for s in json.loads(result.stdout)}
    assert owners == {
        ("test", "podinfo"): {"kind": "Canary", "name": "podinfo", "controller": "flagger"},
        ("other", "argo-rollouts-http-route"): {"kind": "Rollout", "name": "rollouts-demo",
                                                "controller": "argo-rollouts"},
        ("other", "sample-svc"): {"kind": "TrafficSplit", "name": "sample-svc",
                                  "controller": "linkerd-failover"},
    }
    table = run_main(["get", "splits", "-n", "other", "--kubeconfig", str(kube.kubeconfig)], capsys)
    assert "Rollout/rollouts-demo" in table.stdout and "linkerd-failover" in table.stdout


def test_a_plugin_route_in_another_namespace_is_named_in_one_namespace_too(
        kube: KubeHarness, capsys: pytest.CaptureFixture[str]) -> None:
    # The Rollout lives in "test", its route in "other": `-n other` still finds it, as the
    # dashboard (which watches every namespace) does.
    kube.store.create(argo_rollout("test", plugin={"httpRoute": "argo-rollouts-http-route",
                                                   "namespace": "other"}))
    kube.store.create(argo_route(namespace="other", manager=None), manager="gatewayAPI")
    result = run_main(["get", "splits", "-n", "other", "-o", "json", "--kubeconfig", str(kube.kubeconfig)],
                      capsys)
    assert result.returncode == 0, result.stderr
    (split,) = json.loads(result.stdout)
    assert split["owner"] == {"kind": "Rollout", "name": "rollouts-demo", "controller": "argo-rollouts"}
