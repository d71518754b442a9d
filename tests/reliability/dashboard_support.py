"""Helpers of the dashboard-level fault scenarios: an app with a writer and any metrics source.

The dashboard fixtures of `tests/ui/conftest.py` (`mesh`, `mesh_client`) are re-exported here so
the reliability tests run the dashboard exactly as the UI tests do.
"""

from __future__ import annotations

import time
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
from meshtui.ui.dashboard import DashboardScreen
from meshtui.ui.widgets.split_list import SplitList
from tests.ui.conftest import FailingMetrics, mesh, mesh_client
from tests.ui.control_helpers import API_VERSIONS, AUTHORS, stored
from tests.waiting import settle

SLOW_SECONDS = 1.5
"""How long `SlowMetrics` takes to fail: past a 1 s refresh interval, bounded."""


class SlowMetrics(FailingMetrics):
    """A Prometheus that answers after the refresh interval has passed, and then with an error."""

    def fetch(self, targets: Sequence[BackendTarget], window: str) -> Any:
        """Sleep `SLOW_SECONDS` (in the pipeline's worker thread), then fail."""
        time.sleep(SLOW_SECONDS)
        return super().fetch(targets, window)

    def history(self, targets: Sequence[BackendTarget], window: str, step: float) -> Any:
        """Sleep `SLOW_SECONDS`, then fail."""
        time.sleep(SLOW_SECONDS)
        return super().history(targets, window, step)


def slow_error() -> MetricsError:
    """The error `SlowMetrics` ends with."""
    return MetricsError("Prometheus did not answer within the timeout")


@pytest.fixture
def make_writer_app(mesh: SimulatedMesh, mesh_client: MeshClient, tmp_path: Path
                    ) -> Iterator[Callable[..., MeshtuiApp]]:
    """Build a dashboard with a real `ClusterWriter` and the given metrics source."""
    clusters: list[Any] = []

    def build(metrics: Any = None, settings: Settings | None = None, *, read_only: bool = False,
              live: bool = False) -> MeshtuiApp:
        path = mesh.write_kubeconfig(tmp_path / f"writer-{len(clusters)}.kubeconfig")
        cluster = load_cluster(str(path), "meshtui-sim")
        clusters.append(cluster)
        writer = ClusterWriter(cluster, audit=AuditLog(tmp_path / "audit.log"),
                               read_only=read_only)
        return MeshtuiApp(mesh_client, metrics, settings or Settings(read_only=read_only),
                          writer=writer, clock=time.time if live else (lambda: mesh.traffic.now),
                          live=live)

    yield build
    for cluster in clusters:
        cluster.close()


def set_authors_weights(mesh: SimulatedMesh, stable: int, canary: int) -> None:
    """Change authors-split's weights in the store directly (as another client would)."""
    obj = stored(mesh, AUTHORS)
    backends = obj["spec"]["backends"]
    kind = type(backends[0]["weight"])
    backends[0]["weight"], backends[1]["weight"] = kind(stable), kind(canary)
    mesh.store.update(obj)


def authors_percents(mesh: SimulatedMesh) -> tuple[float, ...]:
    """Percent per backend of the stored authors-split (stable first, as the navigator shows)."""
    weights = [float(b["weight"]) for b in stored(mesh, AUTHORS)["spec"]["backends"]]
    return tuple(100 * w / sum(weights) for w in weights)


def navigator_matches(screen: DashboardScreen, client: MeshClient, mesh: SimulatedMesh) -> bool:
    """True when the rows are the server's splits and the dashboard's state equals a direct list."""
    rows = screen.query_one(SplitList).rows
    listed = client.list_splits(None)
    if {row.ref for row in rows} != {s.ref for s in listed}:
        return False
    live = {s.ref: (s.resource_version, tuple(b.raw_weight for b in s.backends)) for s in listed}
    shown = {s.ref: (s.resource_version, tuple(b.raw_weight for b in s.backends))
             for s in screen.state.splits()}
    if shown != live:
        return False
    authors = next(row for row in rows if row.ref == AUTHORS)
    return all(abs(a - b) < 0.01 for a, b in zip(authors.percents, authors_percents(mesh),
                                                  strict=True))


async def cursor_moves(pilot: Any, screen: DashboardScreen, key: str) -> float:
    """Press `key` on the navigator and return the seconds until its cursor moved."""
    split_list = screen.query_one(SplitList)
    before = split_list._cursor
    start = time.monotonic()
    await pilot.press(key)
    await settle(pilot, lambda: split_list._cursor != before, timeout=5,
                 message=f"the cursor to move on {key!r}")
    return time.monotonic() - start


__all__ = ["API_VERSIONS", "mesh", "mesh_client"]
