"""In-place updates of `SplitList`: changed rows redrawn alone, line counts without a screen layout.

A watch event or a metrics answer changes a few of thousands of rows, and a filter keystroke
changes only how many lines there are; neither should cost a layout and repaint of the screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.geometry import Size

from meshtui.ui.widgets._split_rows import haystack, row_widths, widest

if TYPE_CHECKING:
    from meshtui.ui.widgets._split_rows import SplitRow


class SplitRowUpdates:
    """Mixin for `SplitList` (which holds the rows, lines, caches and the filter)."""

    _rows: list[SplitRow]
    _haystacks: list[str]
    _row_widths: list[tuple[int, int, int, int, int]]
    _widths: tuple[int, int, int, int, int]
    _columns: Any
    _strips: Any
    _lines: list[int]
    attention_only: bool
    size: Size
    virtual_size: Size
    scroll_y: float
    is_mounted: bool

    def _update_rows(self, old: list[SplitRow], changed: list[int]) -> None:
        """Redraw rows whose content changed in place; re-filter only if their visibility may have."""
        refilter = False
        for index in changed:
            text = haystack(self._rows[index])
            refilter = refilter or text != self._haystacks[index] or (
                self._rows[index].attention != old[index].attention and self.attention_only)
            self._haystacks[index] = text
        widths = self._widths
        shrank = False
        for index in changed:
            before, after = self._row_widths[index], row_widths(self._rows[index])
            self._row_widths[index] = after
            if any(b == w and a < b for a, b, w in zip(after, before, widths)):
                shrank = True  # the widest row shrank: look at them all
                break
            widths = tuple(map(max, widths, after))  # type: ignore[assignment]
        if shrank:
            for index in changed:
                self._row_widths[index] = row_widths(self._rows[index])
            widths = widest(self._row_widths)
        if widths != self._widths:
            self._widths = widths
            self._columns = None
            self._strips.clear()
        else:
            width = self.size.width
            for index in changed:
                for cursor in (False, True):
                    self._strips.discard(("row", index, cursor, width))
        if refilter:
            self._relayout()  # type: ignore[attr-defined]
            return
        top = round(self.scroll_y)
        visible = set(changed)
        for y, index in enumerate(self._lines[top:top + self.size.height]):
            if index in visible:
                self.refresh_line(top + y)  # type: ignore[attr-defined]

    def _set_virtual_height(self, height: int) -> None:
        """Resize the scrollable area without a layout of the whole screen.

        The list's own size does not depend on its content (it fills its column), so a new line
        count only moves the scrollbar; `_scroll_update` redraws it and clamps the scroll offset,
        and a scrollbar that appears or goes triggers a layout by itself.
        """
        size = Size(self.size.width, height)
        if size == self.virtual_size:
            return
        if not self.is_mounted or not self.size:
            self.virtual_size = size
            return
        self.set_reactive(type(self).virtual_size, size)  # type: ignore[attr-defined]
        self._scroll_update(size)  # type: ignore[attr-defined]
