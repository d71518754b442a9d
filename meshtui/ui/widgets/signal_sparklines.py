"""The charts in one line each, for a detail pane too narrow to read three charts side by side.

Each charted signal gets a line: its title, then per backend its legend label, a sparkline of its
history in its role's colour and the figure the backend table shows. Below about 90 columns a
chart a third of the pane wide cuts its own title ("succes…") and has no room for a legend; a
line per signal keeps the trend and the figures readable down to 80 columns.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.widget import Widget

from meshtui.model.figures import NO_DATA
from meshtui.ui.literal import literal

BLOCKS = "▁▂▃▄▅▆▇█"
"""Bar heights of a sparkline cell, lowest first."""
TITLE_WIDTH = 13
"""Cells of the signal title column ("success rate" and a space)."""
LABEL_LIMIT = 10
"""Cells a backend's label may take on a line."""
SPARK_MIN = 4
"""Fewest cells a sparkline keeps before it is left out (the figures stay)."""


@dataclass(frozen=True)
class SparkLine:
    """One signal's line: its title and, per backend, its history and current figure."""

    title: str
    """The signal's chart title."""
    axis: Callable[[float], str]
    """Text of a value (the chart's legend format)."""
    series: Mapping[str, Sequence[tuple[float, float | None]]]
    """Backend name → points, in legend order."""
    labels: Mapping[str, str]
    """Backend name → legend label."""
    roles: Mapping[str, str]
    """Backend name → ``"stable"``/``"canary"``/``""``."""
    current: Mapping[str, float | None] | None = None
    """Backend name → the figure shown after its sparkline; None: the last point's."""


def sparkline(values: Sequence[float | None], width: int, low: float, high: float) -> str:
    """`values` resampled to `width` cells of block characters (gaps as spaces).

    Args:
        values: The points, oldest first; None is a gap.
        width: Cells to draw.
        low: The value drawn as the lowest block.
        high: The value drawn as the highest block.

    Returns:
        Exactly `width` characters.
    """
    if width <= 0:
        return ""
    if not values:
        return " " * width
    cells = []
    for cell in range(width):
        # The last point of each bucket: the right edge is always "now".
        index = min(len(values) - 1, ((cell + 1) * len(values)) // width - 1)
        value = values[max(0, index)]
        if value is None:
            cells.append(" ")
            continue
        span = high - low
        level = 0 if span <= 0 else round((value - low) / span * (len(BLOCKS) - 1))
        cells.append(BLOCKS[max(0, min(len(BLOCKS) - 1, level))])
    return "".join(cells)


class SignalSparklines(Widget):
    """One line per charted signal: every backend's trend and current figure."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "signal-sparklines--title",
        "signal-sparklines--stable",
        "signal-sparklines--canary",
        "signal-sparklines--other",
        "signal-sparklines--message",
    }
    """
    | Class | Description |
    | :- | :- |
    | `signal-sparklines--title` | The signal titles. |
    | `signal-sparklines--stable` / `--canary` / `--other` | Sparkline colours by role. |
    | `signal-sparklines--message` | Why there is nothing to draw. |
    """

    DEFAULT_CSS = """
    SignalSparklines {
        height: auto;
        padding: 0 1;
        & > .signal-sparklines--title { text-style: bold; }
        & > .signal-sparklines--stable { color: $primary; }
        & > .signal-sparklines--canary { color: $secondary; }
        & > .signal-sparklines--other { color: $foreground; }
        & > .signal-sparklines--message { color: $foreground-muted; text-style: italic; }
    }
    """

    def __init__(self, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None, disabled: bool = False) -> None:
        """Create empty sparklines.

        Args:
            name: Widget name.
            id: Widget id.
            classes: CSS classes.
            disabled: Whether the widget starts disabled.
        """
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._lines: tuple[SparkLine, ...] = ()
        self._state = "empty"
        self._message = ""

    def show(self, lines: Sequence[SparkLine], state: str, message: str) -> None:
        """Replace what is drawn.

        Args:
            lines: One per charted signal.
            state: The charts' state (``"ok"``, ``"stale"``, ``"unavailable"``, ``"empty"``).
            message: Why the charts are in that state.
        """
        shown = (tuple(lines), state, message)
        if shown == (self._lines, self._state, self._message):
            return
        height = self._height()
        self._lines, self._state, self._message = shown
        # Every metrics and history answer comes here, shown or not: a layout pass costs the
        # whole screen (~18 ms with 1,000 splits listed), so only a new height asks for one.
        self.refresh(layout=self._height() != height)

    def _height(self) -> int:
        """Lines drawn: one per signal, or one for the message."""
        return len(self._lines) if self._state in ("ok", "stale") and self._lines else 1

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        """A line per signal, or one for the message."""
        return self._height()

    def render(self) -> Text:
        """The lines, fitted to the widget's width."""
        width = self.content_region.width or self.size.width
        if self._state not in ("ok", "stale") or not self._lines:
            what = "metrics unavailable" if self._state == "unavailable" else "no data yet"
            text = f"{what}: {self._message}" if self._message else what
            return literal(text, self.get_component_rich_style("signal-sparklines--message"),
                           limit=max(1, width))
        return Text("\n").join(self._line(line, width) for line in self._lines)

    def _line(self, line: SparkLine, width: int) -> Text:
        """One signal: title, then an equal share of the rest per backend."""
        text = Text(line.title[:TITLE_WIDTH - 1].ljust(TITLE_WIDTH),
                    style=self.get_component_rich_style("signal-sparklines--title"), end="")
        names = list(line.series)
        if not names:
            return text
        points = {name: [value for _, value in line.series[name]] for name in names}
        known = [value for values in points.values() for value in values if value is not None]
        low, high = (min(known), max(known)) if known else (0.0, 0.0)
        share = max(0, (width - TITLE_WIDTH) // len(names))
        for name in names:
            values = points[name]
            value = line.current.get(name) if line.current is not None else next(
                (v for v in reversed(values) if v is not None), None)
            figure = NO_DATA if value is None else line.axis(value)
            label = literal(line.labels.get(name, name), limit=LABEL_LIMIT, middle=True).plain
            role = line.roles.get(name, "")
            style = self.get_component_rich_style(
                f"signal-sparklines--{role if role in ('stable', 'canary') else 'other'}")
            spark = share - cell_len(label) - cell_len(figure) - 4
            text.append(label + " ", style)
            if spark >= SPARK_MIN:
                text.append(sparkline(values, spark, low, high), style)
                text.append(" ")
            text.append(figure, "bold")
            text.append(" " * max(2, share - cell_len(label) - cell_len(figure) - 1
                                  - (spark + 1 if spark >= SPARK_MIN else 0)))
        text.truncate(width)
        return text
