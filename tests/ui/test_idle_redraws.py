"""An idle dashboard: a refresh whose answers change figures but not shapes lays nothing out again.

A layout pass costs the whole screen (~18 ms with 1,000 splits listed); at a refresh every 2 s
that alone was a third of the idle CPU. New figures repaint the widgets that show them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from rich.text import Text
from textual.widget import Widget
from textual.widgets import Static

from meshtui.model.signals import BackendKey, GoldenSignals, MetricsSnapshot
from meshtui.sim.mesh import SimulatedMesh
from meshtui.ui.app import MeshtuiApp
from meshtui.ui.dashboard import MetricsPipeline
from meshtui.ui.panes._static import update_text
from meshtui.ui.widgets.signal_chart import SignalChart
from tests.ui.test_dashboard import AUTHORS, SIZE
from tests.ui.test_metrics_states import rows_listed
from tests.ui.widgets.harness import WidgetApp
from tests.waiting import settle


@pytest.fixture
def layouts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The class names of widgets asking for a layout pass, while recording is on (appended to
    once the list holds the marker "on")."""
    asked: list[str] = []
    original = Widget.refresh

    def refresh(self: Widget, *regions: Any, **kwargs: Any) -> Any:
        if asked[:1] == ["on"] and kwargs.get("layout"):
            asked.append(f"{type(self).__name__}#{self.id}")
        return original(self, *regions, **kwargs)

    monkeypatch.setattr(Widget, "refresh", refresh)
    yield asked


async def test_new_figures_lay_nothing_out(make_app: Callable[..., MeshtuiApp], mesh: SimulatedMesh,
                                           layouts: list[str]) -> None:
    """Metrics and history answers with new figures (same splits, same plan, same owner) redraw
    the figures without a layout pass, whether the sparklines are shown or not."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await rows_listed(pilot, app)
        screen.select_split(AUTHORS)
        chart = app.screen.query_one("#chart-rps", SignalChart)
        await settle(pilot, lambda: chart.state == "ok" and screen.pipeline.idle, message="charts")
        await pilot.pause()
        for _ in range(4):
            snapshot, history = screen.pipeline.snapshot, screen.pipeline.history
            mesh.traffic.step(5.0)
            layouts[:] = ["on"]
            screen.pipeline.fetch_all()
            await settle(pilot, lambda old=(snapshot, history): screen.pipeline.idle
                         and screen.pipeline.snapshot is not old[0]
                         and screen.pipeline.history is not old[1], message="new answers")
            await pilot.pause()
            assert screen.pipeline.snapshot.signals != snapshot.signals, "the figures changed"
            assert layouts == ["on"], f"layout asked by {layouts[1:]}"


async def test_update_text_lays_out_only_for_a_new_size(layouts: list[str]) -> None:
    """New text on as many lines repaints; a line more, or a wider auto-width text, lays out."""
    app = WidgetApp(lambda: [Static("one line", id="fixed"), Static("short", id="auto")])
    app.CSS = "#auto { width: auto; }"
    async with app.run_test(size=(40, 10)) as pilot:
        fixed, auto = app.query_one("#fixed", Static), app.query_one("#auto", Static)
        await pilot.pause()
        layouts[:] = ["on"]
        update_text(fixed, Text("another line"))
        update_text(fixed, Text("another line"))
        assert layouts == ["on"] and str(fixed.content) == "another line"
        update_text(fixed, Text("two\nlines"))
        assert layouts == ["on", "Static#fixed"]
        await pilot.pause()
        assert fixed.size.height == 2
        layouts[:] = ["on"]
        update_text(auto, Text("wider text"))
        assert layouts == ["on", "Static#auto"]
        await pilot.pause()
        assert auto.size.width == len("wider text")
        layouts[:] = ["on"]
        update_text(auto, Text("other text"))
        assert layouts == ["on"]


class _Screen:
    """What the metrics worker posts to: the messages, in order."""

    def __init__(self) -> None:
        self.posted: list[Any] = []

    def post_message(self, message: Any) -> None:
        self.posted.append(message)


class _Answers:
    """A metrics source giving the queued snapshots, one per fetch."""

    name = "answers"

    def __init__(self, *snapshots: MetricsSnapshot) -> None:
        self.snapshots = list(snapshots)

    def fetch(self, targets: Any, window: str) -> MetricsSnapshot:
        return self.snapshots.pop(0)


def test_unchanged_figures_reach_the_ui_as_the_same_objects() -> None:
    """The worker hands a backend's figures over as the previous answer's object when they are
    equal, so the UI thread tells the unchanged ones by identity; new figures stay new."""
    same, moved = BackendKey("ns", "same"), BackendKey("ns", "moved")
    first = MetricsSnapshot(1.0, {same: GoldenSignals(0.99, 5.0), moved: GoldenSignals(0.9, 1.0)})
    second = MetricsSnapshot(3.0, {same: GoldenSignals(0.99, 5.0), moved: GoldenSignals(0.5, 1.0)})
    screen = _Screen()
    pipeline = MetricsPipeline(screen, _Answers(first, second))  # type: ignore[arg-type]
    pipeline._fetch_metrics([], "1m")
    pipeline._fetch_metrics([], "1m")
    shown = [message.snapshot for message in screen.posted]
    assert shown == [first, second] and shown[1] is second
    assert shown[1].signals[same] is first.signals[same]
    assert shown[1].signals[moved] == GoldenSignals(0.5, 1.0) and shown[1].signals[moved] is not first.signals[moved]
