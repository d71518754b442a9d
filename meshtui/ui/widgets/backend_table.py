"""The backends of one split: configured vs observed share and golden signals, per backend."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, TypeAlias

from rich.console import JustifyMethod
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.widgets import DataTable

from meshtui.model.figures import NO_DATA
from meshtui.model.signals import SIGNALS
from meshtui.ui.literal import literal
from meshtui.ui.widgets._format import format_percent
from meshtui.ui.widgets._styles import component_fg

if TYPE_CHECKING:
    from meshtui.model.signals import GoldenSignals

COLUMNS: tuple[tuple[str, str], ...] = (
    ("backend", "BACKEND"),
    ("role", "ROLE"),
    ("weight", "WEIGHT"),
    ("observed", "OBSERVED"),
    *((spec.column, spec.header) for spec in SIGNALS),
)
"""Column keys and headers, in display order: the split's own columns, then one per signal."""

FIXED_WIDTHS: dict[str, int] = {
    "role": len("canary"),
    "weight": len("WEIGHT"),
    "observed": len("⚠ 100.0%"),
    **{spec.column: spec.width for spec in SIGNALS},
}
"""Content widths of the numeric columns: wide enough for any value their format makes, so
columns neither jump as values change nor cut units off (``"38m"`` for ``"38ms"``)."""
GIVE_WAY: tuple[str, ...] = (*(spec.column for spec in SIGNALS if not spec.kept), "observed", "role")
"""Columns hidden first, in this order, when the table is narrower than its content: the
backend, its weight and the signals that are `SignalSpec.kept` always stay."""
CELL_PADDING = 1
"""Blank cells either side of each column (DataTable's default)."""
NAME_LIMIT = 32
"""Cells of the widest backend name shown whole; a longer one is cut in the middle, so the
weights and signals stay on screen next to it."""


@dataclass(frozen=True)
class BackendRow:
    """One backend as the table shows it."""

    name: str
    """Backend service name."""
    role: str
    """``"stable"``, ``"canary"`` or ``""``."""
    configured: float | None
    """Configured weight in percent, None when the weight is missing or malformed."""
    observed: float | None
    """Observed share of requests in percent, None without traffic data."""
    signals: GoldenSignals | None
    """Golden signals, None when there is no data for this backend."""
    mismatch: bool
    """Whether observed and configured shares disagree enough to flag."""


def shown_columns(name_width: int, width: int) -> tuple[str, ...]:
    """The column keys that fit `width` cells when names are `name_width` cells wide.

    Args:
        name_width: Cells of the widest backend name (or its header).
        width: Cells the table has.

    Returns:
        Column keys in display order; those in `GIVE_WAY` are dropped first to last until the
        rest fit (the kept ones are returned even when they do not).
    """
    widths = {key: FIXED_WIDTHS.get(key, name_width) + 2 * CELL_PADDING for key, _ in COLUMNS}
    shown = [key for key, _ in COLUMNS]
    for key in GIVE_WAY:
        if sum(widths[column] for column in shown) <= width:
            break
        shown.remove(key)
    return tuple(shown)


class BackendTable(DataTable):
    """Per-backend weights and golden signals; updates in place while the backends stay the same."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Previous backend", show=False, id="backend-table.cursor-up"),
        Binding("down,j", "cursor_down", "Next backend", show=False, id="backend-table.cursor-down"),
        Binding("enter", "select_cursor", "Select backend", show=False, id="backend-table.select"),
    ]
    """
    | Key(s) | Description |
    | :- | :- |
    | up, k / down, j | Previous / next backend (other keys as in `DataTable`). |
    | enter | Select the backend under the cursor. |
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = DataTable.COMPONENT_CLASSES | {
        "backend-table--stable",
        "backend-table--canary",
        "backend-table--ok",
        "backend-table--warn",
        "backend-table--bad",
        "backend-table--mismatch",
        "backend-table--none",
    }
    """
    | Class | Description |
    | :- | :- |
    | `backend-table--stable` / `--canary` | Role colours (the same as the weight bars). |
    | `backend-table--ok/warn/bad` | Success rate colours by health. |
    | `backend-table--mismatch` | An observed share that disagrees with the weight. |
    | `backend-table--none` | The dash shown for missing values. |
    """

    DEFAULT_CSS = """
    BackendTable {
        height: auto;
        max-height: 12;
        & > .backend-table--stable { color: $primary; }
        & > .backend-table--canary { color: $secondary; text-style: bold; }
        & > .backend-table--ok { color: $success; }
        & > .backend-table--warn { color: $warning; }
        & > .backend-table--bad { color: $error; text-style: bold; }
        & > .backend-table--mismatch { color: $warning; text-style: bold; }
        & > .backend-table--none { color: $foreground-muted; }
    }
    """

    Row: TypeAlias = BackendRow
    """One backend as the table shows it (see `BackendRow`)."""

    def __init__(
        self,
        *,
        success_warn: float = 0.99,
        success_bad: float = 0.95,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        """Create an empty table.

        Args:
            success_warn: Success rate (0..1) below which the cell is amber.
            success_bad: Success rate (0..1) below which the cell is red.
            name: Widget name.
            id: Widget id.
            classes: CSS classes.
            disabled: Whether the widget starts disabled.
        """
        super().__init__(cursor_type="row", zebra_stripes=False, name=name, id=id, classes=classes,
                         disabled=disabled)
        self.success_warn = success_warn
        """Success rate below which the cell is amber."""
        self.success_bad = success_bad
        """Success rate below which the cell is red."""
        self._row_keys: tuple[str, ...] = ()
        self._cells: dict[str, tuple[Text, ...]] = {}
        self._pending: tuple[BackendRow, ...] | None = None
        self._shown: tuple[str, ...] = tuple(key for key, _ in COLUMNS)
        self._name_width = len("BACKEND")

    @property
    def shown(self) -> tuple[str, ...]:
        """Keys of the columns shown at the table's width."""
        return self._shown

    def on_mount(self) -> None:
        """Create the columns and show rows given before the table was mounted."""
        self._add_columns()
        if self._pending is not None:
            rows, self._pending = self._pending, None
            self.set_rows(rows)

    def on_resize(self) -> None:
        """Drop (or bring back) the columns that give way when narrow."""
        self._fit_columns()

    def _add_columns(self) -> None:
        for key, label in COLUMNS:
            if key in self._shown:
                justify: JustifyMethod = "left" if key in ("backend", "role") else "right"
                self.add_column(Text(label, justify=justify), key=key, width=FIXED_WIDTHS.get(key))

    def _fit_columns(self) -> None:
        """Show the columns that fit the width; rebuild the table when that set changed."""
        if not self.size.width:
            return
        shown = shown_columns(self._name_width, self.size.width)
        if shown == self._shown:
            return
        self._shown = shown
        if not self.columns:
            return
        keys, cells = self._row_keys, self._cells
        self._row_keys, self._cells = (), {}
        self.clear(columns=True)
        self._add_columns()
        self._show_rows(keys, cells)

    def set_rows(self, rows: Sequence[BackendRow]) -> None:
        """Show `rows`: cells are updated in place when the backends are the same as before.

        Args:
            rows: One row per backend, in display order.
        """
        if not self.columns:
            self._pending = tuple(rows)
            return
        keys = _unique_keys(row.name for row in rows)
        cells = {key: self._cells_for(row) for key, row in zip(keys, rows)}
        name_width = max([len("BACKEND"), *(cells[key][0].cell_len for key in keys)])
        if name_width != self._name_width:
            self._name_width = name_width
            self._fit_columns()
        self._show_rows(keys, cells)

    def _show_rows(self, keys: tuple[str, ...], cells: dict[str, tuple[Text, ...]]) -> None:
        """Update the cells that changed, or fill the table again when the backends did."""
        if keys == self._row_keys:
            for key in keys:
                for (column_key, _), old, new in zip(COLUMNS, self._cells[key], cells[key]):
                    if old != new and column_key in self._shown:
                        # The backend column fits its longest name; the others are fixed.
                        self.update_cell(key, column_key, new, update_width=True)
        else:
            cursor_key = self._row_keys[self.cursor_row] if 0 <= self.cursor_row < len(self._row_keys) else None
            self.clear()
            shown = [index for index, (column_key, _) in enumerate(COLUMNS) if column_key in self._shown]
            for key in keys:
                self.add_row(*(cells[key][index] for index in shown), key=key)
            # Measured here, not left to DataTable: clear() keeps the widest cell of every split
            # shown before, and new rows are measured only when the table next idles.
            for index, column in zip(shown, self.columns.values()):
                if column.auto_width:
                    column.content_width = max([column.label.cell_len,
                                                *(cells[key][index].cell_len for key in keys)])
            # Sized here as well: until DataTable idles it keeps the old height, so the pane is
            # laid out with the weight sliders below on the wrong lines (clicks miss them).
            header = self.header_height if self.show_header else 0
            self.virtual_size = Size(sum(column.get_render_width(self) for column in self.columns.values()),
                                     header + sum(row.height for row in self.rows.values()))
            if cursor_key in keys:
                self.move_cursor(row=keys.index(cursor_key), animate=False)
        self._row_keys = keys
        self._cells = cells

    def _style(self, name: str) -> Style:
        """A partial component style (just the colour and text style)."""
        return component_fg(self, f"backend-table--{name}")

    def _cells_for(self, row: BackendRow) -> tuple[Text, ...]:
        """The cells of a row (one per column), styled for meaning."""
        none = self._style("none")

        def number(text: str, style: Style | None = None) -> Text:
            return Text(text, style=none if text == NO_DATA else (style or ""), justify="right")

        signals = row.signals
        figures = [(spec, getattr(signals, spec.field) if signals else None) for spec in SIGNALS]
        observed = format_percent(row.observed, decimals=1)
        if row.mismatch and row.observed is not None:
            observed_cell = Text(f"⚠ {observed}", style=self._style("mismatch"), justify="right")
        else:
            observed_cell = number(observed)
        role_style = self._style(row.role) if row.role in ("stable", "canary") else Style()
        return (
            literal(row.name, role_style if row.role == "canary" else "", limit=NAME_LIMIT, middle=True),
            Text(row.role, style=role_style),
            number(format_percent(row.configured)),
            observed_cell,
            # A signal with a warn threshold (the success rate) is coloured by health.
            *(number(spec.format(value), self._health(value) if spec.warn else None)
              for spec, value in figures),
        )

    def _health(self, success: float | None) -> Style | None:
        """The health colour of a success rate (None: no data, no colour)."""
        if success is None:
            return None
        if success < self.success_bad:
            return self._style("bad")
        if success < self.success_warn:
            return self._style("warn")
        return self._style("ok")


def _unique_keys(names: Iterable[str]) -> tuple[str, ...]:
    """Row keys from backend names; a name repeated (in another route rule) gets ``#2``, ``#3``."""
    seen: dict[str, int] = {}
    keys = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        keys.append(name if seen[name] == 1 else f"{name}#{seen[name]}")
    return tuple(keys)
