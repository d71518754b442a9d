"""Charts of any number of backends: colours cycle with distinct markers, the legend counts the rest.

An HTTPRoute of 16 rules of 2 backendRefs is a valid Gateway API object; 25 backends used to
run out of colours (StopIteration) and take the dashboard down.
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from meshtui.ui.widgets import SignalChart
from meshtui.ui.widgets._braille import BrailleCanvas
from meshtui.ui.widgets._chart_layout import SERIES_COLOURS, ChartData, legend_lines, role_colours
from tests.model.hypothesis_settings import QUICK
from tests.ui.hostile import CONTROL, HOSTILE, harmful_segments
from tests.ui.widgets.harness import T0, WidgetApp, wave


@QUICK
@given(count=st.integers(1, 64), stable=st.integers(0, 63), canary=st.integers(0, 63))
def test_any_number_of_series_gets_a_colour(count: int, stable: int, canary: int) -> None:
    """Stable and canary keep their colours; every other series gets its own index, unbounded."""
    names = [f"b{i}" for i in range(count)]
    roles = {}
    if stable < count:
        roles[names[stable]] = "stable"
    if canary < count and canary != stable:
        roles[names[canary]] = "canary"
    colours = role_colours(names, roles)
    assert len(colours) == count == len(set(colours))
    for name, role in roles.items():
        assert colours[names.index(name)] == {"stable": 0, "canary": 1}[role]


def test_series_sharing_a_colour_differ_in_marker_and_line() -> None:
    """Series 1 and 7 share a colour, never a legend marker; each round draws another line style."""
    data = ChartData({f"b{i}": () for i in range(64)})
    looks = [(data.colour(i), data.glyph(i)) for i in range(SERIES_COLOURS * 6)]
    assert len(set(looks)) == len(looks)
    assert [data.dash(i * SERIES_COLOURS) for i in range(3)] == [0, 2, 1]
    solid, dashed = BrailleCanvas(10, 1), BrailleCanvas(10, 1)
    solid.line(0, 0, 19, 0, 0)
    dashed.line(0, 0, 19, 0, 0, dash=2)

    def count(canvas: BrailleCanvas) -> int:
        return sum(bin(ord(canvas.cell(c, 0)[0]) - 0x2800).count("1") for c in range(10)
                   if canvas.cell(c, 0)[1] >= 0)

    assert count(solid) == 20 and count(dashed) == 10


@QUICK
@given(count=st.integers(1, 64), width=st.integers(12, 120), rows=st.integers(1, 3))
def test_a_legend_that_cannot_fit_counts_the_rest(count: int, width: int, rows: int) -> None:
    """Every series is either in the legend (on up to `rows` lines) or counted in "+N more",
    within the line's width."""
    legend = [(f"series-{i % 6 + 1}", f"backend-number-{i}", "99.9%") for i in range(count)]
    texts = ["".join(t for t, _ in line) for line in legend_lines(legend, width, "99.0%", rows=rows)]
    assert 1 <= len(texts) <= rows
    text = "  ".join(texts)
    shown = text.count("●")
    more = re.search(r"\+(\d+)( more)?$", text)
    assert shown + (int(more.group(1)) if more else 0) == count
    assert more is None or more.group(2) or len(texts[-1]) > width - 5
    assert all(len(line) <= width for line in texts) or shown == 0


async def test_sixty_four_hostile_series_draw_inert() -> None:
    """64 series named with escapes and markup: the chart draws, the legend says "+N more", and
    no control byte or link reaches a line."""
    names = [f"{i}\x1b]0;pwned\x07[@click=app.quit]x[/]" for i in range(64)]

    def setup(app: WidgetApp) -> None:
        chart = app.query_one(SignalChart)
        chart.set_series({name: wave(61, 50.0 + i / 2, 0.3, 5) for i, name in enumerate(names)},
                         start=T0, end=T0 + 600, roles={names[0]: "stable", names[1]: "canary"})
        chart.state = "ok"

    app = WidgetApp(lambda: [SignalChart("requests", "rps")], setup)
    async with app.run_test(size=(90, 12)) as pilot:
        await pilot.pause()
        chart = app.query_one(SignalChart)
        strips = [chart.render_line(y) for y in range(chart.size.height)]
        lines = ["".join(segment.text for segment in strip) for strip in strips]
        assert not harmful_segments(strips)
        # A second legend line first (the chart is tall enough), then the rest counted.
        assert "●" in lines[1] and re.search(r"\+\d+ more", lines[2]), lines[1:3]
        assert sum(1 for line in lines[2:] for char in line if 0x2800 < ord(char) <= 0x28FF) > 100
        chart.set_series({"a\x1b]0;p\x07": wave(61, 50.0, 0.3, 5),
                          "[@click=app.quit]x[/]": wave(61, 40.0, 0.3, 5)}, start=T0, end=T0 + 600)
        await pilot.pause()
        strips = [chart.render_line(y) for y in range(chart.size.height)]
        legend = "".join(segment.text for segment in strips[1])
        assert not harmful_segments(strips)
        # Shown escaped, and the markup as text (cut in the middle to a label's width).
        assert "● a\\x1b]0;p\\x07 " in legend and "● [@click…t]x[/] " in legend, legend


@QUICK
@given(message=HOSTILE)
def test_chart_messages_are_escaped(message: str) -> None:
    """A Prometheus error shown under an unavailable chart is escaped and cut to the width."""
    chart = SignalChart("requests", "rps")
    chart.message = message
    chart.state = "unavailable"
    lines = chart._layout(60, 8)
    text = "".join(t for line in lines for t, _ in line)
    assert not CONTROL.search(text)
    assert all(sum(len(t) for t, _ in line) <= 60 for line in lines)
