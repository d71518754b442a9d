"""Navigator rows with hostile names keep their columns: escaped, cut by cells, never wider."""

from __future__ import annotations

from hypothesis import given
from rich.cells import cell_len
from rich.style import Style

from meshtui.ui.widgets._split_render import render_row
from meshtui.ui.widgets._split_rows import fit_columns
from tests.model.hypothesis_settings import QUICK
from tests.ui.hostile import CONTROL, HOSTILE
from tests.ui.widgets.harness import row

COLUMNS = fit_columns(20, 12, 6, 5, 10, 90)


PREFIX_SEGMENTS = 7
"""Gutter, attention, health, kind, name, service and owner: what `render_row` draws before the bar."""


def bar_start(segments: list) -> int:
    """The cell where the weight bar starts."""
    assert COLUMNS.service and COLUMNS.owner
    return sum(cell_len(segment.text) for segment in segments[:PREFIX_SEGMENTS])


@QUICK
@given(name=HOSTILE, service=HOSTILE, note=HOSTILE)
def test_hostile_names_keep_the_weights_in_place(name: str, service: str, note: str) -> None:
    """Whatever the name, service and note, the bar starts where a plain row's does, and no
    control byte is drawn."""
    plain = render_row(row("shop", "web"), COLUMNS, lambda _: Style(), Style(), False)
    hostile = render_row(row("shop", name, service=service, note=note, attention=True), COLUMNS,
                         lambda _: Style(), Style(), False)
    assert bar_start(hostile) == bar_start(plain)
    assert not any(CONTROL.search(segment.text) for segment in hostile)
    assert sum(cell_len(segment.text) for segment in hostile) <= 90 + 1
