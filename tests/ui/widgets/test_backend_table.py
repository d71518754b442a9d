"""BackendTable keeps every unit on screen as values grow, with columns that do not jump."""

from __future__ import annotations

import pytest

from meshtui.model.signals import GoldenSignals
from meshtui.ui.widgets import BackendTable
from meshtui.model.figures import LATENCY_WIDTH, RATIO_WIDTH, format_ms, format_ratio, format_rps
from tests.ui.widgets.harness import WidgetApp
from tests.waiting import settle

NO_SIGNALS = BackendTable.Row("authors", "stable", 75.0, None, None, False)
NO_SIGNALS_CANARY = BackendTable.Row("authors-v2", "canary", 25.0, None, None, False)
BUSY = BackendTable.Row("authors", "stable", 75.0, 74.8, GoldenSignals(1.0, 1234.5, 9.6, 38.0, 1250.0), False)
BUSY_CANARY = BackendTable.Row("authors-v2", "canary", 25.0, 25.2, GoldenSignals(0.9712, 0.4, 63.0, 120.0, 999.0),
                               False)


def screen_lines(table: BackendTable) -> list[str]:
    """The table as drawn, one string per line."""
    return ["".join(segment.text for segment in table.render_line(y)) for y in range(table.size.height)]


async def test_cells_growing_after_the_first_rows_are_not_cut() -> None:
    """Rows shown first without data ("—"), then with data: units stay whole ("38ms", not "38m")."""
    app = WidgetApp(lambda: [BackendTable()],
                    lambda a: a.query_one(BackendTable).set_rows([NO_SIGNALS, NO_SIGNALS_CANARY]))
    async with app.run_test(size=(100, 8)) as pilot:
        table = app.query_one(BackendTable)
        await settle(pilot, until=lambda: table.row_count == 2)
        table.set_rows([BUSY, BUSY_CANARY])
        await settle(pilot, until=lambda: "100.00%" in "\n".join(screen_lines(table)),
                     message="the new success rate on screen")
        stable, canary = screen_lines(table)[1:3]
        for text in ("74.8%", "100.00%", "1.2k", "9.6ms", "38ms", "1.2s"):
            assert f" {text} " in f" {stable} ", (text, stable)
        for text in ("97.12%", "0.4", "63ms", "120ms", "999ms"):
            assert f" {text} " in f" {canary} ", (text, canary)


async def test_numeric_columns_have_fixed_widths_and_right_edges() -> None:
    """The same column is as wide with and without data, and numbers share a right edge."""
    app = WidgetApp(lambda: [BackendTable()], lambda a: a.query_one(BackendTable).set_rows([NO_SIGNALS]))
    async with app.run_test(size=(100, 8)) as pilot:
        table = app.query_one(BackendTable)
        await settle(pilot, until=lambda: table.row_count == 1)
        before = {key: column.get_render_width(table) for key, column in table.columns.items()}
        table.set_rows([BUSY])
        await pilot.pause()
        after = {key: column.get_render_width(table) for key, column in table.columns.items()}
        assert {k: v for k, v in after.items() if k != "backend"} == {
            k: v for k, v in before.items() if k != "backend"}
        assert after["p99"] >= LATENCY_WIDTH and after["success"] >= RATIO_WIDTH
        header, stable = screen_lines(table)[:2]
        assert header.index("P99") + 3 == stable.index("1.2s") + 4


async def test_backend_column_fits_the_split_on_screen_not_the_longest_ever_shown() -> None:
    """Moving from a split with long backend names to one with short names narrows the column."""
    long_names = [BackendTable.Row("podinfo-primary", "stable", 90.0, None, None, False),
                  BackendTable.Row("podinfo-canary", "canary", 10.0, None, None, False)]
    app = WidgetApp(lambda: [BackendTable()], lambda a: a.query_one(BackendTable).set_rows(long_names))
    async with app.run_test(size=(100, 8)) as pilot:
        table = app.query_one(BackendTable)
        await settle(pilot, until=lambda: table.row_count == 2)
        table.set_rows([NO_SIGNALS, NO_SIGNALS_CANARY])
        backend = next(column for key, column in table.columns.items() if key == "backend")
        fits = len("authors-v2") + 2 * table.cell_padding
        # Right at once, not only after the table idles: a screenshot can come in between.
        assert backend.get_render_width(table) == fits
        await pilot.pause()
        assert backend.get_render_width(table) == fits


async def test_new_rows_give_the_table_its_height_at_once() -> None:
    """A split with more backends than the last one: the table is as tall as its rows right away.

    Left to DataTable, the height follows only when the table idles: the detail pane is laid out
    (and drawn) with the weight sliders too high, then they jump, and a click aimed at one lands
    on the line above it.
    """
    app = WidgetApp(lambda: [BackendTable()], lambda a: a.query_one(BackendTable).set_rows([NO_SIGNALS]))
    async with app.run_test(size=(100, 8)) as pilot:
        table = app.query_one(BackendTable)
        await settle(pilot, until=lambda: table.size.height == 2, message="header and one row")
        table.set_rows([NO_SIGNALS, NO_SIGNALS_CANARY])
        assert table.virtual_size.height == 3
        width = table.virtual_size.width
        await settle(pilot, until=lambda: table.size.height == 3, message="header and two rows")
        assert table.virtual_size == (width, 3), "the table's own measure agrees once it idled"


@pytest.mark.parametrize(("value", "expected"), [
    (0.25, "250µs"), (9.6, "9.6ms"), (9.96, "10ms"), (63.2, "63ms"), (999.4, "999ms"), (999.6, "1.0s"),
    (1250.0, "1.2s"), (12_000.0, "12s"),
])
def test_latency_format_is_consistent(value: float, expected: str) -> None:
    """Two significant digits under ten of a unit, whole units above; never wider than the column."""
    assert format_ms(value) == expected
    assert len(expected) <= LATENCY_WIDTH


def test_formats_fit_their_columns() -> None:
    """The widest texts each format makes fit the fixed column widths."""
    assert len(format_ratio(1.0)) <= RATIO_WIDTH
    assert max(len(format_ms(v)) for v in (0.1, 9.94, 99.4, 999.4, 9_940.0, 99_000.0)) <= LATENCY_WIDTH
    assert max(len(format_rps(v)) for v in (0.04, 99.94, 999.4, 9_994.0, 999_000.0)) <= 6
