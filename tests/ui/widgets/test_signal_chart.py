"""SignalChart through a harness app: series, legend, labels, markers, threshold and states."""

from __future__ import annotations

import pytest

from meshtui.ui.widgets import SignalChart
from meshtui.ui.widgets._styles import component_fg
from tests.ui.widgets.harness import T0, WidgetApp, wave
from tests.waiting import settle


def percent(value: float) -> str:
    """Format like the dashboard's success-rate chart."""
    return f"{value:.1f}%"


def chart_app(setup) -> WidgetApp:
    """An app with one success-rate chart fed by `setup(chart)`."""
    return WidgetApp(
        lambda: [SignalChart("Success rate", "%", value_format=percent, y_min=90.0, y_max=100.0)],
        lambda app: setup(app.query_one(SignalChart)),
    )


def lines(chart: SignalChart) -> list[str]:
    """The chart's lines as plain text."""
    return ["".join(s.text for s in chart.render_line(y)) for y in range(chart.size.height)]


def feed(chart: SignalChart) -> None:
    """Two series over ten minutes, a gap in the canary, two weight changes and a threshold."""
    chart.set_series(
        {"web": wave(61, 99.5, 0.3, 5), "web-canary": wave(61, 96.0, 2.0, 8, gap=range(20, 26))},
        start=T0, end=T0 + 600, markers=[T0 + 200, T0 + 400], threshold=95.0,
    )
    chart.state = "ok"


async def test_draws_series_legend_labels_and_time_span() -> None:
    """Every element of a healthy chart is present where it belongs."""
    app = chart_app(feed)
    async with app.run_test(size=(80, 10)) as pilot:
        chart = app.query_one(SignalChart)
        await pilot.pause()
        text = lines(chart)
        assert text[0].rstrip() == "Success rate %"
        assert "● web 99." in text[1]
        assert "● canary 97." in text[1] and "╌ limit 95.0%" in text[1]  # the part that differs
        assert text[2].startswith("100.0%┤") and text[-2].startswith(" 90.0%┤")
        assert text[-1].strip().startswith("-10m") and text[-1].rstrip().endswith("now")
        assert text[-1].count("▲") == 2
        assert any("╌" in line for line in text[1:-1])
        braille = [c for line in text[1:-1] for c in line if 0x2800 < ord(c) <= 0x28FF]
        assert len(braille) > 60
        styles = {s.style for y in range(1, chart.size.height - 1) for s in chart.render_line(y) if s.text.strip()}
        canary_colour = component_fg(chart, "signal-chart--series-2").color
        assert any(style.color == canary_colour for style in styles if style)


async def test_empty_and_unavailable_states_say_so() -> None:
    """No data and no metrics are told apart, with the reason."""
    app = chart_app(lambda chart: None)
    async with app.run_test(size=(60, 8)) as pilot:
        chart = app.query_one(SignalChart)
        await pilot.pause()
        assert any("no data yet" in line for line in lines(chart))
        assert chart.has_class("-empty")
        chart.state = "unavailable"
        chart.message = "prometheus: connection refused"
        await pilot.pause()
        assert any("metrics unavailable: prometheus: connection refused" in line for line in lines(chart))
        assert chart.has_class("-unavailable") and not chart.has_class("-empty")
        chart.set_series({"web": [(T0, None), (T0 + 10, None)]}, start=T0, end=T0 + 60)
        chart.state = "ok"  # ok but every sample is a gap: still "no data yet"
        await pilot.pause()
        assert any("no data yet" in line for line in lines(chart))


async def test_stale_state_is_dimmed_with_its_message() -> None:
    """A stale chart keeps its data, dimmed, and says why."""
    app = chart_app(feed)
    async with app.run_test(size=(80, 10)) as pilot:
        chart = app.query_one(SignalChart)
        chart.state = "stale"
        chart.message = "last sample 2m ago"
        await settle(pilot, until=lambda: chart.has_class("-stale"))
        text = lines(chart)
        assert "last sample 2m ago" in text[-1]
        plot_segments = [s for s in chart.render_line(3) if s.text.strip()]
        assert plot_segments and all(s.style.dim for s in plot_segments)


async def test_unknown_state_is_rejected() -> None:
    """A typo in a state fails loudly instead of drawing a misleading chart."""
    app = chart_app(lambda chart: None)
    async with app.run_test(size=(40, 6)):
        with pytest.raises(ValueError, match="unknown chart state 'broken'"):
            app.query_one(SignalChart).state = "broken"


async def test_auto_range_and_resize() -> None:
    """Without fixed bounds the axis fits the data, and a resize lays the chart out again."""
    app = WidgetApp(lambda: [SignalChart("p99", "ms")],
                    lambda a: a.query_one(SignalChart).set_series({"web": wave(30, 200, 50, 4)},
                                                                  start=T0, end=T0 + 290))
    async with app.run_test(size=(60, 10)) as pilot:
        chart = app.query_one(SignalChart)
        chart.state = "ok"
        await pilot.pause()
        top = lines(chart)[2].split("┤")[0].strip()
        assert 250 <= float(top) <= 270
        await pilot.resize_terminal(90, 10)
        await settle(pilot, until=lambda: chart.size.width == 90)
        assert lines(chart)[-1].rstrip().endswith("now") and len(lines(chart)[-1]) == 90


async def test_new_legend_figures_repaint_only_the_legend() -> None:
    """A metrics answer changes the figures the legend shows, not the plot: only the legend's
    lines are repainted, and they show the new figure; new points repaint the whole chart."""
    app = chart_app(feed)
    async with app.run_test(size=(80, 10)) as pilot:
        chart = app.query_one(SignalChart)
        await pilot.pause()
        data = chart.data
        repainted: list[tuple] = []
        original = chart.refresh

        def refresh(*regions, **kwargs):
            repainted.append(regions)
            return original(*regions, **kwargs)

        chart.refresh = refresh
        chart.set_series(dict(data.series), start=data.start, end=data.end, markers=data.markers,
                         threshold=data.threshold, current={"web": 91.25, "web-canary": 92.5})
        assert repainted and all(len(regions) == 1 and regions[0].height == 1 and regions[0].y == 1
                                 for regions in repainted)
        assert "91.2%" in lines(chart)[1] or "91.3%" in lines(chart)[1]
        repainted.clear()
        chart.set_series({"web": wave(61, 99.0, 0.5, 3), "web-canary": wave(61, 95.0, 1.0, 4)},
                         start=T0 + 10, end=T0 + 610, threshold=95.0)
        rows = {region.y for regions in repainted for region in regions}
        assert repainted == [()] or rows >= set(range(2, chart.size.height))
