"""The split navigator: every traffic split, grouped by namespace, filterable, fast at scale.

Rendering is virtual (`ScrollView` + `render_line`): a filter recomputes a list of line indices
and only the lines on screen are ever drawn, so 5,000 splits stay responsive.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, ClassVar, TypeAlias

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from meshtui.ui.literal import visible
from meshtui.ui.widgets._split_cursor import SplitCursorActions
from meshtui.ui.widgets._split_fleet import (
    fleet_cells,
    fleet_columns,
    fleet_headers,
    fleet_width,
    sort_key,
)
from meshtui.ui.widgets._split_message import SplitMessage
from meshtui.ui.widgets._split_render import render_row
from meshtui.ui.widgets._split_updates import SplitRowUpdates
from meshtui.ui.widgets._split_rows import (
    Columns,
    Header,
    SplitRow,
    empty_message,
    fit_columns,
    group_order,
    haystack,
    nearest_row,
    row_widths,
    visible_lines,
    widest,
)
from meshtui.ui.widgets._styles import component_fg

if TYPE_CHECKING:
    from meshtui.model.split import SplitRef


class SplitList(SplitCursorActions, SplitRowUpdates, ScrollView, can_focus=True):
    """Every split as one row under its namespace, with health, owner and weights at a glance."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False, id="split-list.cursor-up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="split-list.cursor-down"),
        Binding("home", "first", "First split", show=False, id="split-list.first"),
        Binding("end", "last", "Last split", show=False, id="split-list.last"),
        Binding("pageup", "page_up", "Page up", show=False, id="split-list.page-up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="split-list.page-down"),
        Binding("enter", "select", "Open split", id="split-list.select"),
    ]
    """
    | Key(s) | Description |
    | :- | :- |
    | up, k | Move the cursor up. |
    | down, j | Move the cursor down. |
    | home / end | First / last split. |
    | pageup / pagedown | Move by a screenful. |
    | enter | Open the highlighted split. |
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        f"split-list--{part}"
        for part in ("header", "count", "cursor", "gutter", "ok", "warn", "bad", "none", "kind",
                     "service", "owner", "note", "attention", "stable", "canary", "empty",
                     "figure", "sorted")
    }
    """
    | Class | Description |
    | :- | :- |
    | `split-list--header` / `--count` | Namespace header line and its row count. |
    | `split-list--cursor` / `--gutter` | The highlighted row and its left marker. |
    | `split-list--ok/warn/bad/none` | Health dot colours. |
    | `split-list--kind/service/owner/note` | Secondary columns. |
    | `split-list--attention` | The `!` mark and note of rows needing attention. |
    | `split-list--stable` / `--canary` | Weight bar colours (first backend, the others). |
    | `split-list--empty` | The empty-state message. |
    | `split-list--figure` / `--sorted` | Fleet table figures / the header of the sorted column. |
    """

    DEFAULT_CSS = """
    SplitList {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: auto;
        height: 1fr;
        & > .split-list--header { color: $foreground; text-style: bold; }
        & > .split-list--count { color: $foreground-muted; }
        & > .split-list--cursor { background: $foreground 10%; }
        & > .split-list--gutter { color: $surface; }
        &:focus > .split-list--cursor { background: $block-cursor-blurred-background; text-style: bold; }
        &:focus > .split-list--gutter { color: $primary; }
        & > .split-list--ok { color: $success; }
        & > .split-list--warn { color: $warning; }
        & > .split-list--bad { color: $error; }
        & > .split-list--none { color: $foreground-muted; }
        & > .split-list--kind { color: $foreground-muted; }
        & > .split-list--service { color: $foreground-muted; }
        & > .split-list--owner { color: $foreground; }
        & > .split-list--note { color: $foreground-muted; }
        & > .split-list--attention { color: $warning; text-style: bold; }
        & > .split-list--stable { color: $primary; }
        & > .split-list--canary { color: $secondary; }
        & > .split-list--empty { color: $foreground-muted; text-style: italic; }
        & > .split-list--figure { color: $foreground; }
        & > .split-list--sorted { color: $accent; text-style: bold underline; }
    }
    """

    Row: TypeAlias = SplitRow
    """One split as the list shows it (see `SplitRow`)."""

    filter: reactive[str] = reactive("", init=False)
    """Case-insensitive substring matched against namespace, name, service and owner."""
    attention_only: reactive[bool] = reactive(False, init=False)
    """Show only rows that need attention."""
    fleet: reactive[bool] = reactive(False, init=False)
    """Show the fleet table: each split's canary figures and verdict after its row."""
    wide: reactive[bool] = reactive(False, init=False)
    """In the fleet table, add the stable backend's figures."""
    sort: reactive[str] = reactive("", init=False)
    """Order within a namespace: one of `_split_fleet.SORTS` ("" keeps the given order)."""

    class SplitHighlighted(SplitMessage):
        """Posted when the cursor moves to another split (or the list first gets one)."""

        def __init__(self, split_list: SplitList, ref: SplitRef, *, relisted: bool = False) -> None:
            """Create the message.

            Args:
                split_list: The list that posts it.
                ref: The split now highlighted.
                relisted: The rows shown changed under the cursor (a filter, new rows), rather
                    than the cursor being moved.
            """
            super().__init__(split_list, ref)
            self.relisted = relisted
            """Whether the rows shown changed under the cursor (rather than the cursor moving)."""

    class SplitSelected(SplitMessage):
        """Posted when a split is opened with enter or a click."""

    def __init__(
        self,
        rows: Sequence[SplitRow] = (),
        *,
        empty_text: str = "No traffic splits found",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        """Create the list.

        Args:
            rows: Initial rows.
            empty_text: Shown when there are no rows at all.
            name: Widget name.
            id: Widget id.
            classes: CSS classes.
            disabled: Whether the widget starts disabled.
        """
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.empty_text = empty_text
        """Shown when there are no rows at all (filters have their own message)."""
        self._rows: list[SplitRow] = []
        self._given: list[SplitRow] = []
        self._haystacks: list[str] = []
        self._row_widths: list[tuple[int, int, int, int, int]] = []
        self._lines: list[int] = []
        self._headers: list[Header] = []
        self._cursor = -1
        self._cursor_ref: SplitRef | None = None
        self.follow: Callable[[SplitList.SplitHighlighted], None] | None = None
        """Called at once with each highlight a cursor move makes, before the list is drawn
        again (the message is posted as well): a pane that follows the cursor then draws in the
        same frame as the cursor, not one frame (1/60 s at least) later."""
        self._widths: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)
        self._styles: dict[str, Style] = {}
        self._strips: LRUCache[tuple, Strip] = LRUCache(1024)
        self._columns: tuple[int, Columns] | None = None
        if rows:
            self.set_rows(rows)

    @property
    def highlighted_ref(self) -> SplitRef | None:
        """The split under the cursor, or None when nothing is shown."""
        return self._cursor_ref

    @property
    def visible_count(self) -> int:
        """How many split rows pass the current filter."""
        return len(self._lines) - len(self._headers)

    @property
    def rows(self) -> tuple[SplitRow, ...]:
        """All rows, grouped by namespace, regardless of the filter."""
        return tuple(self._rows)

    def watch_filter(self) -> None:
        """Re-filter when the filter text changes."""
        self._relayout()

    def watch_attention_only(self) -> None:
        """Re-filter when the attention toggle changes."""
        self._relayout()

    def watch_fleet(self) -> None:
        """Redraw every line with or without the fleet columns."""
        self._restyle()

    def watch_wide(self) -> None:
        """Redraw every line with or without the stable backend's columns."""
        self._restyle()

    def watch_sort(self) -> None:
        """Order the rows again (the cursor stays on its split)."""
        given, self._given = self._given, []
        self.set_rows(given)
        self._restyle()

    def _restyle(self) -> None:
        self._strips.clear()
        self._columns = None
        self.refresh()

    def set_rows(self, rows: Sequence[SplitRow]) -> None:
        """Replace every row, keeping the cursor on the same split when it is still listed.

        When the same splits come back in the same order (a watch event or a metrics answer
        changed a few of them), only the changed rows are re-indexed and redrawn.

        Args:
            rows: The new rows, in any order; they are grouped by namespace here.
        """
        if len(rows) == len(self._given) and all(map(operator.is_, rows, self._given)):
            return
        self._given = list(rows)
        grouped = [rows[i] for i in group_order(rows, sort_key(self.sort))]
        old = self._rows
        if len(grouped) == len(old) and all(a.ref == b.ref for a, b in zip(old, grouped)):
            changed = [i for i, (a, b) in enumerate(zip(old, grouped)) if a is not b and a != b]
            self._rows = grouped
            if changed:
                self._update_rows(old, changed)
            return
        self._rows = grouped
        # Reordered (sorted by a figure that changed) or a few rows added: rows seen before
        # keep what was computed for them. `old` keeps them alive, so their ids are theirs.
        before = {id(row): index for index, row in enumerate(old)}
        haystacks, widths = self._haystacks, self._row_widths
        self._haystacks, self._row_widths = [], []
        for row in grouped:
            index = before.get(id(row))
            self._haystacks.append(haystacks[index] if index is not None else haystack(row))
            self._row_widths.append(widths[index] if index is not None else row_widths(row))
        self._widths = widest(self._row_widths)
        self._strips.clear()
        self._columns = None
        self._relayout()

    def _relayout(self) -> None:
        """Recompute visible lines and put the cursor back on its split (or nearby)."""
        old_line = self._cursor
        self._lines, self._headers = visible_lines(
            self._rows, self._haystacks, self.filter, self.attention_only
        )
        self._cursor = -1
        if self._cursor_ref is not None:
            for line, index in enumerate(self._lines):
                if index >= 0 and self._rows[index].ref == self._cursor_ref:
                    self._cursor = line
                    break
        if self._cursor < 0 and self.visible_count:
            self._cursor = nearest_row(self._lines, max(0, min(old_line, len(self._lines) - 1)))
        self._set_virtual_height(len(self._lines))
        self._moved(scroll=True, relisted=True)
        self.refresh()

    def _moved(self, *, scroll: bool = True, relisted: bool = False) -> None:
        """Publish a changed highlight and keep the cursor on screen."""
        ref = self._rows[self._lines[self._cursor]].ref if self._cursor >= 0 else None
        if ref != self._cursor_ref:
            self._cursor_ref = ref
            if ref is not None:
                message = self.SplitHighlighted(self, ref, relisted=relisted)
                if self.follow is not None and not relisted:
                    self.follow(message)
                self.post_message(message)
        if scroll and self._cursor >= 0 and self.size.height:
            top = self._cursor - 1 if self._cursor and self._lines[self._cursor - 1] < 0 else self._cursor
            if top < self.scroll_y:
                self.scroll_to(y=top, animate=False, immediate=True)
            elif self._cursor >= self.scroll_y + self.size.height:
                self.scroll_to(y=self._cursor - self.size.height + 1, animate=False, immediate=True)

    def action_select(self) -> None:
        """Open the highlighted split."""
        if self._cursor_ref is not None:
            self.post_message(self.SplitSelected(self, self._cursor_ref))

    def on_click(self, event: events.Click) -> None:
        """Highlight and open the clicked split; clicks on headers do nothing."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        line = offset.y + round(self.scroll_y)
        if 0 <= line < len(self._lines) and self._lines[line] >= 0:
            self._cursor = line
            self._moved(scroll=False)
            self.refresh()
            self.post_message(self.SplitSelected(self, self._rows[self._lines[line]].ref))

    def on_focus(self) -> None:
        """Redraw the cursor in its focused colours."""
        self._strips.clear()
        self.refresh()

    def on_blur(self) -> None:
        """Redraw the cursor in its unfocused colours."""
        self._strips.clear()
        self.refresh()

    def on_resize(self) -> None:
        """Keep the virtual width in step with the widget so nothing scrolls sideways."""
        self.virtual_size = Size(self.size.width, len(self._lines))

    def notify_style_update(self) -> None:
        """Drop cached styles and lines when the theme or CSS changes."""
        self._styles.clear()
        self._strips.clear()
        super().notify_style_update()

    def _style(self, name: str) -> Style:
        """A component style (or ``"base"``, the widget's own), cached until the next style update."""
        style = self._styles.get(name)
        if style is None and name == "base":
            style = self._styles["base"] = self.rich_style
        elif style is None:
            full_name = f"split-list--{name}"
            whole_line = name in ("cursor", "header")
            style = self.get_component_rich_style(full_name) if whole_line else component_fg(self, full_name)
            self._styles[name] = style
        return style

    def render_line(self, y: int) -> Strip:
        """Draw one visible line: a namespace header, a split row or the empty message."""
        width = self.size.width
        base = self._style("base")
        line = y + round(self.scroll_y)
        if not self._lines:
            if y != 1:
                return Strip.blank(width, base)
            message = empty_message(bool(self._rows), self.empty_text, self.filter, self.attention_only)
            message = visible(message, width)
            return Strip([Segment(f"  {message}", base + self._style("empty"))]).adjust_cell_length(width, base)
        if line >= len(self._lines):
            return Strip.blank(width, base)
        index = self._lines[line]
        if index < 0:
            header = self._headers[~index]
            key: tuple = ("header", header, width)
        else:
            key = ("row", index, line == self._cursor, width)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._render_header(header, width) if index < 0 else self._render_row(index, width, key[2])
            self._strips[key] = strip
        return strip

    def _render_header(self, header: Header, width: int) -> Strip:
        """Draw a namespace header with its count of visible splits."""
        style = self._style("header")
        segments = [
            Segment(f" ▾ {visible(header.namespace, width)}", style),
            Segment(f"  {header.count}", style + self._style("count")),
        ]
        if not self.fleet:
            return Strip(segments).adjust_cell_length(width, style)
        room = width - fleet_width(self.wide)
        headers = [Segment(text, style + self._style("sorted") if is_sorted else style + self._style("count"))
                   for text, is_sorted in fleet_headers(fleet_columns(self.wide), self.sort)]
        return Strip([*Strip(segments).adjust_cell_length(room, style), *headers]
                     ).adjust_cell_length(width, style)

    def _render_row(self, index: int, width: int, cursor: bool) -> Strip:
        """Draw a split row in the column layout for this width."""
        base = self._style("cursor") if cursor else self._style("base")
        room = width - fleet_width(self.wide) if self.fleet else width
        if self._columns is None or self._columns[0] != room:
            self._columns = (room, fit_columns(*self._widths, room))
        row = self._rows[index]
        segments = render_row(row, self._columns[1], self._style, base, cursor)
        if not self.fleet:
            return Strip(segments).adjust_cell_length(width, base)
        figures = [Segment(text, base + self._style(name) if name else base)
                   for text, name in fleet_cells(row, fleet_columns(self.wide))]
        return Strip([*Strip(segments).adjust_cell_length(room, base), *figures]
                     ).adjust_cell_length(width, base)
