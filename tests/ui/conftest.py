"""Fixtures of the dashboard tests: the simulated mesh seen through the real `MeshClient`.

Traffic is stepped by hand (`sim_mesh_manual`) a fixed amount before the app starts, and the
app's clock is the simulator's, so what the app shows depends on the seed and nothing else.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from meshtui.kube.audit import AuditLog
from meshtui.kube.client import MeshClient
from meshtui.kube.config import load_cluster
from meshtui.kube.writer import ClusterWriter
from meshtui.metrics.source import BackendTarget, MetricsError
from meshtui.sim.mesh import SimulatedMesh
from meshtui.ui.app import MeshtuiApp
from meshtui.ui.config import Settings

WARMUP_SECONDS = 65
"""Simulated seconds of traffic before an app starts (just over the 1m window)."""


def warm_up(mesh: SimulatedMesh, seconds: int = WARMUP_SECONDS) -> None:
    """Advance simulated traffic by `seconds`, one second at a time."""
    for _ in range(seconds):
        mesh.traffic.step(1.0)


class FailingMetrics:
    """A metrics source whose every call raises (Prometheus down, or answering garbage)."""

    name = "prometheus 127.0.0.1:9"

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error or MetricsError("cannot reach Prometheus at 127.0.0.1:9")
        self.calls = 0

    def fetch(self, targets: Sequence[BackendTarget], window: str) -> Any:
        self.calls += 1
        raise self.error

    def history(self, targets: Sequence[BackendTarget], window: str, step: float) -> Any:
        self.calls += 1
        raise self.error


class StuckMetrics(FailingMetrics):
    """A metrics source that hangs until released, like a Prometheus that accepts and never answers."""

    def __init__(self) -> None:
        super().__init__(TimeoutError("read timed out"))
        self.release = threading.Event()
        self.entered = threading.Event()

    def fetch(self, targets: Sequence[BackendTarget], window: str) -> Any:
        self.entered.set()
        self.release.wait(30)
        return super().fetch(targets, window)

    def history(self, targets: Sequence[BackendTarget], window: str, step: float) -> Any:
        self.release.wait(30)
        return super().history(targets, window, step)


class CountingSource:
    """Wraps a metrics source and records every call (targets and window)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = inner.name
        self.fetches: list[tuple[list[BackendTarget], str]] = []
        self.histories: list[tuple[list[BackendTarget], str]] = []

    def fetch(self, targets: Sequence[BackendTarget], window: str) -> Any:
        self.fetches.append((list(targets), window))
        return self.inner.fetch(targets, window)

    def history(self, targets: Sequence[BackendTarget], window: str, step: float) -> Any:
        self.histories.append((list(targets), window))
        return self.inner.history(targets, window, step)


@pytest.fixture
def mesh(sim_mesh_manual: SimulatedMesh) -> SimulatedMesh:
    """The default simulated mesh with 90 s of traffic behind it."""
    warm_up(sim_mesh_manual)
    return sim_mesh_manual


@pytest.fixture
def mesh_client(mesh: SimulatedMesh, tmp_path: Path) -> Iterator[MeshClient]:
    """The real cluster client, talking HTTP to the emulator through a written kubeconfig."""
    cluster = load_cluster(str(mesh.write_kubeconfig(tmp_path / "kubeconfig")), None)
    yield MeshClient(cluster)
    cluster.close()


@pytest.fixture
def make_app(mesh: SimulatedMesh, mesh_client: MeshClient) -> Callable[..., MeshtuiApp]:
    """Build a dashboard over the simulated mesh; metrics default to the simulator's own."""

    def build(metrics: Any = "sim", settings: Settings | None = None,
              clock: Callable[[], float] | None = None, live: bool = False) -> MeshtuiApp:
        source = mesh.source() if metrics == "sim" else metrics
        return MeshtuiApp(mesh_client, source, settings or Settings(),
                          clock=clock or (lambda: mesh.traffic.now), live=live)

    return build


MUTATING = ("POST", "PUT", "PATCH", "DELETE")
"""HTTP methods that change something on the API server."""


def mutating_requests(mesh: SimulatedMesh) -> list[Any]:
    """The mutating requests the emulator received so far."""
    return [request for request in mesh.server.requests if request.method in MUTATING]


@pytest.fixture
def make_control_app(mesh: SimulatedMesh, mesh_client: MeshClient, tmp_path: Path
                     ) -> Iterator[Callable[..., tuple[MeshtuiApp, ClusterWriter]]]:
    """Build a dashboard with a real `ClusterWriter` on a kubeconfig context of the emulator.

    The writer's audit log is ``tmp_path/audit.log``; every writer cluster is closed at teardown.
    """
    clusters: list[Any] = []

    def build(context: str = "meshtui-sim", *, read_only: bool = False, dry_run: bool = False,
              settings: Settings | None = None) -> tuple[MeshtuiApp, ClusterWriter]:
        path = mesh.write_kubeconfig(tmp_path / f"writer-{len(clusters)}.kubeconfig")
        cluster = load_cluster(str(path), context)
        clusters.append(cluster)
        writer = ClusterWriter(cluster, audit=AuditLog(tmp_path / "audit.log"),
                               read_only=read_only, dry_run=dry_run)
        app = MeshtuiApp(mesh_client, None, settings or Settings(), writer=writer,
                         clock=lambda: mesh.traffic.now, live=False)
        return app, writer

    yield build
    for cluster in clusters:
        cluster.close()
