"""The stand-in Flagger, driven through the Store as kubectl or meshtui would, stepped by hand."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from meshtui.sim.apiserver import ADMIN_TOKEN
from meshtui.sim.controllers.base import parse_duration
from meshtui.sim.controllers.flagger import max_weight, next_weight
from meshtui.sim.controllers.routers import read_percents
from meshtui.sim.mesh import SimulatedMesh

CANARY = ("flagger.app/v1beta1", "Canary", "test", "podinfo")
ROUTE = ("gateway.networking.k8s.io/v1", "HTTPRoute", "test", "podinfo")
INTERVAL = 60.0  # the default Canary's 1m at speed 1


@pytest.fixture
def mesh() -> Iterator[SimulatedMesh]:
    """The default scenario with manual traffic and controllers at speed 1."""
    simulated = SimulatedMesh(realtime=False, controller_speed=1.0)
    try:
        yield simulated
    finally:
        simulated.stop()


def interval(mesh: SimulatedMesh, count: int = 1) -> None:
    """Let `count` analysis intervals of traffic pass, then let the controllers act."""
    assert mesh.controllers is not None
    for _ in range(count):
        mesh.traffic.step(INTERVAL)
        mesh.controllers.step(INTERVAL)


def canary_status(mesh: SimulatedMesh) -> dict[str, Any]:
    return mesh.store.get(*CANARY)["status"]


def route_weights(mesh: SimulatedMesh) -> dict[str, int]:
    return read_percents(mesh.store.get(*ROUTE))


def lenient(mesh: SimulatedMesh, minimum: int = 80, maximum_ms: int = 5000) -> None:
    """Loosen the checks so the 93 % canary passes (as `kubectl patch` would): its p99 over a
    minute of ~100 requests ranges 180-950 ms against the scenario's 500 ms maximum."""
    canary = mesh.store.get(*CANARY)
    metrics = canary["spec"]["analysis"]["metrics"]
    for metric in metrics:
        if metric["name"] == "success-rate":
            metric["thresholdRange"]["min"] = minimum
        if metric["name"] == "latency":
            metric["thresholdRange"]["max"] = maximum_ms
    mesh.store.patch(*CANARY, {"spec": {"analysis": {"metrics": metrics}}}, "merge")


def post_gate(mesh: SimulatedMesh, path: str, namespace: str = "test", name: str = "podinfo") -> int:
    """POST a gate through the API server's service proxy, as meshtui does."""
    body = json.dumps({"name": name, "namespace": namespace}).encode()
    proxy = f"/api/v1/namespaces/{namespace}/services/flagger-loadtester:80/proxy"
    request = urllib.request.Request(mesh.api_url + proxy + path, data=body, method="POST",
                                     headers={"Authorization": f"Bearer {ADMIN_TOKEN}",
                                              "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def test_canary_steps_up_to_max_weight_and_waits_for_promotion(mesh: SimulatedMesh) -> None:
    lenient(mesh)
    before = canary_status(mesh)["lastTransitionTime"]
    interval(mesh)
    status = canary_status(mesh)
    assert (status["phase"], status["canaryWeight"], status["failedChecks"]) == ("Progressing", 20, 0)
    assert route_weights(mesh) == {"podinfo-primary": 80, "podinfo-canary": 20}
    assert status["lastTransitionTime"] != before
    interval(mesh, 3)
    assert canary_status(mesh)["canaryWeight"] == 50
    assert route_weights(mesh) == {"podinfo-primary": 50, "podinfo-canary": 50}
    interval(mesh, 2)
    status = canary_status(mesh)
    assert (status["phase"], status["canaryWeight"]) == ("WaitingPromotion", 50)
    assert route_weights(mesh)["podinfo-canary"] == 50


def test_suspend_stops_steps_and_leaves_manual_edits_alone(mesh: SimulatedMesh) -> None:
    lenient(mesh)
    mesh.store.patch(*CANARY, {"spec": {"suspend": True}}, "merge")
    route = mesh.store.get(*ROUTE)
    route["spec"]["rules"][0]["backendRefs"][0]["weight"] = 70
    route["spec"]["rules"][0]["backendRefs"][1]["weight"] = 30
    edited = mesh.store.update(route)
    canary_version = mesh.store.get(*CANARY)["metadata"]["resourceVersion"]
    interval(mesh, 3)
    assert mesh.store.get(*ROUTE)["metadata"]["resourceVersion"] == edited["metadata"]["resourceVersion"]
    assert mesh.store.get(*CANARY)["metadata"]["resourceVersion"] == canary_version
    mesh.store.patch(*CANARY, {"spec": {"suspend": False}}, "merge")
    interval(mesh)
    # Flagger reads the router's weights back: the manual 30 % is the base of the next step.
    assert route_weights(mesh) == {"podinfo-primary": 60, "podinfo-canary": 40}
    assert canary_status(mesh)["canaryWeight"] == 40


def test_open_promotion_gate_promotes(mesh: SimulatedMesh) -> None:
    lenient(mesh)
    interval(mesh, 6)
    assert canary_status(mesh)["phase"] == "WaitingPromotion"
    assert post_gate(mesh, "/gate/open") == 202
    interval(mesh)
    assert canary_status(mesh)["phase"] == "Promoting"
    interval(mesh)
    status = canary_status(mesh)
    assert (status["phase"], status["canaryWeight"]) == ("Succeeded", 0)
    assert route_weights(mesh) == {"podinfo-primary": 100, "podinfo-canary": 0}
    assert status["conditions"][0]["status"] == "True"
    interval(mesh)
    assert canary_status(mesh)["phase"] == "Succeeded"


def test_open_rollback_gate_rolls_back(mesh: SimulatedMesh) -> None:
    lenient(mesh)
    interval(mesh)
    assert canary_status(mesh)["canaryWeight"] == 20
    assert post_gate(mesh, "/rollback/open") == 202
    interval(mesh)
    status = canary_status(mesh)
    assert (status["phase"], status["canaryWeight"]) == ("Failed", 0)
    assert route_weights(mesh) == {"podinfo-primary": 100, "podinfo-canary": 0}


def test_failing_canary_is_rolled_back_after_threshold_failed_checks(mesh: SimulatedMesh) -> None:
    # The default canary answers 93 % against a 99 % minimum: every check fails, nothing advances.
    for expected in range(1, 6):
        interval(mesh)
        status = canary_status(mesh)
        assert (status["phase"], status["failedChecks"], status["canaryWeight"]) == ("Progressing", expected, 10)
        assert route_weights(mesh)["podinfo-canary"] == 10
    interval(mesh)
    status = canary_status(mesh)
    assert (status["phase"], status["canaryWeight"], status["failedChecks"]) == ("Failed", 0, 5)
    assert route_weights(mesh) == {"podinfo-primary": 100, "podinfo-canary": 0}


def test_nothing_happens_before_the_interval(mesh: SimulatedMesh) -> None:
    lenient(mesh)
    assert mesh.controllers is not None
    mesh.traffic.step(INTERVAL - 1)
    mesh.controllers.step(INTERVAL - 1)
    assert canary_status(mesh)["canaryWeight"] == 10
    mesh.controllers.step(1)
    assert canary_status(mesh)["canaryWeight"] == 20


def test_skip_analysis_promotes_at_once(mesh: SimulatedMesh) -> None:
    mesh.store.patch(*CANARY, {"spec": {"skipAnalysis": True}}, "merge")
    interval(mesh)
    assert canary_status(mesh)["phase"] == "Succeeded"
    assert route_weights(mesh) == {"podinfo-primary": 100, "podinfo-canary": 0}


def test_new_canary_gets_a_trafficsplit_steps_its_weights_and_waits_at_its_gate(mesh: SimulatedMesh) -> None:
    mesh.store.create({
        "apiVersion": "flagger.app/v1beta1", "kind": "Canary",
        "metadata": {"name": "web", "namespace": "emojivoto"},
        "spec": {"provider": "linkerd", "targetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                 "service": {"port": 80},
                 "analysis": {"interval": "30s", "threshold": 2, "stepWeights": [5, 25, 60], "webhooks": [
                     {"name": "gate", "type": "confirm-promotion", "url": "http://flagger-loadtester/gate/check"}]}}})
    assert mesh.controllers is not None
    key = ("split.smi-spec.io/v1alpha1", "TrafficSplit", "emojivoto", "web")
    seen, canary_weights = [], []
    for i in range(7):
        if i == 5:
            assert post_gate(mesh, "/gate/open", namespace="emojivoto", name="web") == 202
        mesh.controllers.step(30)
        status = mesh.store.get("flagger.app/v1beta1", "Canary", "emojivoto", "web")["status"]
        seen.append((status["phase"], status["canaryWeight"]))
        canary_weights.append(mesh.store.get(*key)["spec"]["backends"][0]["weight"])
    assert seen == [("Initialized", 0), ("Progressing", 5), ("Progressing", 25), ("Progressing", 60),
                    ("WaitingPromotion", 60), ("Promoting", 60), ("Succeeded", 0)]
    assert canary_weights == ["0", "5", "25", "60", "60", "60", "0"]
    split = mesh.store.get(*key)
    assert split["metadata"]["ownerReferences"][0]["kind"] == "Canary"
    # v1alpha1 weights are quantities: Flagger writes strings, canary first as it creates them.
    assert [(b["service"], b["weight"]) for b in split["spec"]["backends"]] == [("web-canary", "0"),
                                                                                ("web-primary", "100")]


@pytest.mark.parametrize(("value", "seconds"), [("1m", 60.0), ("30s", 30.0), ("1m30s", 90.0), ("500ms", 0.5),
                                                (45, 45.0), ("90", 90.0), ("soon", 60.0), (None, 60.0)])
def test_parse_duration(value: Any, seconds: float) -> None:
    assert parse_duration(value) == seconds


def test_step_weight_arithmetic() -> None:
    assert (max_weight({}), next_weight({}, 95)) == (100, 100)
    assert next_weight({"stepWeight": 15, "maxWeight": 40}, 30) == 40
    assert (max_weight({"stepWeights": [1, 10, 80]}), next_weight({"stepWeights": [1, 10, 80]}, 3)) == (80, 10)


def test_new_revision_of_the_target_restarts_a_failed_canary(mesh: SimulatedMesh) -> None:
    mesh.store.patch(*CANARY, {"spec": {"analysis": {"threshold": 1}}}, "merge")
    interval(mesh, 2)
    assert canary_status(mesh)["phase"] == "Failed"
    interval(mesh)
    assert canary_status(mesh)["phase"] == "Failed"
    # `kubectl set image deployment/podinfo ...`: a new pod template is a new revision.
    deployment = mesh.store.get("apps/v1", "Deployment", "test", "podinfo")
    deployment["spec"]["template"]["spec"]["containers"][0]["image"] = "example/podinfo:v2"
    mesh.store.update(deployment)
    interval(mesh)
    status = canary_status(mesh)
    assert (status["phase"], status["canaryWeight"], status["failedChecks"]) == ("Progressing", 0, 0)
    assert route_weights(mesh) == {"podinfo-primary": 100, "podinfo-canary": 0}
    lenient(mesh)
    interval(mesh)
    assert canary_status(mesh)["canaryWeight"] == 10


def test_a_canary_slower_than_its_latency_maximum_fails_its_checks(mesh: SimulatedMesh) -> None:
    """podinfo-canary's p99 is 180 ms or more: a 5 s maximum lets it advance, 100 ms does not."""
    lenient(mesh)  # the success rate passes; only latency decides
    interval(mesh)
    assert (canary_status(mesh)["canaryWeight"], canary_status(mesh)["failedChecks"]) == (20, 0)
    lenient(mesh, maximum_ms=100)
    interval(mesh)
    status = canary_status(mesh)
    assert (status["phase"], status["canaryWeight"], status["failedChecks"]) == ("Progressing", 20, 1)
    assert route_weights(mesh)["podinfo-canary"] == 20


def test_a_canary_without_its_target_deployment_is_left_alone_with_flaggers_warning(
        mesh: SimulatedMesh) -> None:
    """Flagger reads its target first: without it, no router is made, no status written, and a
    Warning Event says "deployment NAME.NS get query error"."""
    mesh.store.create({
        "apiVersion": "flagger.app/v1beta1", "kind": "Canary",
        "metadata": {"name": "ghost", "namespace": "emojivoto"},
        "spec": {"provider": "linkerd", "targetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "ghost"},
                 "service": {"port": 80}, "analysis": {"interval": "30s", "stepWeight": 10}}})
    assert mesh.controllers is not None
    for _ in range(3):
        mesh.controllers.step(30)
    canary = mesh.store.get("flagger.app/v1beta1", "Canary", "emojivoto", "ghost")
    assert not (canary.get("status") or {}).get("phase")
    splits = [s["metadata"]["name"] for s in mesh.store.list("split.smi-spec.io/v1alpha1", "TrafficSplit")]
    assert "ghost" not in splits
    events = [e for e in mesh.store.list("v1", "Event", "emojivoto")
              if e["involvedObject"]["name"] == "ghost"]
    assert [(e["type"], e["reason"], e["message"]) for e in events] == [
        ("Warning", "Synced", 'deployment ghost.emojivoto get query error: deployments.apps "ghost" not found')]
