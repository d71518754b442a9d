"""Drawing of `ServiceTable`'s lines, kept apart so the widget module stays small."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.strip import Strip

from meshtui.ui.literal import fit_cells
from meshtui.ui.widgets._service_rows import COLUMNS, Column, ServiceRow, cells, empty_message
from meshtui.ui.widgets._styles import component_fg

if TYPE_CHECKING:
    from textual.cache import LRUCache

GAP = 2
"""Cells between two columns."""

GIVE_WAY = ("splits", "namespace", "meshed")
"""Columns dropped, in this order, when the table is too narrow for them all."""


class ServiceTableRender:
    """Mixin for `ServiceTable` (which holds the rows, lines, widths, caches and styles)."""

    _rows: list[ServiceRow]
    _lines: list[int]
    _cursor: int
    _widths: dict[str, int]
    _styles: dict[str, Style]
    _strips: LRUCache[tuple[object, ...], Strip]
    sort_column: str
    descending: bool
    filter: str
    attention_only: bool
    empty_text: str

    size: Size
    scroll_y: float

    def _style(self, name: str) -> Style:
        """A component style (or "base", the widget's own), cached until the next style update."""
        style = self._styles.get(name)
        if style is None:
            if name == "base":
                style = self.rich_style  # type: ignore[attr-defined]
            elif name in ("cursor", "header"):
                style = self.get_component_rich_style(f"service-table--{name}")  # type: ignore[attr-defined]
            else:
                style = component_fg(self, f"service-table--{name}")  # type: ignore[arg-type]
            self._styles[name] = style
        return style

    def render_line(self, y: int) -> Strip:
        """Draw the column titles (always on top), a service row or the empty message."""
        width = self.size.width
        base = self._style("base")
        if y == 0:
            key: tuple[object, ...] = ("header", self.sort_column, self.descending, width)
            strip = self._strips.get(key)
            if strip is None:
                strip = self._strips[key] = self._render_header(width)
            return strip
        if not self._lines:
            if y != 2:
                return Strip.blank(width, base)
            text = empty_message(bool(self._rows), self.empty_text, self.filter, self.attention_only)
            return Strip([Segment(f"  {fit_cells(text, max(0, width - 2))}",
                                  base + self._style("empty"))]).adjust_cell_length(width, base)
        line = y - 1 + round(self.scroll_y)
        if line >= len(self._lines):
            return Strip.blank(width, base)
        index = self._lines[line]
        key = ("row", index, line == self._cursor, width)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._strips[key] = self._render_row(self._rows[index], width, line == self._cursor)
        return strip

    def _render_header(self, width: int) -> Strip:
        """The column titles, the sorted one marked with its direction."""
        style = self._style("header")
        segments = [Segment(" ", style)]
        for column in self._columns_for(width):
            title = column.title
            if column.id == self.sort_column:
                title += "▼" if self.descending else "▲"
            cell = self._fit(title, column.id, column.right)
            segments.append(Segment(cell, style + self._style("sorted")
                                    if column.id == self.sort_column else style))
            segments.append(Segment(" " * GAP, style))
        return Strip(segments).crop(0, width).adjust_cell_length(width, style)

    def _columns_for(self, width: int) -> list[Column]:
        """The columns that fit in `width`, in table order: those of `GIVE_WAY` go first (the
        splits, then the namespace, then the mesh state), the name and the figures stay."""
        dropped: set[str] = set()
        shown = [c for c in COLUMNS if c.id != "note"]
        for column_id in ("", *GIVE_WAY):
            dropped.add(column_id)
            shown = [c for c in COLUMNS if c.id != "note" and c.id not in dropped]
            if 1 + sum(self._widths.get(c.id, 0) + GAP for c in shown) <= width:
                break
        return [*shown, *(c for c in COLUMNS if c.id == "note")]

    def _fit(self, text: str, column: str, right: bool) -> str:
        """`text` cut or padded to its column (names cut in the middle; the note as it is)."""
        width = self._widths.get(column, 0)
        if column == "note":
            return text
        text = fit_cells(text, width, middle=column in ("namespace", "name"))
        return text.rjust(width) if right else text.ljust(width)

    def _render_row(self, row: ServiceRow, width: int, cursor: bool) -> Strip:
        """One service's cells, coloured by health, mesh state and attention."""
        base = self._style("cursor") if cursor else self._style("base")
        texts = cells(row)
        health = row.health if row.health in ("ok", "warn", "bad") else "none"
        colour = {"namespace": "muted", "splits": "muted", "success": health,
                  "meshed": "unmeshed" if not row.meshed else "",
                  "note": "attention" if row.attention else "muted"}
        segments = [Segment("!" if row.attention else " ", base + self._style("attention"))]
        for column in self._columns_for(width):
            cell = self._fit(texts[column.id], column.id, column.right)
            name = colour.get(column.id, "")
            segments.append(Segment(cell, base + self._style(name) if name else base))
            segments.append(Segment(" " * GAP, base))
        return Strip(segments).crop(0, width).adjust_cell_length(width, base)
