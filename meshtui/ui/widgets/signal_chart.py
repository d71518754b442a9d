"""A multi-series line chart drawn in braille, for golden signals over time.

Draws a title line, a legend line (each series named in its colour, with its last value), every
series (stable, canary...) as a braille line in that colour, min/max y labels, the time span,
dotted vertical markers at weight changes and an optional dashed threshold. A blank gutter on the
right keeps charts placed side by side apart. It also says plainly when data is stale, unavailable
or not there yet.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from itertools import groupby
from operator import itemgetter
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from meshtui.ui.widgets._chart_layout import (
    ChartData,
    Line,
    axis_line,
    centred,
    legend_lines,
    plot_lines,
    role_colours,
    title_line,
    y_range,
)
from meshtui.ui.literal import literal, visible
from meshtui.ui.widgets._legend_labels import LABEL_WIDTH, legend_labels
from meshtui.ui.widgets._format import NO_DATA
from meshtui.ui.widgets._styles import component_fg

STATES = ("ok", "stale", "unavailable", "empty")
"""The states a chart can be in."""
INITIAL_STATE = "empty"
"""A new chart's state: no data yet."""
GUTTER = 2
"""Blank cells kept at the right edge, between this plot and whatever is drawn next to it."""
LEGEND_MIN_HEIGHT = 6
"""Below this height the legend line gives its row to the plot."""
LEGEND_WRAP_HEIGHT = 8
"""From this height a legend that does not fit one line wraps onto a second rather than hide a
backend behind "+N more" (three charts side by side at 140 columns are 25 cells wide); the plot
keeps at least three rows."""


def default_format(value: float) -> str:
    """Three significant digits, the default for y labels and legend values."""
    return f"{value:.3g}"


BASE_STYLE = "\0base"
"""The `_styles` key of the widget's own style (run keys are component names: none starts with NUL)."""

class SignalChart(Widget):
    """Golden-signal history per backend, one coloured braille line each."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *(f"signal-chart--series-{i}" for i in range(1, 7)),
        "signal-chart--title",
        "signal-chart--unit",
        "signal-chart--legend",
        "signal-chart--value",
        "signal-chart--label",
        "signal-chart--axis",
        "signal-chart--marker",
        "signal-chart--threshold",
        "signal-chart--message",
        "signal-chart--stale",
        "signal-chart--unavailable",
        "signal-chart--empty",
    }
    """
    | Class | Description |
    | :- | :- |
    | `signal-chart--series-1` … `-6` | Series colours, in legend order (1 stable, 2 canary). |
    | `signal-chart--title` / `--unit` | The title and its unit. |
    | `signal-chart--legend` / `--value` | Legend names and last values. |
    | `signal-chart--label` / `--axis` | Y labels, time labels and the y axis. |
    | `signal-chart--marker` | Weight-change markers. |
    | `signal-chart--threshold` | The dashed threshold line. |
    | `signal-chart--message` | A note shown under the plot. |
    | `signal-chart--stale` / `--unavailable` / `--empty` | The state messages. |
    """

    DEFAULT_CSS = """
    SignalChart {
        height: 10;
        min-height: 4;
        background: $surface;
        color: $foreground;
        & > .signal-chart--series-1 { color: $primary; }
        & > .signal-chart--series-2 { color: $secondary; }
        & > .signal-chart--series-3 { color: $foreground; }
        & > .signal-chart--series-4 { color: $success; }
        & > .signal-chart--series-5 { color: $warning; }
        & > .signal-chart--series-6 { color: $error; }
        & > .signal-chart--title { text-style: bold; }
        & > .signal-chart--unit { color: $foreground-muted; }
        & > .signal-chart--legend { color: $foreground-muted; }
        & > .signal-chart--value { text-style: bold; }
        & > .signal-chart--label { color: $foreground-muted; }
        & > .signal-chart--axis { color: $foreground-muted; }
        & > .signal-chart--marker { color: $foreground 70%; }
        & > .signal-chart--threshold { color: $error; }
        & > .signal-chart--message { color: $foreground-muted; }
        & > .signal-chart--stale { color: $warning; text-style: bold; }
        & > .signal-chart--unavailable { color: $error; text-style: bold; }
        & > .signal-chart--empty { color: $foreground-muted; text-style: italic; }
    }
    """

    state: reactive[str] = reactive(INITIAL_STATE)
    """``"ok"``, ``"stale"`` (drawn dimmed), ``"unavailable"`` or ``"empty"`` (no data yet)."""
    message: reactive[str] = reactive("")
    """Why the chart is in its state (e.g. "last sample 2m ago"), shown with the chart."""

    def __init__(
        self,
        title: str,
        unit: str,
        *,
        value_format: Callable[[float], str] = default_format,
        y_min: float | None = None,
        y_max: float | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        """Create an empty chart.

        Args:
            title: Shown top left, e.g. "Success rate".
            unit: Shown after the title, e.g. "%" or "ms".
            value_format: Formats y labels, legend values and the threshold.
            y_min: Fixed bottom of the y axis, or None to fit the data.
            y_max: Fixed top of the y axis, or None to fit the data.
            name: Widget name.
            id: Widget id.
            classes: CSS classes.
            disabled: Whether the widget starts disabled.
        """
        # The initial state's class from the start: set on mount instead, it would restyle the
        # whole screen once more before the first frame.
        initial = f"-{INITIAL_STATE}"
        super().__init__(name=name, id=id, classes=f"{classes} {initial}" if classes else initial,
                         disabled=disabled)
        self.title = title
        """The chart's title."""
        self.unit = unit
        """The unit of the y axis."""
        self.value_format = value_format
        """Formats values for display."""
        self.y_min = y_min
        """Fixed bottom of the y axis, or None."""
        self.y_max = y_max
        """Fixed top of the y axis, or None."""
        self._data = ChartData()
        self._lines: list[Line] | None = None
        self._laid_out_at: tuple[int, int] = (0, 0)
        self._styles: dict[str, Style] = {}

    @property
    def data(self) -> ChartData:
        """The data last given to `set_series`."""
        return self._data

    def validate_state(self, state: str) -> str:
        """Reject unknown states early rather than drawing something misleading."""
        if state not in STATES:
            raise ValueError(f"unknown chart state {state!r}; expected one of {', '.join(STATES)}")
        return state

    def watch_state(self, state: str) -> None:
        """Redraw, and expose the state as a CSS class (``-stale``...) for screens to style."""
        # One restyle for the change, not one per class: a chart's restyle costs milliseconds
        # (its component classes), and a new selection changes three charts' state twice.
        self.remove_class(*(f"-{other}" for other in STATES if other != state), update=False)
        self.add_class(f"-{state}")
        self._styles.clear()  # stale dims every run
        self._invalidate()

    def watch_message(self) -> None:
        """Redraw with the new message."""
        self._invalidate()

    def set_series(
        self,
        series: Mapping[str, Sequence[tuple[float, float | None]]],
        *,
        start: float,
        end: float,
        markers: Sequence[float] = (),
        threshold: float | None = None,
        roles: Mapping[str, str] | None = None,
        current: Mapping[str, float | None] | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> None:
        """Replace what the chart shows.

        Args:
            series: ``(time, value)`` samples per series name, in legend order; None is a gap.
            start: Time at the left edge (epoch seconds).
            end: Time at the right edge, normally now.
            markers: Times of weight changes, drawn as vertical lines.
            threshold: A value drawn as a dashed line, or None.
            roles: ``"stable"``/``"canary"`` per series name, so each is drawn in its role's
                colour whatever its position; None colours the series in legend order.
            current: The figure per series name the legend shows (the same the backend table
                shows, over the same window); None shows each series' last point.
            labels: The legend label per series name, shared by the split's charts so a backend
                reads the same in each; None chooses them from the names and roles.
        """
        names = list(series)
        # Given labels are data too: drawn literally, and only when they tell the series apart.
        given = [literal(labels.get(name, name), limit=LABEL_WIDTH, middle=True).plain
                 for name in names] if labels is not None else []
        chosen = given if given and len(set(given)) == len(given) else legend_labels(names, roles)
        data = ChartData(
            {name: tuple(points) for name, points in series.items()},
            start,
            end,
            tuple(markers),
            threshold,
            role_colours(list(series), roles) if roles else (),
            dict(current) if current is not None else None,
            tuple(chosen),
        )
        # Every metrics answer re-shows the detail; only new history needs a new picture.
        if data != self._data or list(data.series) != list(self._data.series):
            self._data = data
            self._invalidate(every_line=False)

    def _invalidate(self, *, every_line: bool = True) -> None:
        """Lay the chart out again and repaint its lines (only those that changed, unless
        `every_line`: a new state or message restyles them all)."""
        old, size = self._lines, self.size
        self._lines = None
        if every_line or old is None or self._laid_out_at != (size.width, size.height) \
                or not size.width or not size.height:
            self.refresh()
            return
        # A metrics answer changes the legend's figures, not the plot: two lines of ten.
        self._lines = new = self._layout(size.width, size.height)
        changed = [y for y in range(max(len(old), len(new)))
                   if y >= len(old) or y >= len(new) or old[y] != new[y]]
        if len(changed) >= len(new):
            self.refresh()
        else:
            for y in changed:
                self.refresh(Region(0, y, size.width, 1))

    def notify_style_update(self) -> None:
        """Drop cached styles when the theme or CSS changes."""
        self._styles.clear()
        super().notify_style_update()

    def _layout(self, width: int, height: int) -> list[Line]:
        """All lines of the chart for the current state, data and size.

        Lines are laid out `GUTTER` cells narrower than the widget, so charts placed side by side
        keep a gap between one plot and the next chart's y labels.
        """
        data, fmt = self._data, self.value_format
        width = max(1, width - GUTTER) if width > GUTTER + 10 else width
        state = self.state
        if state == "ok" and not data.has_points:
            state = "empty"
        lines = [title_line(self.title, self.unit, width)]
        if state in ("ok", "stale") and height >= LEGEND_MIN_HEIGHT:
            legend = []
            for index, name in enumerate(data.series):
                value = data.legend_value(name)
                label = data.labels[index] if index < len(data.labels) else str(index + 1)
                legend.append((data.colour(index), label, NO_DATA if value is None else fmt(value)))
            threshold = fmt(data.threshold) if data.threshold is not None else None
            glyphs = [data.glyph(index) for index in range(len(legend))]
            legend_rows = 2 if height >= LEGEND_WRAP_HEIGHT else 1
            lines.extend(legend_lines(legend, width, threshold, glyphs, legend_rows) or [[]])
        body = height - len(lines)
        if body <= 0:
            return lines[:height]
        if state in ("unavailable", "empty"):
            text = "metrics unavailable" if state == "unavailable" else "no data yet"
            if self.message:
                text = f"{text}: {visible(self.message, width)}"
            blank: Line = [(" " * width, "")]
            for row in range(body):
                lines.append(centred(text, state, width) if row == (body - 1) // 2 else blank)
            return lines
        low, high = y_range(data, self.y_min, self.y_max)
        plot_height = body - 1 if body >= 2 else body
        rows, left, marker_cols = plot_lines(data, low, high, fmt, width, plot_height)
        lines.extend(rows)
        if body >= 2:
            message = visible(self.message, width)
            if state == "stale" and not message:
                message = "stale"
            key = "stale" if state == "stale" else "message"
            lines.append(axis_line(data, left, width, marker_cols, message, key))
        return lines

    def _style(self, key: str) -> Style:
        """The style of a run key, cached until the next style update."""
        style = self._styles.get(key)
        if style is None:
            style = self._base_style()
            if key:
                style += component_fg(self, f"signal-chart--{key}")
            if self.state == "stale" and key not in ("stale", "title"):
                style += Style(dim=True)
            self._styles[key] = style
        return style

    def _base_style(self) -> Style:
        """The widget's own style (colours from CSS and its ancestors' backgrounds), cached with
        the run styles: looking it up walks every ancestor."""
        style = self._styles.get(BASE_STYLE)
        if style is None:
            style = self._styles[BASE_STYLE] = self.rich_style
        return style

    def render_line(self, y: int) -> Strip:
        """Draw line `y` of the chart (laid out once per change of data, state or size)."""
        width, height = self.size
        # By size, not on Resize: the compositor can draw the new size before that event.
        if self._lines is None or self._laid_out_at != (width, height):
            # Styles stay: they follow the CSS and the state (see watch_state), not the data,
            # and looking them up again cost more than the layout on every new history.
            self._lines = self._layout(width, height)
            self._laid_out_at = (width, height)
        base = self._base_style()
        if y >= len(self._lines):
            return Strip.blank(width, base)
        # One segment per run of cells in the same style: a plot row is mostly blank cells.
        runs = ((key, "".join(text for text, _ in group))
                for key, group in groupby(self._lines[y], key=itemgetter(1)))
        segments = [Segment(text, self._style(key)) for key, text in runs if text]
        return Strip(segments).adjust_cell_length(width, base)
