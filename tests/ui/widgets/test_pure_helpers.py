"""The Textual-free helpers behind the widgets: formatting, weight bars, braille, layouts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meshtui.ui.widgets._braille import BrailleCanvas
from meshtui.ui.widgets._chart_layout import ChartData, axis_line, plot_lines, y_range
from meshtui.model.durations import format_duration
from meshtui.model.figures import format_ms, format_ratio, format_rps
from meshtui.ui.widgets._format import format_split
from meshtui.ui.widgets._split_render import fit_note
from meshtui.ui.widgets._split_rows import fit_columns, group_order, haystack, visible_lines
from meshtui.ui.widgets.weight_bar import EIGHTHS, weight_bar
from tests.model.hypothesis_settings import QUICK
from tests.ui.widgets.harness import T0, row


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, "—"), (0.5, "500µs"), (4.25, "4.2ms"), (120.0, "120ms"), (1250.0, "1.2s")],
)
def test_format_ms(value: float | None, expected: str) -> None:
    """Latencies read naturally from microseconds to seconds."""
    assert format_ms(value) == expected


def test_other_formats() -> None:
    """Ratios, rates, durations and splits format compactly; unknown is a dash."""
    assert format_ratio(0.99512) == "99.51%"
    assert format_ratio(None) == "—"
    assert [format_rps(v) for v in (0.25, 12.34, 250.0, 1500.0, 25_000.0)] == ["0.2", "12.3", "250", "1.5k", "25k"]
    assert [format_duration(s) for s in (45, 600, 150, 5400, 7200)] == ["45s", "10m", "2m30s", "1h30m", "2h"]
    assert format_split((90.0, 10.0)) == "90/10"
    assert format_split(()) == "—"


@QUICK
@given(st.lists(st.floats(min_value=0, max_value=1000, allow_nan=False), min_size=1, max_size=5),
       st.integers(min_value=0, max_value=40))
def test_weight_bar_is_always_exactly_width(percents: list[float], width: int) -> None:
    """Whatever the weights, the bar fills exactly its width."""
    assert weight_bar(percents, width).cell_len == width


def test_weight_bar_proportions_and_small_shares() -> None:
    """Shares map to cells, a 1% canary stays visible, no weight is a dotted line."""
    half = weight_bar((50.0, 50.0), 10)
    assert half.plain == "█" * 10
    assert {str(span.style.color.name) for span in half.spans} == {"blue", "magenta"}
    one_percent = weight_bar((99.0, 1.0), 10)
    # 1% of 80 eighths rounds to 1: still visible as a partial block in the last cell.
    assert one_percent.plain[-1] in EIGHTHS[1:8]
    assert weight_bar((0.0, 0.0), 6).plain == "······"
    assert weight_bar((), 3).plain == "···"


def test_braille_canvas_dots_and_layers() -> None:
    """Dots map to braille bits and the last layer colours a cell."""
    canvas = BrailleCanvas(2, 1)
    canvas.plot(0, 0, layer=0)
    canvas.plot(1, 3, layer=1)
    assert canvas.cell(0, 0) == ("⢁", 1)
    assert canvas.cell(1, 0) == (" ", -1)
    canvas.plot(99, 99, layer=0)  # outside: ignored
    canvas.line(0, 0, 3, 3, layer=2)
    assert canvas.cell(1, 0)[1] == 2


def test_visible_lines_groups_and_filters() -> None:
    """Lines interleave headers and rows; filters drop empty namespaces."""
    rows = [row("b", "x-split"), row("a", "y-split", attention=True), row("b", "z-split", owner_label="Argo")]
    grouped = [rows[i] for i in group_order(rows)]
    assert [r.name for r in grouped] == ["y-split", "x-split", "z-split"]
    hay = [haystack(r) for r in grouped]
    lines, headers = visible_lines(grouped, hay, "", False)
    assert lines == [~0, 0, ~1, 1, 2]
    assert [(h.namespace, h.count) for h in headers] == [("a", 1), ("b", 2)]
    lines, headers = visible_lines(grouped, hay, " ARGO ", False)
    assert lines == [~0, 2] and headers[0].namespace == "b"
    lines, _ = visible_lines(grouped, hay, "", True)
    assert lines == [~0, 0]


def test_fit_columns_drops_service_then_owner_when_narrow() -> None:
    """Narrow widths drop service, then owner and note, before squeezing the name."""
    wide = fit_columns(20, 15, 7, 5, 10, 120)
    assert wide.service == 15 and wide.owner == 7
    narrow = fit_columns(20, 15, 7, 5, 10, 60)
    assert narrow.service == 0 and narrow.name >= 8
    tiny = fit_columns(20, 15, 7, 5, 10, 30)
    assert tiny.service == tiny.owner == tiny.note == 0


def test_fit_columns_keep_the_note_before_the_bar() -> None:
    """The note says why a row has its `!`: the bar shrinks before the note, which goes last."""
    cols = fit_columns(13, 0, 0, 5, 24, 52)
    assert cols.note == 18 and cols.bar == 4, "\"canary success 94%\" fits a 52-cell navigator"
    assert fit_columns(13, 0, 0, 5, 0, 52).bar == 10, "no note, full bar"
    assert fit_columns(13, 0, 0, 5, 24, 30).note == 0


def test_fit_note_keeps_whole_reasons() -> None:
    """A note too long for its cell keeps whole reasons and marks the rest, never a cut figure."""
    note = "canary success 94%, canary p99 185 ms"
    assert fit_note(note, 20) == "canary success 94% …"
    assert fit_note(note, 18) == "canary success 94%"
    assert fit_note(note, 40) == note.ljust(40)
    assert fit_note("awaiting approval", 10) == "awaiting …"


def test_y_range_fixed_and_automatic() -> None:
    """Fixed bounds are kept; automatic ones include the threshold and never collapse."""
    data = ChartData({"a": ((T0, 10.0), (T0 + 1, 20.0))}, T0, T0 + 1, threshold=30.0)
    low, high = y_range(data, None, None)
    assert low < 10.0 and high > 30.0
    assert y_range(data, 0.0, 100.0) == (0.0, 100.0)
    flat = ChartData({"a": ((T0, 5.0),)}, T0, T0 + 1)
    low, high = y_range(flat, None, None)
    assert low < 5.0 < high


def test_plot_lines_put_series_markers_and_threshold_where_expected() -> None:
    """Labels, markers, the threshold row and a rising line land where they should."""
    data = ChartData(
        {"rising": ((T0, 0.0), (T0 + 100, 100.0))},
        T0, T0 + 100, markers=(T0 + 50,), threshold=25.0,
    )
    rows, left, marker_cols = plot_lines(data, 0.0, 100.0, lambda v: f"{v:.0f}", 25, 4)
    texts = ["".join(text for text, _ in line) for line in rows]
    assert texts[0].startswith("100┤") and texts[-1].startswith("  0┤")
    assert left == 4
    assert marker_cols == [10]
    keys = [{key for _, key in line} for line in rows]
    assert all("series-1" in k for k in keys)
    assert any("threshold" in k for k in keys) and any("marker" in k for k in keys)
    # The series rises from bottom left to top right.
    first_braille = [next(i for i, (_, key) in enumerate(line) if key == "series-1") for line in rows]
    assert first_braille == sorted(first_braille, reverse=True)


@pytest.mark.parametrize("width", range(40))
def test_axis_line_is_exactly_as_wide_at_any_width_with_a_message(width: int) -> None:
    """A chart squeezed by a resize while its data is stale still draws (a CI run hit width 12)."""
    data = ChartData({"a": ((T0, 1.0),)}, T0, T0 + 60)
    line = axis_line(data, 7, width, [], "stale data", "stale")
    assert sum(len(text) for text, _ in line) == max(width, 7)
