"""Pictures of the dashboard's main states, at 140x40, over frozen simulated meshes.

Regenerate deliberately with ``pytest tests/snapshots --snapshot-update`` and review the SVGs.
"""

from __future__ import annotations

from collections.abc import Callable

from meshtui.ui.dashboard import DashboardScreen
from meshtui.ui.widgets.signal_chart import SignalChart
from meshtui.ui.widgets.split_list import SplitList
from meshtui.ui.widgets.status_bar import StatusBar
from tests.snapshots.conftest import empty_document, healthy_document
from tests.ui.conftest import FailingMetrics
from tests.waiting import settle

SIZE = (140, 40)
PODINFO_ROW = 3
"""Cursor moves from the first row (booksapp/authors-split) to test/podinfo."""


async def ready(pilot, rows: int, *, charts: str | None = "ok", metrics: bool = True) -> DashboardScreen:
    """Wait until the rows, the metrics and (if asked) the charts of the selection are in."""
    app = pilot.app

    def done() -> bool:
        if not isinstance(app.screen, DashboardScreen):
            return False
        screen = app.screen
        if not screen.initial_load_done or len(screen.query_one(SplitList).rows) != rows:
            return False
        if screen.query_one(StatusBar).connection != "connected":
            return False
        if not screen.pipeline.idle:
            return False
        if metrics and rows and not (screen.pipeline.error or screen.pipeline.snapshot
                                     and screen.pipeline.snapshot.signals):
            return False
        return charts is None or screen.query_one("#chart-success", SignalChart).state == charts

    await settle(pilot, done, timeout=20, message="the dashboard loaded")
    return app.screen


def select_podinfo(charts: str = "ok") -> Callable:
    async def run_before(pilot) -> None:
        await ready(pilot, 4, charts=None)
        await pilot.press(*["j"] * PODINFO_ROW)
        await ready(pilot, 4, charts=charts)

    return run_before


def test_healthy_mesh(snap_compare, snapshot_app) -> None:
    """Every split healthy: green marks, nothing needs attention, first split's detail."""
    app, _ = snapshot_app(healthy_document())

    async def run_before(pilot) -> None:
        await ready(pilot, 4)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_degraded_canary_selected(snap_compare, snapshot_app) -> None:
    """The Flagger canary failing its signals, selected: red mark, table, charts, owner state."""
    app, _ = snapshot_app()
    assert snap_compare(app, terminal_size=SIZE, run_before=select_podinfo())


def test_empty_cluster(snap_compare, snapshot_app) -> None:
    """No splits at all: the navigator and detail explain what would appear."""
    app, _ = snapshot_app(empty_document())

    async def run_before(pilot) -> None:
        await ready(pilot, 0, charts=None)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_metrics_unavailable(snap_compare, snapshot_app) -> None:
    """Prometheus failing: status bar and charts say so; splits and weights still shown."""
    app, _ = snapshot_app(metrics=FailingMetrics())
    assert snap_compare(app, terminal_size=SIZE, run_before=select_podinfo("unavailable"))


def test_disconnected(snap_compare, snapshot_app) -> None:
    """The API server gone: "disconnected" in the status bar, last known state dimmed."""
    app, mesh = snapshot_app()

    async def run_before(pilot) -> None:
        await ready(pilot, 4)
        mesh.server.stop()
        status = pilot.app.screen.query_one(StatusBar)
        await settle(pilot, lambda: status.connection == "disconnected", timeout=20,
                     message="disconnected")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
