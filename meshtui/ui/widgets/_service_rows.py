"""Pure helpers for `ServiceTable`: the row, its cells, sorting and filtering.

Kept free of Textual so the parts that must stay fast at 5,000 rows (ordering, filtering,
cell text) are easy to test on their own.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from meshtui.model.text import visible
from meshtui.model.figures import NO_DATA, format_ms, format_ratio, format_rps
from meshtui.model.meshed import meshed_label

if TYPE_CHECKING:
    from meshtui.model.signals import BackendKey
    from meshtui.model.split import SplitRef

NAME_CELLS = 40
"""Widest namespace or name cell: one long name must not push the figures off screen."""


@dataclass(frozen=True)
class ServiceRow:
    """One service as the table shows it; the screen derives these from the model."""

    key: BackendKey
    """Which service this row is."""
    namespace: str
    name: str
    meshed: bool
    injected_by: str
    """"pod", "namespace", "proxy", "mirror" or "" (see `meshtui.model.meshed.INJECTED_BY`)."""
    proxies_ready: int
    pods: int
    success_rate: float | None = None
    rps: float | None = None
    p99_ms: float | None = None
    splits: tuple[SplitRef, ...] = ()
    """The splits the service takes part in (Enter opens them)."""
    split_labels: tuple[str, ...] = ()
    """``kind/name`` of each split, for the cell and the filter."""
    mirror: str = ""
    """The remote cluster of a multicluster mirror, else ""."""
    health: str = "none"
    """"ok", "warn", "bad" or "none"."""
    attention: bool = False
    note: str = ""


@dataclass(frozen=True)
class Column:
    """One column of the table."""

    id: str
    title: str
    width: int
    """Fixed width in cells (0 for the namespace and name, sized to the data)."""
    right: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("namespace", "NAMESPACE", 0),
    Column("name", "NAME", 0),
    Column("meshed", "MESHED", 9),
    Column("proxies", "PROXIES", 9, right=True),
    Column("success", "SUCCESS", 8, right=True),
    Column("rps", "RPS", 6, right=True),
    Column("p99", "P99", 7, right=True),
    Column("splits", "SPLITS", 28),
    Column("note", "", 0),
)
"""The columns left to right; the last one (the attention note) takes what is left."""

SORTABLE: tuple[str, ...] = ("name", "namespace", "meshed", "proxies", "success", "rps", "p99", "splits")
"""Column ids the sort key cycles through, in that order."""


def cells(row: ServiceRow) -> dict[str, str]:
    """Every cell's text (cluster strings made visible and bounded)."""
    splits = ", ".join(visible(label, 60) for label in row.split_labels[:3])
    if len(row.split_labels) > 3:
        splits += f" +{len(row.split_labels) - 3}"
    note = row.note
    if row.mirror:
        note = f"mirror of {visible(row.mirror, 40)}" + (f", {note}" if note else "")
    return {
        "namespace": visible(row.namespace, NAME_CELLS), "name": visible(row.name, NAME_CELLS),
        "meshed": meshed_label(row.meshed, "mirror" if row.mirror else row.injected_by),
        "proxies": f"{row.proxies_ready}/{row.pods}" if row.pods else NO_DATA,
        "success": format_ratio(row.success_rate), "rps": format_rps(row.rps),
        "p99": format_ms(row.p99_ms), "splits": splits or NO_DATA, "note": note,
    }


def haystack(row: ServiceRow) -> str:
    """What the filter matches: namespace, name, splits and mirror cluster, lowercased."""
    return " ".join((row.namespace, row.name, *row.split_labels, row.mirror)).lower()


def _figure(value: float | None) -> float:
    """A figure for sorting: no data sorts after every number whichever the direction."""
    return value if value is not None and math.isfinite(value) else -math.inf


_SORT_KEYS: dict[str, Callable[[ServiceRow], Any]] = {
    "name": lambda r: (r.namespace, r.name),
    "namespace": lambda r: (r.namespace, r.name),
    "meshed": lambda r: (r.meshed, r.injected_by),
    "proxies": lambda r: (r.pods - r.proxies_ready, r.pods),
    "success": lambda r: _figure(r.success_rate),
    "rps": lambda r: _figure(r.rps),
    "p99": lambda r: _figure(r.p99_ms),
    "splits": lambda r: len(r.splits),
}

DESCENDING_FIRST = frozenset({"proxies", "rps", "p99", "splits"})
"""Columns whose first sort puts the largest first (the busiest, slowest, least ready)."""


def sort_value(row: ServiceRow, column: str) -> Any:
    """The value `row` is ordered by for `column`."""
    return _SORT_KEYS[column](row)


def order(rows: Sequence[ServiceRow], column: str, descending: bool) -> list[int]:
    """Row indices sorted by `column` (ties by namespace and name, always ascending)."""
    key = _SORT_KEYS[column]
    by_name = sorted(range(len(rows)), key=lambda i: (rows[i].namespace, rows[i].name))
    if column in ("name", "namespace"):
        return by_name[::-1] if descending else by_name
    if column == "success":
        # Lowest success first is the useful ascending order; no data stays last.
        present = [i for i in by_name if rows[i].success_rate is not None]
        absent = [i for i in by_name if rows[i].success_rate is None]
        return sorted(present, key=lambda i: key(rows[i]), reverse=descending) + absent
    if column in ("rps", "p99"):
        present = [i for i in by_name if key(rows[i]) != -math.inf]
        absent = [i for i in by_name if key(rows[i]) == -math.inf]
        return sorted(present, key=lambda i: key(rows[i]), reverse=descending) + absent
    return sorted(by_name, key=lambda i: key(rows[i]), reverse=descending)


def visible_rows(ordered: Sequence[int], haystacks: Sequence[str], text: str,
                 attention_only: bool, rows: Sequence[ServiceRow]) -> list[int]:
    """The ordered indices that pass the filter text and the attention toggle."""
    needle = text.strip().lower()
    return [i for i in ordered if (not needle or needle in haystacks[i])
            and (not attention_only or rows[i].attention)]


def empty_message(has_rows: bool, empty_text: str, text: str, attention_only: bool) -> str:
    """What the table says when it shows no row."""
    if not has_rows:
        return empty_text
    if attention_only and not text:
        return "No service needs attention"
    return f"No service matches {visible(text, 40)!r}" + (" among those needing attention" if attention_only else "")
