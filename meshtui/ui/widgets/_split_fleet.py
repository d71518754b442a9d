"""The fleet table of `SplitList`: per split, its canary's kept signals and verdict, sortable.

Like ``linkerd viz stat ts``, but one row per split: the canary's success rate, RPS and p99 (the
`SignalSpec.kept` signals) and the verdict of the findings on it; wide mode adds the stable
backend's figures. Column headers are drawn on each namespace header line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

from meshtui.model.figures import NO_DATA
from meshtui.model.signals import KEPT, GoldenSignals, SignalSpec
from meshtui.ui.widgets._split_rows import SplitRow

GAP = 2
"""Blank cells before each fleet column."""
VERDICT_WIDTH = len("failing")
"""Cells of the verdict column."""
VERDICT_STYLES = {"failing": "bad", "passing": "ok", "": "none"}
"""Component style (short name) of each verdict."""
STABLE_PREFIX = "S."
"""Header prefix of the stable backend's columns in wide mode."""


@dataclass(frozen=True)
class FleetColumn:
    """One fleet column: its header, width and how a row fills it."""

    key: str
    """Sort key and id: ``"success"``, ``"stable-rps"``, ``"verdict"`` …"""
    header: str
    """Header text (right-aligned)."""
    width: int
    """Cells of its content."""
    spec: SignalSpec | None = None
    """The signal shown, None for the verdict."""
    stable: bool = False
    """Whether it shows the stable backend's figure rather than the canary's."""

    def cell(self, row: SplitRow) -> tuple[str, str]:
        """The cell's text (right-aligned to `width`) and its component style's short name."""
        if self.spec is None:
            shown = row.verdict or NO_DATA
            return shown.rjust(self.width), VERDICT_STYLES.get(row.verdict, "none")
        value = self.value(row)
        text = self.spec.format(value)
        return text.rjust(self.width), "none" if value is None else "figure"

    def value(self, row: SplitRow) -> float | None:
        """The figure of `row` in this column (None: no data, or the verdict column)."""
        signals: GoldenSignals | None = row.stable if self.stable else row.canary
        if self.spec is None or signals is None:
            return None
        return getattr(signals, self.spec.field)


@cache
def fleet_columns(wide: bool) -> tuple[FleetColumn, ...]:
    """The canary's kept signals and verdict; with `wide`, the stable backend's signals too."""
    columns = [FleetColumn(spec.column, spec.header, max(spec.width, len(spec.header)), spec)
               for spec in KEPT]
    columns.append(FleetColumn("verdict", "VERDICT", VERDICT_WIDTH))
    if wide:
        for spec in KEPT:
            header = STABLE_PREFIX + spec.header
            columns.append(FleetColumn(f"stable-{spec.column}", header,
                                       max(spec.width, len(header)), spec, stable=True))
    return tuple(columns)


@cache
def fleet_width(wide: bool) -> int:
    """Cells the fleet columns take, gaps included."""
    return sum(GAP + column.width for column in fleet_columns(wide))


SORTS = ("", "success", "rps", "p99", "verdict", "name")
"""The sort orders `cycle` steps through: "" keeps the namespace's own order."""
SORT_LABELS = {"success": "canary success ↑", "rps": "canary RPS ↓", "p99": "canary p99 ↓",
               "verdict": "verdict (failing first)", "name": "name"}
"""How the navigator title names each sort."""
_VERDICT_ORDER = {"failing": 0, "": 1, "passing": 2}


def next_sort(sort: str) -> str:
    """The sort after `sort` in `SORTS` (wrapping round)."""
    return SORTS[(SORTS.index(sort) + 1) % len(SORTS)] if sort in SORTS else SORTS[0]


def _figure(field: str, descending: bool) -> Callable[[SplitRow], tuple[object, ...]]:
    def key(row: SplitRow) -> tuple[object, ...]:
        value = getattr(row.canary, field) if row.canary is not None else None
        if value is None:
            return (1, 0.0)  # no data last, whichever way
        return (0, -value if descending else value)
    return key


def sort_key(sort: str) -> Callable[[SplitRow], tuple[object, ...]] | None:
    """The within-namespace sort key of a sort order (None keeps the given order).

    The worst first: the lowest success rate, the busiest, the slowest, failing verdicts.
    """
    if sort == "success":
        return _figure("success_rate", descending=False)
    if sort == "rps":
        return _figure("rps", descending=True)
    if sort == "p99":
        return _figure("p99_ms", descending=True)
    if sort == "verdict":
        return lambda row: (_VERDICT_ORDER.get(row.verdict, 1),)
    if sort == "name":
        return lambda row: (row.name,)
    return None


def fleet_cells(row: SplitRow, columns: Sequence[FleetColumn]) -> list[tuple[str, str]]:
    """The fleet part of a row: (text, style short name) per gap and cell."""
    cells: list[tuple[str, str]] = []
    for column in columns:
        text, style = column.cell(row)
        cells.append((" " * GAP, ""))
        cells.append((text, style))
    return cells


def fleet_headers(columns: Sequence[FleetColumn], sort: str) -> list[tuple[str, bool]]:
    """The header cells: (text, whether it is the sorted column) per gap and header."""
    cells: list[tuple[str, bool]] = []
    for column in columns:
        cells.append((" " * GAP, False))
        cells.append((column.header.rjust(column.width), column.key == sort))
    return cells
