"""Fixtures of the snapshot tests: simulated meshes frozen in time.

Each mesh runs no traffic thread; its traffic is stepped a fixed number of simulated seconds
from a fixed epoch with a fixed seed, and the app's clock is the simulator's. With `live=False`
the app runs no timers, so a screenshot depends on nothing but the scenario.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from meshtui.kube.audit import AuditLog
from meshtui.kube.client import MeshClient
from meshtui.kube.config import load_cluster
from meshtui.kube.writer import ClusterWriter
from meshtui.sim.mesh import SimulatedMesh
from meshtui.sim.scenario import load_scenario
from meshtui.sim.scenario_parse import parse_scenario
from meshtui.sim.traffic import TrafficSimulator
from meshtui.ui.app import MeshtuiApp
from meshtui.ui.config import Settings

EPOCH = 1_767_225_600.0
"""2026-01-01T00:00:00Z: simulated time 0 of every snapshot mesh."""

TRAFFIC_SECONDS = 90
"""Simulated seconds of traffic before the screenshot."""

DEFAULT_SCENARIO = Path(__file__).resolve().parents[2] / "meshtui" / "sim" / "scenarios" / "default.yaml"


def default_document() -> dict[str, Any]:
    """The default scenario as a mutable YAML document."""
    return yaml.safe_load(DEFAULT_SCENARIO.read_text())


def healthy_document() -> dict[str, Any]:
    """The default mesh with every backend healthy, integer weights and nothing paused."""
    doc = default_document()
    for service in doc["services"]:
        service["behaviour"]["successRate"] = 1.0
        service["behaviour"].pop("failureStatus", None)
        if service["name"] == "podinfo-canary":
            service["behaviour"]["latencyMs"] = {"p50": 8, "p95": 25, "p99": 50}
        if service["name"] == "voting-v2-svc":
            # Its slow tail (p99 250 ms against 20 ms) is a finding of its own.
            service["behaviour"]["latencyMs"] = {"p50": 3, "p95": 9, "p99": 20}
    for split in doc["splits"]:
        if split["name"] == "authors-split":
            split["backends"] = [{"service": "authors", "weight": 75}, {"service": "authors-v2", "weight": 25}]
    for owner in doc["owners"]:
        if owner["kind"] == "Rollout":
            owner["status"] = {k: v for k, v in owner["status"].items()
                               if k not in ("pauseConditions", "controllerPause")}
            owner["status"]["phase"] = "Progressing"
            owner["status"]["message"] = ""
    return doc


def empty_document() -> dict[str, Any]:
    """The default mesh without any split or canary owner."""
    doc = default_document()
    doc["splits"] = []
    doc["owners"] = []
    return doc


def frozen_mesh(document: dict[str, Any] | None) -> SimulatedMesh:
    """A started mesh over `document` (default scenario when None), traffic stepped from `EPOCH`."""
    scenario = parse_scenario(copy.deepcopy(document)) if document is not None else load_scenario("default")
    mesh = SimulatedMesh(scenario, seed=1, realtime=False, autostart=False)
    mesh.traffic = TrafficSimulator(mesh.scenario, mesh.store, mesh.seed, epoch=EPOCH)
    for _ in range(TRAFFIC_SECONDS):
        mesh.traffic.step(1.0)
    return mesh.start()


@pytest.fixture
def snapshot_app(tmp_path: Path) -> Iterator[Callable[..., tuple[MeshtuiApp, SimulatedMesh]]]:
    """Build a timer-free dashboard over a frozen mesh; every mesh is stopped at teardown."""
    meshes: list[SimulatedMesh] = []
    clusters: list[Any] = []

    def build(document: dict[str, Any] | None = None, metrics: Any = "sim",
              settings: Settings | None = None, *, writer: bool = False
              ) -> tuple[MeshtuiApp, SimulatedMesh]:
        mesh = frozen_mesh(document)
        meshes.append(mesh)
        cluster = load_cluster(str(mesh.write_kubeconfig(tmp_path / f"kubeconfig-{len(meshes)}")), None)
        clusters.append(cluster)
        source = mesh.source() if metrics == "sim" else metrics
        cluster_writer = ClusterWriter(cluster, audit=AuditLog(tmp_path / "audit.log")) \
            if writer else None
        app = MeshtuiApp(MeshClient(cluster), source, settings or Settings(), writer=cluster_writer,
                         clock=lambda: mesh.traffic.now, live=False)
        return app, mesh

    yield build
    for cluster in clusters:
        cluster.close()
    for mesh in meshes:
        mesh.stop()
