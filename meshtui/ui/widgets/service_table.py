"""The services table: every Service in scope with its mesh state, proxies, signals and splits.

Rendering is virtual (`ScrollView` + `render_line`), like the split navigator: a filter or a
sort recomputes a list of row indices and only the lines on screen are drawn. When the same
services come back with a few changed (a watch event, a metrics answer), only those rows are
redrawn, unless the change moves them in the current order.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from meshtui.model.text import visible
from meshtui.ui.widgets._service_cursor import ServiceCursorActions
from meshtui.ui.widgets._service_render import GAP, ServiceTableRender
from meshtui.ui.widgets._service_rows import (
    COLUMNS,
    DESCENDING_FIRST,
    SORTABLE,
    NAME_CELLS,
    ServiceRow,
    haystack,
    order,
    sort_value,
    visible_rows,
)


class ServiceTable(ServiceCursorActions, ServiceTableRender, ScrollView, can_focus=True):
    """Every service as one row: meshed state, proxies ready, golden signals and splits."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False, id="service-table.cursor-up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="service-table.cursor-down"),
        Binding("home", "first", "First service", show=False, id="service-table.first"),
        Binding("end", "last", "Last service", show=False, id="service-table.last"),
        Binding("pageup", "page_up", "Page up", show=False, id="service-table.page-up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="service-table.page-down"),
        Binding("enter", "select", "Open splits", id="service-table.select"),
        Binding("o", "sort_next", "Sort", id="service-table.sort",
                tooltip="Sort by the next column."),
        Binding("O", "sort_reverse", "Reverse", key_display="O", id="service-table.sort-reverse",
                tooltip="Reverse the sort order."),
    ]
    """
    | Key(s) | Description |
    | :- | :- |
    | up, k / down, j | Move the cursor. |
    | home / end | First / last service. |
    | pageup / pagedown | Move by a screenful. |
    | enter | Open the highlighted service's split(s). |
    | o / O | Sort by the next column / reverse the order. |
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        f"service-table--{part}"
        for part in ("header", "sorted", "cursor", "ok", "warn", "bad", "none", "unmeshed",
                     "muted", "attention", "empty")
    }
    """
    | Class | Description |
    | :- | :- |
    | `service-table--header` / `--sorted` | The column titles and the sorted one. |
    | `service-table--cursor` | The highlighted row. |
    | `service-table--ok/warn/bad/none` | Success-rate colours. |
    | `service-table--unmeshed` | The meshed cell of an unmeshed service. |
    | `service-table--muted` | Secondary cells (namespace, splits). |
    | `service-table--attention` | The note of rows needing attention. |
    | `service-table--empty` | The empty-state message. |
    """

    DEFAULT_CSS = """
    ServiceTable {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: auto;
        height: 1fr;
        & > .service-table--header { color: $foreground; text-style: bold; }
        & > .service-table--sorted { color: $primary; text-style: bold underline; }
        & > .service-table--cursor { background: $foreground 10%; }
        &:focus > .service-table--cursor { background: $block-cursor-blurred-background; text-style: bold; }
        & > .service-table--ok { color: $success; }
        & > .service-table--warn { color: $warning; }
        & > .service-table--bad { color: $error; }
        & > .service-table--none { color: $foreground-muted; }
        & > .service-table--unmeshed { color: $warning; }
        & > .service-table--muted { color: $foreground-muted; }
        & > .service-table--attention { color: $warning; text-style: bold; }
        & > .service-table--empty { color: $foreground-muted; text-style: italic; }
    }
    """

    filter: reactive[str] = reactive("", init=False)
    """Case-insensitive substring matched against namespace, name, splits and mirror cluster."""
    attention_only: reactive[bool] = reactive(False, init=False)
    """Show only services that need attention."""

    class ServiceHighlighted(Message):
        """Posted when the cursor moves to another service."""

        def __init__(self, row: ServiceRow) -> None:
            super().__init__()
            self.row = row
            """The highlighted service."""

    class ServiceSelected(Message):
        """Posted when a service is opened with enter or a click."""

        def __init__(self, row: ServiceRow) -> None:
            super().__init__()
            self.row = row
            """The opened service (its `splits` are what to show)."""

    class Sorted(Message):
        """Posted when the order changes (another column or direction)."""

    def __init__(self, rows: Sequence[ServiceRow] = (), *, empty_text: str = "No services found",
                 name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        """Create the table.

        Args:
            rows: Initial rows, in any order.
            empty_text: Shown when there are no rows at all.
            name: Widget name.
            id: Widget id.
            classes: CSS classes.
        """
        super().__init__(name=name, id=id, classes=classes)
        self.empty_text = empty_text
        """Shown when there are no rows at all (filters have their own message)."""
        self.sort_column = "name"
        """The column rows are ordered by (one of `SORTABLE`)."""
        self.descending = False
        """Whether the order is reversed."""
        self._rows: list[ServiceRow] = []
        self._haystacks: list[str] = []
        self._order: list[int] = []
        self._lines: list[int] = []
        self._cursor = -1
        self._cursor_key: object = None
        self._widths: dict[str, int] = {}
        self._styles: dict[str, Style] = {}
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(1024)
        self.redrawn_rows = 0
        """Rows redrawn in place by the last `set_rows` (-1: the whole table was laid out again)."""
        if rows:
            self.set_rows(rows)

    @property
    def rows(self) -> tuple[ServiceRow, ...]:
        """Every row, in the order given, regardless of the filter."""
        return tuple(self._rows)

    @property
    def shown(self) -> list[ServiceRow]:
        """The rows that pass the filter, in display order."""
        return [self._rows[i] for i in self._lines]

    @property
    def highlighted(self) -> ServiceRow | None:
        """The service under the cursor: what an action on "the selected service" (such as
        creating a split for it) acts on. None when nothing is shown."""
        return self._rows[self._lines[self._cursor]] if self._cursor >= 0 else None

    def watch_filter(self) -> None:
        """Re-filter when the filter text changes."""
        self._relayout()

    def watch_attention_only(self) -> None:
        """Re-filter when the attention toggle changes."""
        self._relayout()

    def set_rows(self, rows: Sequence[ServiceRow]) -> None:
        """Replace every row, keeping the cursor on the same service when it is still listed.

        When the same services come back in the same order, only rows whose content changed are
        redrawn, unless a change may move a row in the current order or past the filter.
        """
        old = self._rows
        if len(rows) == len(old) and all(map(operator.is_, rows, old)):
            self.redrawn_rows = 0
            return
        if len(rows) == len(old) and all(a.key == b.key for a, b in zip(old, rows)):
            changed = [i for i, (a, b) in enumerate(zip(old, rows)) if a is not b and a != b]
            self._rows = list(rows)
            if self._in_place(old, changed):
                return
        self._rows = list(rows)
        self._haystacks = [haystack(row) for row in self._rows]
        self._widths = self._measure()
        self._order = order(self._rows, self.sort_column, self.descending)
        self._relayout()

    def _in_place(self, old: list[ServiceRow], changed: list[int]) -> bool:
        """Redraw changed rows alone when neither order, filter nor widths move; else False."""
        column = self.sort_column
        for index in changed:
            before, after = old[index], self._rows[index]
            if (sort_value(before, column) != sort_value(after, column)
                    or haystack(after) != self._haystacks[index]
                    or (self.attention_only and before.attention != after.attention)):
                return False
        self.redrawn_rows = len(changed)
        wanted = set(changed)
        top = round(self.scroll_y)
        for index in changed:
            for cursor in (False, True):
                self._strips.discard(("row", index, cursor, self.size.width))
        for y, index in enumerate(self._lines[top:top + self.size.height]):
            if index in wanted:
                self.refresh_line(y + 1 + top)
        if self._cursor >= 0 and self._lines[self._cursor] in wanted:
            row = self.highlighted
            assert row is not None
            self.post_message(self.ServiceHighlighted(row))
        return True

    def _measure(self) -> dict[str, int]:
        """Column widths: fixed ones, and namespace and name sized to their widest value."""
        widths = {c.id: max(c.width, len(c.title)) for c in COLUMNS}
        widths["namespace"] = max([widths["namespace"]]
                                  + [cell_len(visible(r.namespace, NAME_CELLS)) for r in self._rows])
        widths["name"] = max([widths["name"]] + [cell_len(visible(r.name, NAME_CELLS)) for r in self._rows])
        return widths

    def _relayout(self) -> None:
        """Recompute the shown rows and put the cursor back on its service (or nearby)."""
        self.redrawn_rows = -1
        self._lines = visible_rows(self._order, self._haystacks, self.filter, self.attention_only,
                                   self._rows)
        previous = self._cursor
        self._cursor = -1
        for line, index in enumerate(self._lines):
            if self._rows[index].key == self._cursor_key:
                self._cursor = line
                break
        if self._cursor < 0 and self._lines:
            self._cursor = max(0, min(previous, len(self._lines) - 1))
        self._strips.clear()
        self.virtual_size = Size(self.size.width, len(self._lines) + 1)
        self._moved()
        self.refresh()

    def _moved(self) -> None:
        """Publish a changed highlight and keep the cursor on screen."""
        row = self.highlighted
        key = row.key if row is not None else None
        if key != self._cursor_key:
            self._cursor_key = key
            if row is not None:
                self.post_message(self.ServiceHighlighted(row))
        rows_shown = max(1, self.size.height - 1)
        if self._cursor >= 0 and self.size.height:
            if self._cursor < self.scroll_y:
                self.scroll_to(y=self._cursor, animate=False, immediate=True)
            elif self._cursor >= self.scroll_y + rows_shown:
                self.scroll_to(y=self._cursor - rows_shown + 1, animate=False, immediate=True)

    def action_select(self) -> None:
        """Open the highlighted service's split(s)."""
        row = self.highlighted
        if row is not None:
            self.post_message(self.ServiceSelected(row))

    def sort_by(self, column: str, descending: bool | None = None) -> None:
        """Order rows by `column` (one of `SORTABLE`); `descending` defaults to the column's
        natural first order (largest first for rates, latencies, unready proxies)."""
        if column not in SORTABLE:
            raise ValueError(f"unknown sort column {column!r}")
        self.sort_column = column
        self.descending = column in DESCENDING_FIRST if descending is None else descending
        self._order = order(self._rows, column, self.descending)
        self._relayout()
        self.post_message(self.Sorted())

    def action_sort_next(self) -> None:
        """Sort by the next column."""
        self.sort_by(SORTABLE[(SORTABLE.index(self.sort_column) + 1) % len(SORTABLE)])

    def action_sort_reverse(self) -> None:
        """Reverse the current order."""
        self.sort_by(self.sort_column, not self.descending)

    def on_click(self, event: events.Click) -> None:
        """Highlight and open the clicked service; a click on a title sorts by that column."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            column = self._column_at(offset.x)
            if column in SORTABLE:
                self.sort_by(column, not self.descending if column == self.sort_column else None)
            return
        line = offset.y - 1 + round(self.scroll_y)
        if 0 <= line < len(self._lines):
            self._move_to(line)
            self.action_select()

    def _column_at(self, x: int) -> str | None:
        """The id of the column drawn at cell `x`, or None."""
        start = 1
        for column in self._columns_for(self.size.width):
            width = self._widths.get(column.id, 0)
            if start <= x < start + width:
                return column.id
            start += width + GAP
        return None

    def on_resize(self) -> None:
        """Keep the virtual width in step with the widget so nothing scrolls sideways."""
        self.virtual_size = Size(self.size.width, len(self._lines) + 1)
        self._strips.clear()

    def on_focus(self) -> None:
        """Redraw the cursor in its focused colours."""
        self._strips.clear()
        self.refresh()

    def on_blur(self) -> None:
        """Redraw the cursor in its unfocused colours."""
        self._strips.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        """Drop cached styles and lines when the theme or CSS changes."""
        self._styles.clear()
        self._strips.clear()
        super().notify_style_update()
