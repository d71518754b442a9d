"""One backend's weight as a slider: the live share, the pending share, and a track to drag.

The slider never writes anything: it only reports what the user asked for (`Changed` for a click
or drag on the track, `Nudged` for the arrow keys, `Selected` when it gains focus). The screen
turns those into a pending weight set.
"""

from __future__ import annotations

from itertools import groupby
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import RenderResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from meshtui.ui.literal import literal
from meshtui.ui.widgets._styles import component_fg

LABEL_WIDTH = 22
"""Cells for the backend name (longer names are cut)."""
VALUE_WIDTH = 16
"""Cells for ``" 10% → 15%  "`` on the right of the track."""
MIN_TRACK = 10
"""The narrowest track drawn."""


def track_percent(x: int, width: int) -> int:
    """The percentage at cell `x` of a track `width` cells wide (0 at the left end, 100 at the right)."""
    if width <= 1:
        return 0
    return max(0, min(100, round(x * 100 / (width - 1))))


def track_cell(percent: int, width: int) -> int:
    """The cell of a track `width` cells wide that shows `percent`."""
    return max(0, min(width - 1, round(percent * (width - 1) / 100))) if width > 0 else 0


class WeightSlider(Widget, can_focus=True):
    """A backend's live and pending share on a track; click or drag to set, arrows to nudge."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right,l", "nudge(1)", "More", show=False, id="weight-slider.more",
                tooltip="Give this backend one step more (pending)."),
        Binding("left,h", "nudge(-1)", "Less", show=False, id="weight-slider.less",
                tooltip="Give this backend one step less (pending)."),
    ]
    """
    | Key(s) | Description |
    | :- | :- |
    | right, l | One step more for this backend (pending). |
    | left, h | One step less for this backend (pending). |
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "weight-slider--label",
        "weight-slider--fill",
        "weight-slider--pending",
        "weight-slider--empty",
        "weight-slider--live",
        "weight-slider--value",
    }
    """
    | Class | Description |
    | :- | :- |
    | `weight-slider--label` | The backend name. |
    | `weight-slider--fill` | The track up to the share (no change pending). |
    | `weight-slider--pending` | The track and value of a pending change. |
    | `weight-slider--empty` | The rest of the track. |
    | `weight-slider--live` | The marker of the live share while a change is pending. |
    | `weight-slider--value` | The percentages on the right. |
    """

    DEFAULT_CSS = """
    WeightSlider {
        height: 1;
        width: 1fr;
        & > .weight-slider--label { color: $foreground; }
        & > .weight-slider--fill { color: $primary; }
        & > .weight-slider--pending { color: $warning; text-style: bold; }
        & > .weight-slider--empty { color: $foreground-muted; }
        & > .weight-slider--live { color: $foreground; text-style: bold; }
        & > .weight-slider--value { color: $foreground; }
        &.-selected > .weight-slider--label { color: $accent; text-style: bold; }
        &:focus { background: $boost; }
    }
    """

    live: reactive[int] = reactive(0)
    """The share the cluster has now (percent)."""
    pending: reactive[int] = reactive(0)
    """The share the user asked for (percent); equal to `live` when nothing is pending."""
    selected: reactive[bool] = reactive(False)
    """Whether this is the backend the keys act on."""

    class Changed(Message):
        """The user clicked or dragged the track to a percentage."""

        def __init__(self, slider: WeightSlider, value: int) -> None:
            super().__init__()
            self.slider = slider
            """The slider."""
            self.index = slider.index
            """Index of its backend within the rule."""
            self.value = value
            """The percentage asked for."""

        @property
        def control(self) -> WeightSlider:
            """Alias for `slider`."""
            return self.slider

    class Nudged(Message):
        """The user asked for one step more (+1) or less (-1)."""

        def __init__(self, slider: WeightSlider, direction: int) -> None:
            super().__init__()
            self.slider = slider
            """The slider."""
            self.index = slider.index
            """Index of its backend within the rule."""
            self.direction = direction
            """+1 or -1."""

        @property
        def control(self) -> WeightSlider:
            """Alias for `slider`."""
            return self.slider

    class Selected(Message):
        """The slider got focus or was clicked: its backend is now the one the keys act on."""

        def __init__(self, slider: WeightSlider) -> None:
            super().__init__()
            self.slider = slider
            """The slider."""
            self.index = slider.index
            """Index of its backend within the rule."""

        @property
        def control(self) -> WeightSlider:
            """Alias for `slider`."""
            return self.slider

    def __init__(self, backend: str, index: int, *, live: int = 0, pending: int | None = None,
                 name: str | None = None, id: str | None = None, classes: str | None = None,
                 disabled: bool = False) -> None:
        """Create a slider.

        Args:
            backend: The backend's name (the label).
            index: Its index within the rule (carried by messages).
            live: The live share.
            pending: The pending share (defaults to `live`).
            name: The widget name.
            id: The widget id.
            classes: CSS classes.
            disabled: Whether it is disabled.
        """
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.backend = backend
        """The backend's name."""
        self.index = index
        """Its index within the rule."""
        self._dragging = False
        self.set_reactive(WeightSlider.live, live)
        self.set_reactive(WeightSlider.pending, live if pending is None else pending)

    @property
    def in_use(self) -> bool:
        """Whether the user is on this slider: it has focus or is being dragged."""
        return self.has_focus or self._dragging

    def rename(self, backend: str) -> None:
        """Show another backend's name (the editor reuses its sliders from split to split)."""
        if backend != self.backend:
            self.backend = backend
            self.refresh()

    def watch_selected(self, selected: bool) -> None:
        """Mark the selected backend."""
        self.set_class(selected, "-selected")

    @property
    def track_width(self) -> int:
        """Cells of the track at the current size."""
        return max(MIN_TRACK, self.size.width - LABEL_WIDTH - VALUE_WIDTH - 2)

    def render(self) -> RenderResult:
        """``▸ name  ━━━━━━│───  10% → 15%``."""
        changed = self.pending != self.live
        style = lambda name: component_fg(self, f"weight-slider--{name}")  # noqa: E731 - a one-line local alias
        text = Text(no_wrap=True, end="")
        mark = "▸ " if self.selected else "  "
        label = literal(self.backend, limit=LABEL_WIDTH - 3, middle=True)
        text.append(f"{mark}{label.plain}" + " " * (LABEL_WIDTH - len(mark) - label.cell_len),
                    style("label"))
        width = self.track_width
        filled = track_cell(self.pending, width) + (1 if self.pending > 0 else 0)
        live_cell = track_cell(self.live, width)
        cells = (("┃", "live") if changed and cell == live_cell
                 else ("━", "pending" if changed else "fill") if cell < filled
                 else ("─", "empty") for cell in range(width))
        # One span per run of equal cells: a style lookup per cell cost ~2 ms a slider.
        for (char, part), run in groupby(cells):
            text.append(char * len(list(run)), style(part))
        value = f"{self.live:>3}% → {self.pending:>3}%" if changed else f"{self.live:>3}%"
        text.append("  ")
        text.append(value.ljust(VALUE_WIDTH), style("pending" if changed else "value"))
        return text

    def _percent_at(self, x: int) -> int | None:
        """The percentage under screen column `x` of this widget, or None off the track."""
        cell = x - LABEL_WIDTH
        if cell < 0 or cell >= self.track_width:
            return None
        return track_percent(cell, self.track_width)

    def on_focus(self) -> None:
        """Focus selects the backend."""
        self.post_message(self.Selected(self))

    def on_mouse_down(self, event: events.MouseDown) -> None:
        """A click on the track sets the pending share there and starts a drag."""
        self.post_message(self.Selected(self))
        value = self._percent_at(event.x)
        if value is not None:
            self._dragging = True
            self.capture_mouse()
            self.post_message(self.Changed(self, value))

    def on_mouse_move(self, event: events.MouseMove) -> None:
        """Dragging follows the pointer along the track."""
        if self._dragging:
            cell = max(0, min(self.track_width - 1, event.x - LABEL_WIDTH))
            value = track_percent(cell, self.track_width)
            if value != self.pending:
                self.post_message(self.Changed(self, value))

    def on_mouse_up(self) -> None:
        """End a drag."""
        if self._dragging:
            self._dragging = False
            self.release_mouse()

    def action_nudge(self, direction: int) -> None:
        """Ask for one step more or less."""
        self.post_message(self.Nudged(self, direction))
