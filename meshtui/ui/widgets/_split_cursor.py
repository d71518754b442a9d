"""The cursor movements of `SplitList`, kept apart so the widget module stays small."""

from __future__ import annotations

from typing import TYPE_CHECKING

from meshtui.ui.widgets._split_rows import nearest_row

if TYPE_CHECKING:
    from meshtui.model.split import SplitRef


class SplitCursorActions:
    """Actions moving the cursor over visible split rows (headers are skipped).

    Mixed into `SplitList`, which provides the attributes declared below and `visible_count`,
    `_moved`, `refresh` and the scrolling methods.
    """

    _lines: list[int]
    _cursor: int
    _cursor_ref: SplitRef | None

    def _move_to(self, line: int, step: int) -> None:
        """Move the cursor to the row nearest `line` (searching in `step` direction first)."""
        if not self.visible_count:  # type: ignore[attr-defined]
            return
        line = max(0, min(line, len(self._lines) - 1))
        target = nearest_row(self._lines, line, step)
        if target >= 0 and target != self._cursor:
            self._cursor = target
            self._moved()  # type: ignore[attr-defined]
            self.refresh()  # type: ignore[attr-defined]

    def action_cursor_up(self) -> None:
        """Move the cursor to the previous split."""
        self._move_to(self._cursor - 1, -1)

    def action_cursor_down(self) -> None:
        """Move the cursor to the next split."""
        self._move_to(self._cursor + 1, 1)

    def action_first(self) -> None:
        """Move to the first split."""
        self._move_to(0, 1)
        self.scroll_home(animate=False, immediate=True)  # type: ignore[attr-defined]

    def action_last(self) -> None:
        """Move to the last split."""
        self._move_to(len(self._lines) - 1, -1)

    def action_page_up(self) -> None:
        """Move the cursor up by a screenful."""
        self._move_to(self._cursor - max(1, self.size.height - 1), -1)  # type: ignore[attr-defined]

    def action_page_down(self) -> None:
        """Move the cursor down by a screenful."""
        self._move_to(self._cursor + max(1, self.size.height - 1), 1)  # type: ignore[attr-defined]
