"""Drawing one `SplitList` row as Rich segments, given the column layout and theme styles."""

from __future__ import annotations

from collections.abc import Callable

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style

from meshtui.ui.literal import literal
from meshtui.ui.widgets._format import format_split
from meshtui.ui.widgets._split_rows import Columns, SplitRow
from meshtui.ui.widgets.weight_bar import bar_runs

HEALTH_GLYPHS = {"ok": "●", "warn": "●", "bad": "●", "none": "○"}
"""The dot drawn per health; colour carries the meaning, the hollow dot means no data."""


def fit(text: str, width: int) -> str:
    """Pad or truncate `text` to exactly `width` cells, marking truncation with an ellipsis.

    `text` is data (a name, a service): its control characters are shown escaped, and wide
    characters count twice, so a name never pushes the weights off the row.
    """
    shown = literal(text, limit=width).plain
    return shown + " " * (width - cell_len(shown))


def fit_note(note: str, width: int) -> str:
    """Fit a note of comma-separated reasons: whole reasons first, the rest marked by an ellipsis.

    "canary success 94%, canary p99 185 ms" in 20 cells reads "canary success 94% …" rather than
    a cut figure.
    """
    if len(note) <= width:
        return note.ljust(width)
    reasons = note.split(", ")
    for count in range(len(reasons) - 1, 0, -1):
        head = ", ".join(reasons[:count])
        if len(head) + 2 <= width:
            return f"{head} …".ljust(width)
        if len(head) == width:
            return head
    return fit(note, width)


def bar_roles(roles: tuple[str, ...], count: int) -> list[str]:
    """The colour role of each of `count` bar segments: the known role, else by position.

    Without roles the first backend is the stable one, as by convention. With roles, a backend
    without one takes the other colour than the known role, so a stable and a canary never share
    a colour.
    """
    if len(roles) != count or not any(role in ("stable", "canary") for role in roles):
        return ["stable" if i == 0 else "canary" for i in range(count)]
    if "canary" in roles:
        return ["canary" if role == "canary" else "stable" for role in roles]
    return ["stable" if role == "stable" else "canary" for role in roles]


def render_row(
    row: SplitRow,
    cols: Columns,
    style: Callable[[str], Style],
    base: Style,
    cursor: bool,
) -> list[Segment]:
    """Lay out a split row: gutter, attention, health, kind, name, service, owner, bar, note.

    Args:
        row: The row.
        cols: Column widths for the current width (see `fit_columns`).
        style: Looks up a component style by its short name (``"ok"``, ``"kind"``...).
        base: The line's base style (the cursor style on the highlighted row).
        cursor: Whether this is the highlighted row.

    Returns:
        Segments; the caller pads or crops them to the line width.
    """
    health = row.health if row.health in HEALTH_GLYPHS else "none"
    cells: list[tuple[str, Style]] = [
        ("▌" if cursor else " ", base + style("gutter")),
        ("!" if row.attention else " ", base + style("attention")),
        (HEALTH_GLYPHS[health] + " ", base + style(health)),
        (row.kind_label[:2].ljust(3), base + style("kind")),
        (fit(row.name, cols.name) + "  ", base),
    ]
    if cols.service:
        cells.append((fit(row.service, cols.service) + "  ", base + style("service")))
    if cols.owner:
        cells.append((fit(row.owner_label, cols.owner) + "  ", base + style("owner")))
    segments = [Segment(text, cell_style) for text, cell_style in cells]
    bar_styles = [base + style(role) for role in bar_roles(row.roles, len(row.percents))]
    bar = bar_runs(row.percents, cols.bar, styles=bar_styles, empty_style=base + style("none"))
    segments.extend(Segment(text, bar_style) for text, bar_style in bar)
    segments.append(Segment(" " + fit(format_split(row.percents), cols.split) + "  ", base))
    if cols.note and row.note:
        note_style = style("attention" if row.attention else "note")
        segments.append(Segment(fit_note(row.note, cols.note), base + note_style))
    return segments
