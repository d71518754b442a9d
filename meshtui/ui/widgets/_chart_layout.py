"""Laying out a `SignalChart` as lines of (text, style key) runs, without Textual.

The widget maps each key (``"series-1"``, ``"axis"``, ``"marker"``...) to a theme style. Keeping
the geometry here makes it testable with plain asserts and keeps the widget small.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from rich.cells import cell_len

from meshtui.model.durations import format_duration
from meshtui.ui.widgets._braille import BrailleCanvas

Run = tuple[str, str]
"""A piece of text and the short name of its style."""
Line = list[Run]
"""One terminal line."""
Points = Sequence[tuple[float, float | None]]
"""``(time, value)`` samples; None is a gap (no data), never zero."""
SERIES_COLOURS = 6
"""Series cycle through this many colour classes."""
CYCLE_GLYPHS = ("●", "◆", "▲", "■", "★", "✚")
"""The legend marker of each round through the colours, so series 1 and 7 (same colour) differ."""
CYCLE_DASHES = (0, 2, 1)
"""The line of each round through the colours: solid, dashed (2 dots on, 2 off), dotted."""


@dataclass(frozen=True)
class ChartData:
    """Everything a chart draws, as handed to `SignalChart.set_series`."""

    series: Mapping[str, Points] = field(default_factory=dict)
    """Samples per series name, in legend order."""
    start: float = 0.0
    """Left edge of the time axis (epoch seconds)."""
    end: float = 0.0
    """Right edge of the time axis (epoch seconds)."""
    markers: tuple[float, ...] = ()
    """Times of weight changes, drawn as vertical lines."""
    threshold: float | None = None
    """A value drawn as a dashed horizontal line (an SLO or analysis limit)."""
    colours: tuple[int, ...] = ()
    """Colour index per series (0 stable, 1 canary...); empty means legend order."""
    current: Mapping[str, float | None] | None = None
    """The figure each series' legend shows (the table's, over the same window); None: each
    series' last point."""
    labels: tuple[str, ...] = ()
    """The legend label of each series, in legend order (chosen by `legend_labels`)."""

    def legend_value(self, name: str) -> float | None:
        """What the legend shows for series `name`."""
        if self.current is not None:
            return self.current.get(name)
        return last_value(self.series.get(name, ()))

    def colour(self, layer: int) -> str:
        """The style key of series number `layer`."""
        return f"series-{self._index(layer) % SERIES_COLOURS + 1}"

    def glyph(self, layer: int) -> str:
        """The legend marker of series number `layer` (one per round through the colours)."""
        return CYCLE_GLYPHS[self._index(layer) // SERIES_COLOURS % len(CYCLE_GLYPHS)]

    def dash(self, layer: int) -> int:
        """The dash length of series number `layer`'s line (0 is solid)."""
        return CYCLE_DASHES[self._index(layer) // SERIES_COLOURS % len(CYCLE_DASHES)]

    def _index(self, layer: int) -> int:
        return self.colours[layer] if layer < len(self.colours) else layer

    @property
    def has_points(self) -> bool:
        """Whether any series holds at least one real value."""
        return any(v is not None for points in self.series.values() for _, v in points)


def role_colours(names: Sequence[str], roles: Mapping[str, str]) -> tuple[int, ...]:
    """Colour indices for series `names`: stable 0 and canary 1 (as in the weight bars), others after.

    Args:
        names: Series names, in legend order.
        roles: ``"stable"`` or ``"canary"`` per series name; missing names get the next free colour.

    Returns:
        One colour index per name.
    """
    fixed = {"stable": 0, "canary": 1}
    taken = {fixed[roles[n]] for n in names if roles.get(n) in fixed}
    # Unbounded: a split may have any number of backends (an HTTPRoute of 16 rules has 32).
    free = (i for i in itertools.count() if i not in taken)
    return tuple(fixed[roles[n]] if roles.get(n) in fixed else next(free) for n in names)


def y_range(data: ChartData, y_min: float | None, y_max: float | None) -> tuple[float, float]:
    """The value range of the plot: fixed ends as given, automatic ends padded by 5%.

    Args:
        data: The chart data (the threshold counts as a value so it stays on screen).
        y_min: Fixed bottom, or None for automatic.
        y_max: Fixed top, or None for automatic.

    Returns:
        ``(low, high)`` with ``low < high``.
    """
    values = [v for points in data.series.values() for _, v in points if v is not None and math.isfinite(v)]
    if data.threshold is not None:
        values.append(data.threshold)
    low = y_min if y_min is not None else min(values, default=0.0)
    high = y_max if y_max is not None else max(values, default=1.0)
    if high < low:
        low, high = high, low
    pad = (high - low) * 0.05 or (abs(high) * 0.1 or 1.0)
    if y_min is None:
        low = low - pad if low - pad >= 0 or low < 0 else 0.0
    if y_max is None:
        high += pad
    if high <= low:
        high = low + 1.0
    return low, high


CURRENT_SAMPLES = 2
"""Latest samples a legend value may come from: an older one is not the value now."""


def last_value(points: Points, recent: int = CURRENT_SAMPLES) -> float | None:
    """The value of a series now: its latest real value among the last `recent` samples, or
    None (a backend whose traffic stopped has no p99 now, whatever it had before)."""
    for _, value in reversed(points[-recent:] if recent else points):
        if value is not None:
            return value
    return None


def title_line(title: str, unit: str, width: int) -> Line:
    """The first line: the title and its unit, cut with an ellipsis when the chart is narrow.

    Args:
        title: Chart title.
        unit: Unit shown after the title.
        width: Line width.

    Returns:
        The line.
    """
    unit_text = f" {unit}" if unit else ""
    if len(title) + len(unit_text) <= width:
        return [(title, "title"), (unit_text, "unit")]
    if len(title) <= width:
        return [(title, "title")]
    return [(shorten(title, width), "title")]


def shorten(text: str, width: int) -> str:
    """`text` cut to `width` cells, the cut marked with an ellipsis."""
    if len(text) <= width:
        return text
    return text[: max(0, width - 1)] + "…" if width > 0 else ""


def legend_line(legend: Sequence[tuple[str, str, str]], width: int, threshold: str | None,
                glyphs: Sequence[str] = ()) -> Line:
    """The legend on one line (see `legend_lines`)."""
    return next(iter(legend_lines(legend, width, threshold, glyphs)), [])


def legend_lines(legend: Sequence[tuple[str, str, str]], width: int, threshold: str | None,
                 glyphs: Sequence[str] = (), rows: int = 1) -> list[Line]:
    """The legend: each series' label in its colour with its value, then the threshold.

    Labels are drawn as given, never cut to the chart's width, so a backend reads the same in
    every chart (`legend_labels` chooses them short); entries wrap onto up to `rows` lines. When
    room is short the threshold goes first, then the last entries, counted (``+2 more``) so none
    silently disappears.

    Args:
        legend: ``(series style key, label, formatted value)`` per series.
        width: Line width.
        threshold: The formatted threshold, shown as the last entry when set and there is room.
        glyphs: The marker of each series (``●`` when not given).
        rows: Most lines the legend may take.

    Returns:
        The lines (none when there is nothing to show).
    """
    entries = [(key, label, value, glyphs[i] if i < len(glyphs) else "●")
               for i, (key, label, value) in enumerate(legend)]
    limit = [("threshold", "limit", threshold, "╌")] if threshold is not None else []
    # The limit goes first: the axis marks it anyway, while a series has no other label.
    for shown in (entries + limit, entries):
        lines = _wrapped(shown, width, rows, 0)
        if lines is not None:
            return lines
    for keep in range(len(entries) - 1, -1, -1):
        more = f"+{len(entries) - keep} more"
        if len(more) > width:
            more = f"+{len(entries) - keep}"
        lines = _wrapped(entries[:keep], width, rows, len(more) + 1)
        if lines is None:
            continue
        last = lines[-1] if lines else []
        if sum(cell_len(text) for text, _ in last) + len(more) + 1 <= width:
            return lines[:-1] + [last + ([(" ", "")] if last else []) + [(more, "legend")]]
        if len(lines) < rows:
            return lines + [[(more, "legend")]]
    return []


def _wrapped(entries: Sequence[tuple[str, str, str, str]], width: int, rows: int,
             reserve: int) -> list[Line] | None:
    """Lay out legend entries on at most `rows` lines, keeping `reserve` cells free at the end
    of the last, or None when they do not fit."""
    lines: list[Line] = []
    line: Line = []
    used = 0
    for key, label, value, marker in entries:
        glyph = f"{marker} "
        size = len(glyph) + cell_len(label) + 1 + len(value)
        room = width - (reserve if len(lines) == rows - 1 else 0)
        if line and used + 2 + size > room:
            lines.append(line)
            line, used = [], 0
            room = width - (reserve if len(lines) == rows - 1 else 0)
        if len(lines) >= rows or size > room:
            return None
        if line:
            line.append(("  ", ""))
            used += 2
        name_key = "legend" if key == "threshold" else key
        line.extend([(glyph, key), (label, name_key), (" ", ""), (value, "value")])
        used += size
    return lines + [line] if line else lines


def centred(text: str, key: str, width: int) -> Line:
    """A line holding `text` centred (and cut to `width`)."""
    text = text[:width]
    left = max(0, (width - len(text)) // 2)
    return [(" " * left, ""), (text, key), (" " * max(0, width - left - len(text)), "")]


def plot_lines(data: ChartData, low: float, high: float, fmt: Callable[[float], str],
               width: int, height: int) -> tuple[list[Line], int, list[int]]:
    """The plot rows: y labels, an axis, then braille series, markers and threshold.

    Args:
        data: The chart data.
        low: Value at the bottom.
        high: Value at the top.
        fmt: Formats a y label.
        width: Line width.
        height: Number of plot rows.

    Returns:
        The rows, the column where the plot area starts, and the marker columns (in cells).
    """
    labels = {0: fmt(high), height - 1: fmt(low)}
    if height >= 5:
        labels[(height - 1) // 2] = fmt(low + (high - low) * (1 - ((height - 1) // 2) / (height - 1)))
    label_width = max(len(text) for text in labels.values())
    left = label_width + 1
    canvas = BrailleCanvas(max(0, width - left), height)
    span = (data.end - data.start) or 1.0

    def to_dot(t: float, v: float) -> tuple[int, int]:
        x = round((t - data.start) / span * (canvas.dot_width - 1))
        clamped = min(max(v, low), high)
        y = round((high - clamped) / (high - low) * (canvas.dot_height - 1))
        return x, y

    for layer, points in enumerate(data.series.values()):
        dash = data.dash(layer)
        previous: tuple[int, int] | None = None
        for t, v in points:
            if v is None or not math.isfinite(v) or not data.start <= t <= data.end:
                previous = None
                continue
            dot = to_dot(t, v)
            if previous is None:
                canvas.plot(*dot, layer)
            else:
                canvas.line(*previous, *dot, layer, dash=dash)
            previous = dot
    marker_cols = sorted({to_dot(m, low)[0] // 2 for m in data.markers if data.start <= m <= data.end})
    threshold_row = to_dot(data.start, data.threshold)[1] // 4 if data.threshold is not None else -1
    rows: list[Line] = []
    for row in range(height):
        label = labels.get(row)
        axis = "┤" if label else "│"
        if row == threshold_row:
            # Also on the axis: the series may cover the whole dashed line at this row.
            axis = "┤" if label else "┼"
        line: Line = [((label or "").rjust(label_width), "label"),
                      (axis, "threshold" if row == threshold_row else "axis")]
        for col in range(canvas.width):
            char, layer = canvas.cell(col, row)
            if layer >= 0:
                line.append((char, data.colour(layer)))
            elif col in marker_cols:
                line.append(("┊", "marker"))
            elif row == threshold_row:
                line.append(("╌", "threshold"))
            else:
                line.append((" ", ""))
        rows.append(line)
    return rows, left, marker_cols


def axis_line(data: ChartData, left: int, width: int, marker_cols: Sequence[int],
              message: str, message_key: str) -> Line:
    """The bottom line: time span on the left, ``now`` on the right, marker ticks, a message.

    Args:
        data: The chart data.
        left: Column where the plot area starts.
        width: Line width.
        marker_cols: Marker columns, relative to the plot area.
        message: Text to show in the middle (e.g. why the data is stale), or empty.
        message_key: Style key for the message.

    Returns:
        The line.
    """
    plot_width = max(0, width - left)
    cells: list[Run] = [(" ", "")] * plot_width
    for col in marker_cols:
        if 0 <= col < plot_width:
            cells[col] = ("▲", "marker")
    start_label = f"-{format_duration(data.end - data.start)}"
    for offset, char in enumerate(start_label[:plot_width]):
        cells[offset] = (char, "label")
    for offset, char in enumerate("now"):
        position = plot_width - 3 + offset
        if position >= len(start_label):
            cells[position] = (char, "label")
    room = plot_width - len(start_label) - 5
    if message and room > 0:
        text = message if len(message) <= room else message[: max(0, room - 1)] + "…"
        begin = len(start_label) + 1 + max(0, (room - len(text)) // 2)
        for offset, char in enumerate(text):
            cells[begin + offset] = (char, message_key)
    return [(" " * left, "")] + cells
