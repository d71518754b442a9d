"""A compact, coloured bar showing how traffic is split between backends.

`weight_bar` renders the bar as Rich text for table cells and list rows; `WeightBar` is the
widget form, which can also show a pending (not yet applied) split under the current one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.geometry import Size
from textual.reactive import reactive
from textual.widget import Widget

from meshtui.model.weights import apportion
from meshtui.ui.widgets._format import format_split
from meshtui.ui.widgets._styles import component_fg

EIGHTHS = " ▏▎▍▌▋▊▉█"
"""Left-aligned partial blocks, index = eighths of a cell filled."""

DEFAULT_STYLES: tuple[Style, ...] = (
    Style(color="blue"),
    Style(color="magenta"),
    Style(color="cyan"),
    Style(color="yellow"),
)
"""Fallback segment styles for callers outside a themed widget; widgets pass theme styles."""


def _units(percents: Sequence[float], total: int) -> list[int]:
    """Share `total` eighth-cells between the segments by largest remainder.

    Any backend with a non-zero share gets at least one eighth, so a 1% canary stays visible.
    """
    clean = [max(0.0, float(p)) for p in percents]
    units = apportion(clean, total)
    for i, p in enumerate(clean):
        if p > 0 and units[i] == 0:
            donor = max(range(len(units)), key=units.__getitem__)
            if units[donor] > 1:
                units[donor] -= 1
                units[i] = 1
    return units


def bar_runs(
    percents: Sequence[float],
    width: int,
    *,
    styles: Sequence[Style] | None = None,
    empty_style: Style | None = None,
) -> list[tuple[str, Style]]:
    """The weight bar as runs of text sharing one style (see `weight_bar`)."""
    width = max(0, width)
    palette = tuple(styles) if styles else DEFAULT_STYLES
    units = _units(percents, width * 8)
    if not any(units):
        return [("·" * width, empty_style or Style(dim=True))] if width else []
    owners: list[int] = []
    for index, count in enumerate(units):
        owners.extend([index] * count)
    runs: list[tuple[str, Style]] = []
    for cell in range(width):
        chunk = owners[cell * 8 : cell * 8 + 8]
        left = chunk[0]
        filled = chunk.count(left)
        style = palette[left % len(palette)]
        if filled == 8:
            char = "█"
        else:
            right = max(set(chunk[filled:]), key=chunk.count)
            under = palette[right % len(palette)]
            char, style = EIGHTHS[filled], Style(color=style.color, bgcolor=under.color, dim=style.dim)
        if runs and runs[-1][1] is style:
            runs[-1] = (runs[-1][0] + char, style)
        else:
            runs.append((char, style))
    return runs


def weight_bar(
    percents: Sequence[float],
    width: int,
    *,
    styles: Sequence[Style] | None = None,
    empty_style: Style | None = None,
) -> Text:
    """Render a weight split as a bar of exactly `width` cells with 1/8-cell resolution.

    Where two backends meet inside one cell, a partial block is drawn in the left backend's
    colour over the right backend's colour, so 90/10 and 88/12 look different even when narrow.

    Args:
        percents: Percent per backend, in backend order (stable first by convention).
        width: Cells to fill.
        styles: Style per backend (cycled); colours come from the caller's theme.
        empty_style: Style of the placeholder drawn when no backend has any weight.

    Returns:
        Rich text of cell length `width`.
    """
    text = Text(end="")
    for chunk, style in bar_runs(percents, width, styles=styles, empty_style=empty_style):
        text.append(chunk, style)
    return text


class WeightBar(Widget):
    """The current traffic split as a bar, plus the pending split while a change is unapplied."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "weight-bar--segment-1",
        "weight-bar--segment-2",
        "weight-bar--segment-3",
        "weight-bar--segment-4",
        "weight-bar--label",
        "weight-bar--pending",
        "weight-bar--empty",
    }
    """
    | Class | Description |
    | :- | :- |
    | `weight-bar--segment-N` | Colour of the Nth backend (1 is stable, 2 the canary). |
    | `weight-bar--label` | The `90/10` figures after the bar. |
    | `weight-bar--pending` | The line showing the split about to be applied. |
    | `weight-bar--empty` | The placeholder when there is no weight at all. |
    """

    DEFAULT_CSS = """
    WeightBar {
        height: auto;
        min-height: 1;
        & > .weight-bar--segment-1 { color: $primary; }
        & > .weight-bar--segment-2 { color: $secondary; }
        & > .weight-bar--segment-3 { color: $foreground; }
        & > .weight-bar--segment-4 { color: $success; }
        & > .weight-bar--label { color: $foreground; text-style: bold; }
        & > .weight-bar--pending { color: $warning; text-style: bold; }
        & > .weight-bar--empty { color: $foreground-muted; }
    }
    """

    percents: reactive[tuple[float, ...]] = reactive(tuple, layout=True)
    """The applied split, percent per backend."""
    pending: reactive[tuple[float, ...] | None] = reactive(None, layout=True)
    """A split chosen but not yet applied, or None."""

    def __init__(
        self,
        percents: Sequence[float] = (),
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        """Create the bar.

        Args:
            percents: The initial split.
            name: Widget name.
            id: Widget id.
            classes: CSS classes.
            disabled: Whether the widget starts disabled.
        """
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.set_reactive(WeightBar.percents, tuple(percents))

    def segment_styles(self) -> list[Style]:
        """The theme's style for each backend position, for use with `weight_bar`."""
        return [component_fg(self, f"weight-bar--segment-{i}") for i in range(1, 5)]

    def render(self) -> RenderResult:
        """Draw the bar, its figures and, when set, the pending split below."""
        styles = self.segment_styles()
        empty = component_fg(self, "weight-bar--empty")
        label_style = component_fg(self, "weight-bar--label")
        label = format_split(self.percents)
        pending = self.pending if self.pending is not None and self.pending != self.percents else None
        pending_label = f"→ {format_split(pending)}" if pending is not None else ""
        label_width = max(len(label), len(pending_label)) + 1
        bar_width = max(1, self.size.width - label_width)
        text = weight_bar(self.percents, bar_width, styles=styles, empty_style=empty)
        text.append(" " + label.ljust(label_width - 1), label_style)
        if pending is not None:
            pending_style = component_fg(self, "weight-bar--pending")
            text.append("\n")
            dimmed = [style + Style(dim=True) for style in styles]
            text.append_text(weight_bar(pending, bar_width, styles=dimmed, empty_style=empty))
            text.append(" " + pending_label.ljust(label_width - 1), pending_style)
        return text

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """One line, or two while a pending split is shown."""
        return 2 if self.pending is not None and self.pending != self.percents else 1
