"""The dashboard against the simulated mesh, through the real cluster client over HTTP."""

from __future__ import annotations

from collections.abc import Callable

from meshtui.kube.client import MeshClient
from meshtui.model.split import SplitRef
from meshtui.sim.mesh import SimulatedMesh
from meshtui.ui.app import MeshtuiApp
from meshtui.ui.dashboard import DashboardScreen
from meshtui.ui.widgets.signal_chart import SignalChart
from meshtui.ui.widgets.split_list import SplitList
from meshtui.ui.widgets.status_bar import StatusBar
from tests.waiting import settle

SIZE = (140, 40)
VOTING = SplitRef("HTTPRoute", "policy.linkerd.io", "emojivoto", "voting-split")
PODINFO = SplitRef("HTTPRoute", "gateway.networking.k8s.io", "test", "podinfo")
AUTHORS = SplitRef("TrafficSplit", "split.smi-spec.io", "booksapp", "authors-split")


def row_of(app: MeshtuiApp, ref: SplitRef) -> SplitList.Row | None:
    return next((row for row in app.screen.query_one(SplitList).rows if row.ref == ref), None)


async def loaded(pilot, app: MeshtuiApp, count: int = 4) -> DashboardScreen:
    """Wait until the navigator holds `count` splits and metrics have arrived."""
    await settle(pilot, lambda: isinstance(app.screen, DashboardScreen)
                 and len(app.screen.query_one(SplitList).rows) == count
                 and app.screen.pipeline.snapshot is not None
                 and app.screen.pipeline.snapshot.signals, message=f"{count} splits with signals")
    return app.dashboard


async def test_navigator_lists_what_the_api_holds(make_app: Callable[..., MeshtuiApp],
                                                  mesh_client: MeshClient) -> None:
    """Every split the API server serves is a row, with its kind, owner and weights."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        rows = {row.ref: row for row in app.screen.query_one(SplitList).rows}
        assert set(rows) == {split.ref for split in mesh_client.list_splits()}
        assert rows[PODINFO].owner_label == "Flagger"
        assert rows[PODINFO].kind_label == "HR"
        assert rows[PODINFO].percents == (90.0, 10.0)
        # The canary fails 7% of ~120 requests a minute: a seeded minute lands between "warn"
        # (<99%) and "bad" (<95%); either way it needs attention, unlike every healthy split.
        assert rows[PODINFO].attention and rows[PODINFO].health in ("warn", "bad")
        assert not rows[AUTHORS].attention
        status = app.screen.query_one(StatusBar)
        assert (status.context, status.connection, status.metrics_state) == ("meshtui-sim", "connected", "ok")


async def test_weight_patch_appears_without_a_key_press(make_app: Callable[..., MeshtuiApp],
                                                         mesh: SimulatedMesh) -> None:
    """A weight changed through the API (as kubectl would) reaches the screen, with a chart marker."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot, app)
        mesh.store.patch("policy.linkerd.io/v1beta3", "HTTPRoute", "emojivoto", "voting-split",
                         [{"op": "replace", "path": "/spec/rules/0/backendRefs/0/weight", "value": 40},
                          {"op": "replace", "path": "/spec/rules/0/backendRefs/1/weight", "value": 60}],
                         patch_type="json")
        await settle(pilot, lambda: row_of(app, VOTING).percents == (40.0, 60.0),
                     message="the patched weights on screen")
        assert screen.weight_changes[VOTING] == [mesh.traffic.now]


async def test_deleted_split_disappears(make_app: Callable[..., MeshtuiApp], mesh: SimulatedMesh) -> None:
    """Deleting a split through the API removes its row; the others stay."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        mesh.store.delete("gateway.networking.k8s.io/v1", "HTTPRoute", "test", "podinfo")
        await settle(pilot, lambda: row_of(app, PODINFO) is None, message="podinfo gone")
        assert len(app.screen.query_one(SplitList).rows) == 3


async def test_api_server_outage_is_shown_and_recovered(make_app: Callable[..., MeshtuiApp],
                                                         mesh: SimulatedMesh) -> None:
    """The API server stopping shows "disconnected"; when it returns, so do live updates."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        status = app.screen.query_one(StatusBar)
        mesh.server.stop()
        await settle(pilot, lambda: status.connection == "disconnected", timeout=20,
                     message="disconnected in the status bar")
        assert row_of(app, PODINFO) is not None, "the last known state stays on screen"
        await pilot.press("w")
        assert app.dashboard.window == "5m", "keys still work while disconnected"
        mesh.server.start()
        await settle(pilot, lambda: status.connection == "connected", timeout=20,
                     message="connected again")
        mesh.store.patch("gateway.networking.k8s.io/v1", "HTTPRoute", "test", "podinfo",
                         [{"op": "replace", "path": "/spec/rules/0/backendRefs/1/weight", "value": 30}],
                         patch_type="json")
        await settle(pilot, lambda: row_of(app, PODINFO).percents == (75.0, 25.0), timeout=20,
                     message="updates flowing after the outage")


async def test_selected_split_shows_backends_and_history(make_app: Callable[..., MeshtuiApp]) -> None:
    """Selecting the Flagger canary fills the table and the charts, one series per backend."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot, app)
        screen.select_split(PODINFO)
        chart = app.screen.query_one("#chart-success", SignalChart)
        await settle(pilot, lambda: chart.state == "ok", message="success chart drawn")
        history = screen.pipeline.history
        assert history is not None and history.ref == PODINFO
        rows = screen.detail.query_one("#backends").row_count
        assert rows == 2
        assert "podinfo" in str(screen.detail.query_one("#detail-title").render())
