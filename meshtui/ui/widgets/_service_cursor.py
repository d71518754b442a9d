"""The cursor movements of `ServiceTable`, kept apart so the widget module stays small."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.geometry import Size

    from meshtui.ui.widgets._service_rows import ServiceRow


class ServiceCursorActions:
    """Actions moving the cursor over the shown rows.

    Mixed into `ServiceTable`, which provides the attributes declared below, `_moved`, `refresh`
    and its size.
    """

    _lines: list[int]
    _cursor: int
    _rows: list[ServiceRow]

    size: Size

    def _move_to(self, line: int) -> None:
        """Put the cursor on shown row `line` (clamped)."""
        if not self._lines:
            return
        line = max(0, min(line, len(self._lines) - 1))
        if line != self._cursor:
            self._cursor = line
            self._moved()  # type: ignore[attr-defined]
            self.refresh()  # type: ignore[attr-defined]

    def action_cursor_up(self) -> None:
        """Move to the previous service."""
        self._move_to(self._cursor - 1)

    def action_cursor_down(self) -> None:
        """Move to the next service."""
        self._move_to(self._cursor + 1)

    def action_first(self) -> None:
        """Move to the first service."""
        self._move_to(0)

    def action_last(self) -> None:
        """Move to the last service."""
        self._move_to(len(self._lines) - 1)

    def action_page_up(self) -> None:
        """Move up by a screenful."""
        self._move_to(self._cursor - max(1, self.size.height - 2))

    def action_page_down(self) -> None:
        """Move down by a screenful."""
        self._move_to(self._cursor + max(1, self.size.height - 2))
