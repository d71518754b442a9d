"""The control verbs resolve owners as the dashboard does: Argo's Gateway API plugin routes and
linkerd-failover splits, on manifests shaped like the real projects'."""

from __future__ import annotations

from typing import Any

from tests.control.conftest import mutating
from tests.control.test_cli import _one_error_line, _percents, meshtui, meshtui_together
from tests.model.manifests import argo_rollout, argo_route, failover_split


def test_pause_on_a_plugin_route_pauses_its_rollout(apiserver: Any) -> None:
    # The route carries only the plugin's field manager; before, `pause` said no plan runs on it.
    apiserver.store.create(argo_rollout(plugin={"httpRoute": "argo-rollouts-http-route"}))
    apiserver.store.create(argo_route(manager=None), manager="gatewayAPI")
    result = meshtui(apiserver, "pause", "hr/argo-rollouts-http-route", "-n", "default")
    assert result.returncode == 0, result.stderr
    stored = apiserver.store.get("argoproj.io/v1alpha1", "Rollout", "default", "rollouts-demo")
    assert stored["spec"]["paused"] is True


def test_weight_on_a_failover_split_warns_that_readiness_resets_it(apiserver: Any) -> None:
    apiserver.store.create(failover_split())
    skipped = failover_split(primary=None)
    skipped["metadata"]["name"] = "no-primary"
    apiserver.store.create(skipped)
    refused, unmanaged = meshtui_together(
        apiserver, ("weight", "ts/sample-svc", "sample-svc-central1=100"),
        ("weight", "ts/no-primary", "sample-svc-central1=100"))
    line = _one_error_line(refused)
    assert "linkerd-failover owns this split" in line and "readiness" in line and "--force" in line
    # Without a primary linkerd-failover skips the split: nothing to warn about.
    assert unmanaged.returncode == 0 and unmanaged.stderr == "", unmanaged.stderr
    assert [r.path.rsplit("/", 1)[-1] for r in mutating(apiserver.server)] == ["no-primary"]
    forced = meshtui(apiserver, "weight", "ts/sample-svc", "sample-svc-central1=100", "--force")
    assert forced.returncode == 0, forced.stderr
    assert forced.stderr.startswith("warning: linkerd-failover owns this split")
    assert _percents(apiserver, "split.smi-spec.io/v1alpha2", "TrafficSplit", "sample-svc") == [0, 100, 0]
    paused = meshtui(apiserver, "pause", "ts/sample-svc")
    assert "linkerd-failover has no pause" in _one_error_line(paused)
