"""The stand-in Argo Rollouts controller, driven through the Store with the kubectl plugin's patches."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from meshtui.sim.apiserver import ApiError, Store
from meshtui.sim.controllers import Controllers
from meshtui.sim.controllers.base import StoreWriter
from meshtui.sim.controllers.routers import read_percents
from meshtui.sim.mesh import SimulatedMesh
from tests.waiting import wait_for

ROLLOUT = ("argoproj.io/v1alpha1", "Rollout", "booksapp", "books")
SPLIT = ("split.smi-spec.io/v1alpha2", "TrafficSplit", "booksapp", "books")


@pytest.fixture
def mesh() -> Iterator[SimulatedMesh]:
    """The default scenario (books paused at step 1, 20 %) with controllers stepped by hand."""
    simulated = SimulatedMesh(realtime=False, controller_speed=1.0)
    try:
        yield simulated
    finally:
        simulated.stop()


def step(mesh: SimulatedMesh, seconds: float = 0.25) -> None:
    assert mesh.controllers is not None
    mesh.controllers.step(seconds)


def status(mesh: SimulatedMesh, key: tuple[str, ...] = ROLLOUT) -> dict[str, Any]:
    return mesh.store.get(*key).get("status") or {}


def split(mesh: SimulatedMesh) -> dict[str, int]:
    return read_percents(mesh.store.get(*SPLIT))


def promote(mesh: SimulatedMesh, key: tuple[str, ...] = ROLLOUT) -> None:
    """`kubectl argo rollouts promote`: spec.paused false, then status pauseConditions null."""
    mesh.store.patch(*key, {"spec": {"paused": False}}, "merge")
    mesh.store.patch(*key, {"status": {"pauseConditions": None}}, "merge", subresource="status")


def test_seeded_pause_holds_and_promote_moves_on(mesh: SimulatedMesh) -> None:
    step(mesh, 120)
    assert (status(mesh)["phase"], status(mesh)["currentStepIndex"]) == ("Paused", 1)
    assert split(mesh) == {"books-canary": 20, "books-stable": 80}
    promote(mesh)
    step(mesh)
    now = status(mesh)
    assert (now["phase"], now["currentStepIndex"], now["controllerPause"]) == ("Paused", 3, True)
    assert now["pauseConditions"][0]["reason"] == "CanaryPauseStep"
    assert now["canary"]["weights"]["canary"]["weight"] == 50
    assert split(mesh) == {"books-canary": 50, "books-stable": 50}
    step(mesh, 59)
    assert status(mesh)["currentStepIndex"] == 3  # pause {duration: 60s} not over yet
    step(mesh, 2)
    done = status(mesh)
    assert (done["phase"], done["currentStepIndex"], done["stableRS"]) == ("Healthy", 4, "7d4b9c8f5")
    assert "pauseConditions" not in done
    assert split(mesh) == {"books-canary": 100, "books-stable": 0}


def test_spec_paused_holds_even_when_pause_conditions_are_cleared(mesh: SimulatedMesh) -> None:
    mesh.store.patch(*ROLLOUT, {"spec": {"paused": True}}, "merge")
    mesh.store.patch(*ROLLOUT, {"status": {"pauseConditions": None}}, "merge", subresource="status")
    step(mesh, 300)
    held = status(mesh)
    assert (held["phase"], held["message"], held["currentStepIndex"]) == ("Paused", "manually paused", 1)
    assert split(mesh)["books-canary"] == 20
    mesh.store.patch(*ROLLOUT, {"spec": {"paused": False}}, "merge")
    step(mesh)
    assert status(mesh)["currentStepIndex"] == 3
    assert split(mesh)["books-canary"] == 50


def test_promote_full_finishes(mesh: SimulatedMesh) -> None:
    mesh.store.patch(*ROLLOUT, {"status": {"promoteFull": True}}, "merge", subresource="status")
    step(mesh)
    done = status(mesh)
    assert (done["phase"], done["currentStepIndex"]) == ("Healthy", 4)
    assert "promoteFull" not in done and "pauseConditions" not in done
    assert split(mesh) == {"books-canary": 100, "books-stable": 0}


def test_abort_goes_to_stable_and_retry_starts_again(mesh: SimulatedMesh) -> None:
    mesh.store.patch(*ROLLOUT, {"status": {"abort": True}}, "merge", subresource="status")
    step(mesh)
    aborted = status(mesh)
    assert aborted["phase"] == "Degraded" and aborted["message"].startswith("RolloutAborted")
    assert aborted["abortedAt"] and "pauseConditions" not in aborted
    assert split(mesh) == {"books-canary": 0, "books-stable": 100}
    step(mesh, 300)
    assert split(mesh)["books-canary"] == 0
    mesh.store.patch(*ROLLOUT, {"status": {"abort": False}}, "merge", subresource="status")
    step(mesh)
    retried = status(mesh)
    assert (retried["phase"], retried["currentStepIndex"]) == ("Paused", 1)
    assert "abortedAt" not in retried
    assert split(mesh) == {"books-canary": 20, "books-stable": 80}


def test_manual_weight_edit_is_reverted_on_next_reconcile(mesh: SimulatedMesh) -> None:
    mesh.store.patch(*SPLIT, {"spec": {"backends": [{"service": "books-canary", "weight": 60},
                                                     {"service": "books-stable", "weight": 40}]}}, "merge")
    assert split(mesh)["books-canary"] == 60
    step(mesh)
    assert split(mesh) == {"books-canary": 20, "books-stable": 80}


def test_steps_over_a_gateway_api_httproute() -> None:
    store = Store()
    store.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "test"}})
    refs = [{"name": "app-stable", "port": 80, "weight": 100}, {"name": "app-canary", "port": 80, "weight": 0}]
    store.create({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
                  "metadata": {"name": "app-route", "namespace": "test"},
                  "spec": {"parentRefs": [{"name": "app", "kind": "Service", "group": "", "port": 80}],
                           "rules": [{"backendRefs": refs}]}})
    store.create({"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
                  "metadata": {"name": "app", "namespace": "test"},
                  "spec": {"strategy": {"canary": {
                      "canaryService": "app-canary", "stableService": "app-stable",
                      "trafficRouting": {"plugins": {"argoproj-labs/gatewayAPI": {"httpRoute": "app-route"}}},
                      "steps": [{"setWeight": 30}, {"pause": {}}]}}}})
    controllers = Controllers(store, speed=1.0)
    key = ("gateway.networking.k8s.io/v1", "HTTPRoute", "test", "app-route")
    controllers.step(0.25)
    route = store.get(*key)
    assert read_percents(route) == {"app-stable": 70, "app-canary": 30}
    assert route["metadata"]["labels"]["rollouts.argoproj.io/gatewayapi-canary"] == "in-progress"
    rollout = store.get("argoproj.io/v1alpha1", "Rollout", "test", "app")["status"]
    assert (rollout["phase"], rollout["currentStepIndex"]) == ("Paused", 1)
    store.patch("argoproj.io/v1alpha1", "Rollout", "test", "app", {"status": {"abort": True}}, "merge",
                subresource="status")
    controllers.step(0.25)
    route = store.get(*key)
    assert read_percents(route) == {"app-stable": 100, "app-canary": 0}
    assert "rollouts.argoproj.io/gatewayapi-canary" not in route["metadata"].get("labels", {})


def test_store_writer_retries_on_conflict() -> None:
    store = Store()
    writer = StoreWriter(store, "rollouts-controller")
    store.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "c", "namespace": "default",
                                                                       "labels": {"a": "1"}}})
    calls = []

    def change(obj: dict[str, Any]) -> dict[str, Any]:
        calls.append(obj["metadata"]["resourceVersion"])
        if len(calls) == 1:
            # Another writer lands between our read and our write: ours must conflict and retry.
            store.patch("v1", "Service", "default", "c", {"metadata": {"labels": {"b": "2"}}}, "merge")
        obj["metadata"]["labels"]["a"] = "changed"
        return obj

    written = writer.mutate("v1", "Service", "default", "c", change)
    assert written is not None and written["metadata"]["labels"] == {"a": "changed", "b": "2"}
    assert len(calls) == 2 and calls[0] != calls[1]
    with pytest.raises(ApiError):
        store.update({**written, "metadata": {**written["metadata"], "resourceVersion": calls[0]}})


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
def test_kubectl_edit_is_reverted_by_the_running_controller(tmp_path: Path) -> None:
    with SimulatedMesh(realtime=True) as mesh:
        kubeconfig = mesh.write_kubeconfig(tmp_path / "kubeconfig")
        patch = '{"spec":{"backends":[{"service":"books-canary","weight":70},{"service":"books-stable","weight":30}]}}'
        subprocess.run(["kubectl", "--kubeconfig", str(kubeconfig), "-n", "booksapp", "patch",
                        "trafficsplits.v1alpha2.split.smi-spec.io", "books", "--type=merge", "-p", patch],
                       check=True, capture_output=True, timeout=30)
        wait_for(lambda: split(mesh) == {"books-canary": 20, "books-stable": 80}, timeout=5,
                 message="Argo to re-apply 20/80 over the manual 70/30")


def test_a_rollout_whose_workload_ref_is_missing_is_not_acted_on(mesh: SimulatedMesh) -> None:
    """No router is created for a Rollout whose referenced Deployment does not exist; its status
    says why instead."""
    mesh.store.create({
        "apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
        "metadata": {"name": "ghost", "namespace": "booksapp"},
        "spec": {"workloadRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "ghost"},
                 "strategy": {"canary": {"canaryService": "authors-v2", "stableService": "authors",
                                         "trafficRouting": {"smi": {"rootService": "authors",
                                                                    "trafficSplitName": "ghost"}},
                                         "steps": [{"setWeight": 20}, {"pause": {}}]}}}})
    step(mesh)
    ghost = status(mesh, ("argoproj.io/v1alpha1", "Rollout", "booksapp", "ghost"))
    assert ghost["phase"] == "Degraded"
    assert ghost["message"] == 'InvalidSpec: deployments.apps "ghost" not found'
    assert "ghost" not in [s["metadata"]["name"] for s in mesh.store.list(*SPLIT[:2])]
