"""Snapshots of each widget at an explicit terminal size, in the default theme.

Regenerate deliberately with ``pytest tests/ui/widgets --snapshot-update`` and review the SVGs.
"""

from __future__ import annotations

from meshtui.model.ownership import Owner
from meshtui.ui.widgets import BackendTable, OwnerPanel, SignalChart, SplitList, StatusBar, WeightBar
from tests.ui.widgets.harness import T0, WidgetApp, sample_rows, wave
from tests.ui.widgets.test_chart_side_by_side import feed as feed_three, three_charts
from tests.ui.widgets.test_detail_widgets import CANARY, IDLE, STABLE, canary_state, rollout_state


def focused_list(*, filter_text: str = "", attention_only: bool = False, rows=None) -> WidgetApp:
    """A focused navigator over the sample mesh (or `rows`)."""

    def setup(app: WidgetApp) -> None:
        split_list = app.query_one(SplitList)
        split_list.filter = filter_text
        split_list.attention_only = attention_only
        split_list.focus()

    return WidgetApp(lambda: [SplitList(sample_rows() if rows is None else rows)], setup)


def chart(state: str, message: str = "", *, data: bool = True) -> WidgetApp:
    """One success-rate chart in `state`."""

    def setup(app: WidgetApp) -> None:
        widget = app.query_one(SignalChart)
        if data:
            widget.set_series(
                {"web": wave(61, 99.5, 0.3, 5), "web-canary": wave(61, 96.0, 2.0, 8, gap=range(20, 26))},
                start=T0, end=T0 + 600, markers=[T0 + 200, T0 + 400], threshold=95.0,
            )
        widget.state = state
        widget.message = message

    return WidgetApp(
        lambda: [SignalChart("Success rate", "%", value_format=lambda v: f"{v:.1f}%", y_min=90.0, y_max=100.0)],
        setup,
    )


def test_split_list(snap_compare) -> None:
    """Namespace groups, health dots, owners, weight bars, notes; cursor on the third split."""
    assert snap_compare(focused_list(), press=["down", "down"], terminal_size=(100, 12))


def test_split_list_narrow(snap_compare) -> None:
    """At 60 columns the service and owner columns give way to name and weights."""
    assert snap_compare(focused_list(), terminal_size=(60, 10))


def test_split_list_attention_only(snap_compare) -> None:
    """Only the splits needing attention, still grouped."""
    assert snap_compare(focused_list(attention_only=True), terminal_size=(100, 6))


def test_split_list_no_match(snap_compare) -> None:
    """A filter matching nothing says so."""
    assert snap_compare(focused_list(filter_text="nothing"), terminal_size=(60, 4))


def test_signal_chart(snap_compare) -> None:
    """Two series, a gap, weight-change markers, the dashed threshold and the legend."""
    assert snap_compare(chart("ok"), terminal_size=(90, 12))


def test_signal_chart_stale(snap_compare) -> None:
    """Stale data is dimmed, with the reason under the plot."""
    assert snap_compare(chart("stale", "last sample 2m ago"), terminal_size=(90, 10))


def test_signal_chart_unavailable(snap_compare) -> None:
    """Metrics unavailable, with the reason."""
    assert snap_compare(chart("unavailable", "prometheus: connection refused", data=False), terminal_size=(70, 6))


def test_signal_chart_empty(snap_compare) -> None:
    """No data yet."""
    assert snap_compare(chart("empty", data=False), terminal_size=(70, 6))


def test_backend_table(snap_compare) -> None:
    """Stable and canary rows, the mismatch flag and dashes for missing values."""
    app = WidgetApp(lambda: [BackendTable()], lambda a: a.query_one(BackendTable).set_rows([STABLE, CANARY, IDLE]))
    assert snap_compare(app, terminal_size=(90, 6))


def test_weight_bar(snap_compare) -> None:
    """A 90/10 split with a pending 70/30 change, a three-way split and a 20/80 split (two colours)."""

    def setup(app: WidgetApp) -> None:
        app.query_one("#pending", WeightBar).pending = (70.0, 30.0)

    app = WidgetApp(lambda: [WeightBar((90.0, 10.0), id="pending"), WeightBar((50.0, 30.0, 20.0)),
                             WeightBar((20.0, 80.0))], setup)
    assert snap_compare(app, terminal_size=(40, 4))


def test_three_charts_side_by_side(snap_compare) -> None:
    """The detail pane's three charts in 95 columns: title and legend lines, a gap between charts."""
    assert snap_compare(WidgetApp(three_charts, feed_three), terminal_size=(95, 12))


def test_status_bar(snap_compare) -> None:
    """Connected with fresh metrics, then disconnected, stale and read-only."""

    def setup(app: WidgetApp) -> None:
        good, bad = app.query(StatusBar)
        for bar in (good, bad):
            bar.context = "kind-mesh"
            bar.scope = "all namespaces"
            bar.metrics_source = "prometheus 127.0.0.1:9090"
        good.connection, good.metrics_state, good.data_age = "connected", "ok", 3.0
        bad.connection, bad.connection_detail = "disconnected", "connection refused"
        bad.metrics_state, bad.data_age, bad.read_only = "stale", 125.0, True

    assert snap_compare(WidgetApp(lambda: [StatusBar(), StatusBar()], setup), terminal_size=(110, 2))


def test_owner_panel(snap_compare) -> None:
    """A Flagger canary with a gate, a paused Argo rollout and a split with no controller."""

    def setup(app: WidgetApp) -> None:
        flagger, argo, none = app.query(OwnerPanel)
        flagger.show(Owner("Canary", "web", "flagger.app/v1beta1", "flagger"), canary_state())
        argo.show(Owner("Rollout", "api", "argoproj.io/v1alpha1", "argo-rollouts"), rollout_state())
        none.show(None, None)

    assert snap_compare(WidgetApp(lambda: [OwnerPanel(), OwnerPanel(), OwnerPanel()], setup), terminal_size=(90, 8))
