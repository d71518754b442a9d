"""SignalCharts side by side, as in the detail pane: own title and legend lines, a gap between them."""

from __future__ import annotations

from textual.containers import Horizontal
from textual.geometry import Size
from textual.widget import Widget

from meshtui.ui.widgets import SignalChart
from meshtui.ui.widgets._chart_layout import legend_line, title_line
from meshtui.ui.widgets._styles import component_fg
from meshtui.ui.widgets.signal_chart import GUTTER
from tests.ui.widgets.harness import T0, WidgetApp, wave
from tests.waiting import settle

BRAILLE = range(0x2801, 0x2900)


def lines(chart: SignalChart) -> list[str]:
    """The chart's lines as plain text."""
    return ["".join(s.text for s in chart.render_line(y)) for y in range(chart.size.height)]


def three_charts() -> list[Widget]:
    """Success rate, requests and p99 latency, as the detail pane lays them out."""
    charts = [
        SignalChart("success rate", "%", value_format=lambda v: f"{v:.1f}%", y_max=100, id="success"),
        SignalChart("requests", "rps", value_format=lambda v: f"{v:.1f}", y_min=0, id="rps"),
        SignalChart("p99 latency", "ms", value_format=lambda v: f"{v:.0f}", y_min=0, id="p99"),
    ]
    for chart in charts:
        chart.styles.width = "1fr"
    row = Horizontal(*charts)
    row.styles.height = 12
    return [row]


def feed(app: WidgetApp) -> None:
    """Stable and canary series whose latest values touch the top of each plot."""
    shapes = {"success": (99.5, 0.4), "rps": (0.8, 0.7), "p99": (40.0, 30.0)}
    for chart in app.query(SignalChart):
        base, amplitude = shapes[chart.id or ""]
        chart.set_series({"authors": wave(61, base, amplitude, 3), "authors-v2": wave(61, base * 0.8, amplitude, 4)},
                         start=T0, end=T0 + 600, markers=[T0 + 300],
                         threshold=99.0 if chart.id == "success" else None)
        chart.state = "ok"


async def test_charts_keep_a_gap_and_a_line_each_for_title_and_legend() -> None:
    """At 95 columns: no label glued to the neighbour's plot, no legend on the title line."""
    app = WidgetApp(three_charts, feed)
    async with app.run_test(size=(95, 14)) as pilot:
        charts = list(app.query(SignalChart))
        await settle(pilot, until=lambda: all(30 <= c.size.width <= 32 for c in charts))
        for chart in charts:
            text = lines(chart)
            assert all(line[-GUTTER:] == " " * GUTTER for line in text), text
            assert "●" not in text[0] and text[0].startswith(chart.title)
            assert text[1].count("●") == 2 and "+" not in text[1], text[1]
        # The plots really reach the right edge, so the gap is what keeps them apart.
        assert any(ord(line[-GUTTER - 1]) in BRAILLE for chart in charts for line in lines(chart))


async def test_legend_names_in_series_colours_and_markers_visible() -> None:
    """Each legend name is drawn in its series colour; markers and the threshold are on screen."""
    app = WidgetApp(three_charts, feed)
    async with app.run_test(size=(140, 14)) as pilot:
        chart = app.query_one("#success", SignalChart)
        await settle(pilot, until=lambda: chart.size.width >= 40)
        legend = list(chart.render_line(1))
        for index, name in ((1, "authors"), (2, "v2")):
            # The dot and the name share a colour, so they may come as one segment.
            (segment,) = [s for s in legend if s.text.removeprefix("● ") == name]
            assert segment.style.color == component_fg(chart, f"signal-chart--series-{index}").color
        text = lines(chart)
        plot = text[2:-1]
        assert sum(line.count("┊") for line in plot) >= 3  # a dotted marker line, not the axis
        threshold = [y for y in range(2, chart.size.height - 1)
                     if any(s.style.color == component_fg(chart, "signal-chart--threshold").color
                            for s in chart.render_line(y) if s.text.strip())]
        assert len(threshold) == 1  # on the axis at least, even where the series covers the line
        assert text[-1].count("▲") == 1
        marker = [s for y in range(2, chart.size.height - 1) for s in chart.render_line(y) if "┊" in s.text]
        background = chart.rich_style.bgcolor
        assert marker and marker[0].style.color != background


def test_legend_keeps_labels_whole_and_counts_what_cannot_fit() -> None:
    """Labels are drawn as given (the same in every chart), with their values; the limit goes
    first, then entries, counted."""
    legend = [("series-1", "stable", "12.3"), ("series-2", "canary", "0.4")]
    text = "".join(t for t, _ in legend_line(legend, 42, "99.0%"))
    assert text == "● stable 12.3  ● canary 0.4  ╌ limit 99.0%"
    text = "".join(t for t, _ in legend_line(legend, 28, "99.0%"))
    assert text == "● stable 12.3  ● canary 0.4"
    text = "".join(t for t, _ in legend_line(legend, 21, "99.0%"))
    assert text == "● stable 12.3 +1 more"
    many = [(f"series-{i + 1}", f"backend-{i}", "1.0") for i in range(6)]
    narrow = "".join(t for t, _ in legend_line(many, 30, "99.0%"))
    assert len(narrow) <= 30 and narrow.endswith(tuple(f"+{n} more" for n in range(1, 7)))
    assert legend_line([], 30, None) == []


def test_title_fits_its_width() -> None:
    """A narrow chart cuts its title rather than spilling into the next chart."""
    assert "".join(t for t, _ in title_line("p99 latency", "ms", 40)) == "p99 latency ms"
    assert "".join(t for t, _ in title_line("p99 latency", "ms", 8)) == "p99 lat…"


async def test_series_take_their_role_colours_whatever_their_order() -> None:
    """A Rollout listing its canary first still draws the canary in the canary colour."""
    def setup(app: WidgetApp) -> None:
        chart = app.query_one(SignalChart)
        chart.set_series({"books-canary": wave(61, 5.0, 1.0, 3), "books-stable": wave(61, 2.0, 1.0, 4)},
                         start=T0, end=T0 + 600, roles={"books-canary": "canary", "books-stable": "stable"})
        chart.state = "ok"

    app = WidgetApp(lambda: [SignalChart("requests", "rps")], setup)
    async with app.run_test(size=(60, 10)) as pilot:
        chart = app.query_one(SignalChart)
        await pilot.pause()
        legend = {s.text.removeprefix("● "): s.style.color for s in chart.render_line(1)}
        assert legend["canary"] == component_fg(chart, "signal-chart--series-2").color
        assert legend["stable"] == component_fg(chart, "signal-chart--series-1").color


class ResizedEarly(SignalChart):
    """A chart whose size can be changed the way the compositor does, before its Resize event."""

    forced: Size | None = None

    @property
    def size(self) -> Size:
        return self.forced or super().size


async def test_a_chart_drawn_at_a_new_size_before_its_resize_event_fits_that_size() -> None:
    """The compositor can ask for lines at a new size before Resize arrives: the time axis stays
    the last line (a loaded run showed a chart shrunk by the plan timeline with its axis cut)."""
    app = WidgetApp(lambda: [ResizedEarly("success rate", "%", y_max=100, id="success")], feed)
    async with app.run_test(size=(60, 14)) as pilot:
        chart = app.query_one(ResizedEarly)
        await settle(pilot, until=lambda: chart.size.width >= 40)
        width, height = chart.size
        assert "now" in lines(chart)[-1]
        chart.forced = Size(width, height - 3)
        assert "now" in lines(chart)[-1]
