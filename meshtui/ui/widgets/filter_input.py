"""The navigator's filter field: an `Input` whose typing repaints instead of reflowing."""

from __future__ import annotations

from collections.abc import Callable

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


class FilterInput(Input):
    """An `Input` for the navigator's filter.

    `Input` sets its virtual size on every keystroke (the text grew or shrank), and a widget's
    virtual size is a layout reactive: each key reflowed the whole screen, a third of what a
    keystroke cost with thousands of rows listed. The field is one fixed-height line that
    scrolls its own text, so a repaint is all a new size needs.
    """

    virtual_size = Reactive(Size(0, 0), layout=False)

    follow: Callable[[str], None] | None = None
    """Called at once with each new value (`Changed` is posted as well): the list it filters is
    then drawn in the same frame as the typed character, not one frame (1/60 s at least) later."""

    def watch_value(self, value: str) -> None:
        """Hand the new value to `follow`."""
        if self.follow is not None:
            self.follow(value)
