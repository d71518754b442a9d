"""Metrics absent, failing, hanging or stale: shown as such, and everything else keeps working."""

from __future__ import annotations

from collections.abc import Callable

from meshtui.metrics.source import MetricsError
from meshtui.sim.mesh import SimulatedMesh
from meshtui.ui.app import MeshtuiApp
from meshtui.ui.config import Settings
from meshtui.ui.dashboard import DashboardScreen
from meshtui.ui.widgets.signal_chart import SignalChart
from meshtui.ui.widgets.split_list import SplitList
from meshtui.ui.widgets.status_bar import StatusBar
from tests.ui.conftest import CountingSource, FailingMetrics, StuckMetrics
from tests.ui.test_dashboard import PODINFO, SIZE
from tests.waiting import settle


async def rows_listed(pilot, app: MeshtuiApp, count: int = 4) -> DashboardScreen:
    await settle(pilot, lambda: isinstance(app.screen, DashboardScreen)
                 and len(app.screen.query_one(SplitList).rows) == count, message=f"{count} rows")
    return app.dashboard


async def test_without_a_metrics_source_everything_else_works(make_app: Callable[..., MeshtuiApp]) -> None:
    """No metrics source: the status bar and charts say so; navigation and detail still work."""
    app = make_app(metrics=None)
    async with app.run_test(size=SIZE) as pilot:
        screen = await rows_listed(pilot, app)
        status = app.screen.query_one(StatusBar)
        assert (status.metrics_source, status.metrics_state) == ("no metrics source", "none")
        screen.select_split(PODINFO)
        chart = app.screen.query_one("#chart-p99", SignalChart)
        await settle(pilot, lambda: chart.state == "unavailable", message="charts unavailable")
        assert chart.message == "no metrics source"
        assert all(row.health == "none" for row in app.screen.query_one(SplitList).rows
                   if not row.note.endswith("problems"))
        await pilot.press("exclamation_mark")
        assert screen.attention_only


async def test_failing_metrics_are_shown_and_keys_respond(make_app: Callable[..., MeshtuiApp]) -> None:
    """A source raising MetricsError: "unavailable" with the reason; splits still listed; keys work."""
    failing = FailingMetrics()
    app = make_app(metrics=failing)
    async with app.run_test(size=SIZE) as pilot:
        screen = await rows_listed(pilot, app)
        status = app.screen.query_one(StatusBar)
        await settle(pilot, lambda: status.metrics_state == "unavailable", message="metrics unavailable")
        assert screen.pipeline.error == "cannot reach Prometheus at 127.0.0.1:9"
        screen.select_split(PODINFO)
        chart = app.screen.query_one("#chart-success", SignalChart)
        await settle(pilot, lambda: chart.state == "unavailable", message="charts unavailable")
        calls = failing.calls
        await pilot.press("r")
        await settle(pilot, lambda: failing.calls > calls, message="refresh retried the source")
        await pilot.press("w")
        assert screen.window == "5m"


async def test_non_metrics_errors_are_described_without_their_text(make_app: Callable[..., MeshtuiApp]) -> None:
    """An unexpected exception is named by type only: its text might carry a URL with a token."""
    app = make_app(metrics=FailingMetrics(RuntimeError("http://user:s3cret@prom/ exploded")))
    async with app.run_test(size=SIZE) as pilot:
        screen = await rows_listed(pilot, app)
        await settle(pilot, lambda: screen.pipeline.error is not None, message="metrics error")
        assert "s3cret" not in screen.pipeline.error
        assert "RuntimeError" in screen.pipeline.error


async def test_hanging_metrics_never_block_the_ui(make_app: Callable[..., MeshtuiApp]) -> None:
    """A source that never answers: keys, filter and navigation stay responsive; fetches do not pile up."""
    stuck = StuckMetrics()
    app = make_app(metrics=stuck)
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await rows_listed(pilot, app)
            await settle(pilot, stuck.entered.is_set, message="a fetch in flight")
            await pilot.press("w", "r", "r", "slash", "p", "o", "d", "enter")
            assert screen.window == "5m"
            assert app.screen.query_one(SplitList).visible_count == 1
            running = [w for w in screen.workers if w.group == "metrics" and not w.is_finished]
            assert len(running) == 1, "one fetch at a time"
            stuck.release.set()
            status = app.screen.query_one(StatusBar)
            await settle(pilot, lambda: status.metrics_state == "unavailable", message="timeout shown")
            assert screen.pipeline.error == "timed out"
    finally:
        stuck.release.set()


async def test_old_data_is_marked_stale(make_app: Callable[..., MeshtuiApp], mesh: SimulatedMesh) -> None:
    """Data older than two refresh intervals is marked stale, in the status bar, table and charts."""
    now = [mesh.traffic.now]
    app = make_app(clock=lambda: now[0], settings=Settings(refresh=5))
    async with app.run_test(size=SIZE) as pilot:
        screen = await rows_listed(pilot, app)
        await settle(pilot, lambda: screen.pipeline.snapshot is not None, message="metrics")
        screen.select_split(PODINFO)
        chart = app.screen.query_one("#chart-rps", SignalChart)
        await settle(pilot, lambda: chart.state == "ok", message="fresh charts")
        status = app.screen.query_one(StatusBar)
        assert status.metrics_state == "ok"
        now[0] += 11
        screen.presenter.refresh_freshness()
        assert status.metrics_state == "stale"
        assert status.data_age == 11
        assert screen.detail.has_class("-stale")
        assert chart.state == "stale"


async def test_fetch_is_batched_over_the_scope(make_app: Callable[..., MeshtuiApp], mesh: SimulatedMesh) -> None:
    """One fetch call carries every backend in scope; scoping a namespace narrows it."""
    source = CountingSource(mesh.source())
    app = make_app(metrics=source)
    async with app.run_test(size=SIZE) as pilot:
        screen = await rows_listed(pilot, app)
        await settle(pilot, lambda: source.fetches, message="a fetch")
        targets, window = source.fetches[-1]
        assert window == "1m"
        assert {t.key.namespace for t in targets} == {"emojivoto", "booksapp", "test"}
        assert len(targets) == len({(t.key, t.route) for t in targets}) >= 8
        calls = len(source.fetches)
        screen.set_scope("test")
        await settle(pilot, lambda: len(source.fetches) > calls, message="a scoped fetch")
        assert {t.key.namespace for t in source.fetches[-1][0]} == {"test"}
        assert len(app.screen.query_one(SplitList).rows) == 1


async def test_stale_figures_are_labelled_with_their_age(make_app: Callable[..., MeshtuiApp],
                                                         mesh: SimulatedMesh) -> None:
    """When the metrics source stops answering, the table's old figures say how old they are and
    why, and the label keeps ageing; fresh figures carry no label."""
    now = [mesh.traffic.now]
    source = SwitchableMetrics(mesh.source())
    app = make_app(metrics=source, clock=lambda: now[0], settings=Settings(refresh=5))
    async with app.run_test(size=SIZE) as pilot:
        screen = await rows_listed(pilot, app)
        await settle(pilot, lambda: screen.pipeline.snapshot is not None, message="metrics")
        screen.select_split(PODINFO)
        label = screen.detail.query_one("#figures-age")
        await settle(pilot, lambda: screen.detail.query_one("#chart-rps", SignalChart).state == "ok",
                     message="fresh figures")
        assert not label.display
        source.failing = MetricsError("cannot reach Prometheus at 127.0.0.1:9")
        now[0] += 11
        screen.pipeline.fetch_all()
        await settle(pilot, lambda: screen.pipeline.error is not None, message="the failed fetch")
        screen.presenter.refresh_freshness()
        await settle(pilot, lambda: "figures from 11s ago" in str(label.render()),
                     message=f"the age label (now {str(label.render())!r})")
        assert label.display and "cannot reach Prometheus" in str(label.render())
        now[0] += 60
        screen.presenter.refresh_freshness()
        assert "figures from 1m11s ago" in str(label.render())


class SwitchableMetrics(CountingSource):
    """The simulator's metrics until `failing` is set, then that error on every call."""

    failing: Exception | None = None

    def fetch(self, targets, window):
        if self.failing is not None:
            raise self.failing
        return super().fetch(targets, window)

    def history(self, targets, window, step):
        if self.failing is not None:
            raise self.failing
        return super().history(targets, window, step)


async def test_status_bar_names_prometheus_behind_the_service_proxy(
        make_app: Callable[..., MeshtuiApp], mesh: SimulatedMesh) -> None:
    """Metrics through the API server's service proxy: the status bar names linkerd-viz's
    Prometheus service, not the API server's address as if it were Prometheus's."""
    from meshtui.metrics.prometheus import PrometheusSource

    apiserver = mesh.server.url.rstrip("/")
    source = PrometheusSource(f"{apiserver}/api/v1/namespaces/linkerd-viz/services/"
                              "prometheus:9090/proxy/", timeout=1)
    app = make_app(metrics=source)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await rows_listed(pilot, app)
            status = app.screen.query_one(StatusBar)
            host = apiserver.split("://", 1)[1]
            await settle(pilot, lambda: status.metrics_source.startswith(
                f"prometheus linkerd-viz/prometheus:9090 via {host}"),
                message=f"the Prometheus named (shown: {status.metrics_source!r})")
    finally:
        source.close()


class SourcedMetrics(CountingSource):
    """The simulator's figures, each saying it came from the legacy families over the window."""

    def fetch(self, targets, window):
        from dataclasses import replace

        from meshtui.model.signals import SignalSource

        snapshot = super().fetch(targets, window)
        source = SignalSource("response_total", "response_latency_ms", window)
        return replace(snapshot, signals={key: replace(value, source=source)
                                          for key, value in snapshot.signals.items()})


async def test_detail_names_where_its_figures_come_from(make_app: Callable[..., MeshtuiApp],
                                                        mesh: SimulatedMesh) -> None:
    """Each figure carries its metric families and window; the detail says them under the table."""
    from textual.widgets import Static

    app = make_app(metrics=SourcedMetrics(mesh.source()))
    async with app.run_test(size=SIZE) as pilot:
        screen = await rows_listed(pilot, app)
        screen.select_split(PODINFO)
        line = app.screen.query_one("#sources", Static)
        expected = "figures from counts response_total, latency response_latency_ms over 1m"
        await settle(pilot, lambda: str(line.render()) == expected,
                     message=f"the sources line (now {str(line.render())!r})")
        assert line.has_class("-said")
        await pilot.press("w")
        await settle(pilot, lambda: str(line.render()).endswith("over 5m"),
                     message=f"the sources line follows the window (now {str(line.render())!r})")
