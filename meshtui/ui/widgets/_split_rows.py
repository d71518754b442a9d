"""Pure helpers for `SplitList`: grouping rows under namespaces and filtering them fast.

Kept free of Textual so the index arithmetic, the part that must stay fast at 5,000 rows,
is easy to reason about and to test on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TypeVar

from meshtui.ui.widgets._format import format_split

if TYPE_CHECKING:
    from meshtui.model.signals import GoldenSignals
    from meshtui.model.split import SplitRef


SPLIT_LABEL_WIDTH = 11
"""Cells of the widest ``90/10`` label: one split of many backends must not narrow every row."""


@dataclass(frozen=True)
class SplitRow:
    """One split as the list shows it; the app derives these from the model."""

    ref: SplitRef
    """Which split this row is."""
    namespace: str
    """Namespace the row is grouped under."""
    kind_label: str
    """``"TS"`` (TrafficSplit) or ``"HR"`` (HTTPRoute)."""
    name: str
    """The split's name."""
    service: str
    """The apex/parent service."""
    owner_label: str
    """``""``, ``"Flagger"`` or ``"Argo"``."""
    percents: tuple[float, ...]
    """Percent per backend, stable first."""
    health: str
    """``"ok"``, ``"warn"``, ``"bad"`` or ``"none"`` (no data)."""
    attention: bool
    """Whether a human should look at it (paused, failing, problems)."""
    note: str = ""
    """Short status, e.g. ``"paused"`` or ``"2 problems"``."""
    roles: tuple[str, ...] = ()
    """``"stable"``, ``"canary"`` or ``""`` per backend, in `percents` order. It colours the bar
    by role (a Rollout may list its canary first); empty means the first backend is stable."""
    canary: GoldenSignals | None = None
    """The canary backend's signals (fleet table), None without a canary or data."""
    stable: GoldenSignals | None = None
    """The stable backend's signals (fleet table, wide mode)."""
    verdict: str = ""
    """The verdict on the canary: ``"failing"``, ``"passing"`` or ``""`` (none yet)."""


class RowLike(Protocol):
    """What the layout needs from a row (`SplitRow` satisfies it; read-only, as rows are frozen)."""

    @property
    def namespace(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def service(self) -> str: ...
    @property
    def owner_label(self) -> str: ...
    @property
    def attention(self) -> bool: ...


RowT = TypeVar("RowT", bound=RowLike)


@dataclass(frozen=True)
class Header:
    """A namespace header line: the namespace and how many of its rows are visible."""

    namespace: str
    count: int


def group_order(rows: Sequence[RowT], within: Callable[[RowT], tuple[object, ...]] | None = None
                ) -> list[int]:
    """Indices of `rows` grouped by namespace (sorted), keeping the caller's order within one.

    Args:
        rows: The rows as given.
        within: Sort key within a namespace; None keeps the caller's order.

    Returns:
        A permutation of ``range(len(rows))``.
    """
    if within is None:
        return sorted(range(len(rows)), key=lambda i: rows[i].namespace)
    return sorted(range(len(rows)), key=lambda i: (rows[i].namespace, *within(rows[i])))


def haystack(row: RowLike) -> str:
    """The lower-cased text a filter matches against: namespace, name, service and owner."""
    return "\x00".join((row.namespace, row.name, row.service, row.owner_label)).lower()


def visible_lines(
    rows: Sequence[RowLike],
    haystacks: Sequence[str],
    needle: str,
    attention_only: bool,
) -> tuple[list[int], list[Header]]:
    """Compute the lines to draw: row indices, and namespace headers as negative numbers.

    Rows must already be grouped by namespace (see `group_order`). A header is encoded as
    ``~h`` (that is ``-h - 1``) where ``h`` indexes the returned header list.

    Args:
        rows: The grouped rows.
        haystacks: `haystack(row)` for each row, precomputed once per `set_rows`.
        needle: The filter text; matched case-insensitively as a substring; blank matches all.
        attention_only: Keep only rows flagged as needing attention.

    Returns:
        The line list and the headers it refers to.
    """
    needle = needle.strip().lower()
    if needle:
        kept = [i for i, text in enumerate(haystacks) if needle in text]
    else:
        kept = list(range(len(rows)))
    if attention_only:
        kept = [i for i in kept if rows[i].attention]
    lines: list[int] = []
    headers: list[Header] = []
    current: str | None = None
    start = 0
    for index in kept:
        namespace = rows[index].namespace
        if namespace != current:
            if current is not None:
                headers[-1] = Header(current, len(lines) - start)
            headers.append(Header(namespace, 0))
            lines.append(~(len(headers) - 1))
            start = len(lines)
            current = namespace
        lines.append(index)
    if current is not None:
        headers[-1] = Header(current, len(lines) - start)
    return lines, headers


def row_widths(row: SplitRow) -> tuple[int, int, int, int, int]:
    """One row's name, service, owner, ``90/10`` label and note widths (long ones capped)."""
    return (min(32, len(row.name)), min(24, len(row.service)), min(12, len(row.owner_label)),
            min(SPLIT_LABEL_WIDTH, len(format_split(row.percents))), min(24, len(row.note)))


def widest(widths: Sequence[tuple[int, int, int, int, int]]) -> tuple[int, int, int, int, int]:
    """The column-wise maximum of `row_widths` tuples (zeros when there are none)."""
    if not widths:
        return (0, 0, 0, 0, 0)
    return tuple(map(max, zip(*widths)))  # type: ignore[return-value]


def content_widths(rows: Sequence[SplitRow]) -> tuple[int, int, int, int, int]:
    """Widest name, service, owner, ``90/10`` label and note over `rows` (long ones capped).

    Args:
        rows: All rows (not just the visible ones, so columns do not jump while filtering).

    Returns:
        The widths, in the argument order of `fit_columns`.
    """
    return widest([row_widths(row) for row in rows])


def nearest_row(lines: Sequence[int], line: int, step: int = 1) -> int:
    """The first row line at or after `line` going in direction `step`, else the other way.

    Args:
        lines: Lines as returned by `visible_lines`.
        line: Where to start.
        step: 1 to search downwards first, -1 upwards.

    Returns:
        A line index holding a row, or -1 when there is none.
    """
    for direction in (step, -step):
        probe = line
        while 0 <= probe < len(lines):
            if lines[probe] >= 0:
                return probe
            probe += direction
    return -1


def empty_message(has_rows: bool, empty_text: str, needle: str, attention_only: bool) -> str:
    """What an empty list says, depending on why it is empty.

    Args:
        has_rows: Whether there are rows at all (hidden by the filters).
        empty_text: The message for no rows at all.
        needle: The filter text.
        attention_only: Whether only rows needing attention are shown.

    Returns:
        The message.
    """
    if not has_rows:
        return empty_text
    if needle.strip():
        suffix = " needing attention" if attention_only else ""
        return f"No splits{suffix} match “{needle.strip()}”"
    return "Nothing needs attention"


@dataclass(frozen=True)
class Columns:
    """Cell widths of the row columns; zero means the column is hidden at this width."""

    name: int
    service: int
    owner: int
    bar: int
    split: int
    note: int


NOTE_MIN = 10
"""Cells a note keeps before it is dropped: it says why a row has its `!`."""


def fit_columns(
    name: int, service: int, owner: int, split: int, note: int, width: int
) -> Columns:
    """Choose column widths for a row of `width` cells, dropping the least useful first.

    The fixed prefix (cursor gutter, attention mark, health dot, kind) takes 7 cells and each
    shown column is followed by a 2-cell gap. Service goes first, then owner. For the note, which
    says why a row needs attention, the bar then shrinks to 4 cells and the note itself to
    `NOTE_MIN`, and the name to 8, before the note is dropped too.

    Args:
        name: Widest name (capped by the caller).
        service: Widest service.
        owner: Widest owner label.
        split: Widest ``90/10`` label.
        note: Widest note.
        width: Cells available.

    Returns:
        The widths to use.
    """
    for keep_note in (True, False):
        cols = {"name": name, "service": service, "owner": owner, "note": note if keep_note else 0}
        bar = 10

        # Called only in this iteration, and meant to see `bar` as it shrinks.
        def needed() -> int:
            shown = sum(w + 2 for w in cols.values() if w)  # noqa: B023 - see above
            return 7 + shown + bar + 1 + split  # noqa: B023 - see above

        for drop in ("service", "owner"):
            if needed() <= width:
                break
            cols[drop] = 0
        if cols["note"] and needed() > width:
            # The ``90/10`` label still gives the weights when the bar is short.
            bar = max(4, bar - (needed() - width))
        if cols["note"] and needed() > width:
            cols["note"] = max(min(note, NOTE_MIN), cols["note"] - (needed() - width))
        if needed() > width:
            cols["name"] = max(8, cols["name"] - (needed() - width))
        if needed() > width:
            bar = max(4, bar - (needed() - width))
        if needed() <= width or not keep_note or not note:
            break
    if needed() < width and cols["note"]:
        cols["note"] += width - needed()
    return Columns(cols["name"], cols["service"], cols["owner"], bar, split, cols["note"])
