"""The navigator's fleet table: canary figures per split, sorting within namespaces, wide mode."""

from __future__ import annotations

from meshtui.model.signals import GoldenSignals
from meshtui.ui.widgets._split_fleet import SORTS, fleet_columns, next_sort, sort_key
from meshtui.ui.widgets._split_rows import group_order
from meshtui.ui.widgets.split_list import SplitList
from tests.ui.widgets.harness import WidgetApp, many_rows, row
from tests.waiting import settle


def fleet_rows() -> list[SplitList.Row]:
    """Three splits of one namespace with distinct canary figures, one without data."""
    return [
        row("shop", "a-split", canary=GoldenSignals(0.999, 5.0, p99_ms=40.0), verdict="passing",
            stable=GoldenSignals(1.0, 50.0, p99_ms=30.0)),
        row("shop", "b-split", canary=GoldenSignals(0.91, 1.0, p99_ms=900.0), verdict="failing"),
        row("shop", "c-split"),
        row("auth", "z-split", canary=GoldenSignals(0.5, 9.0, p99_ms=10.0), verdict="failing"),
    ]


def line_text(widget: SplitList, y: int) -> str:
    return "".join(segment.text for segment in widget.render_line(y))


def names_in_order(rows: list[SplitList.Row], sort: str) -> list[str]:
    return [rows[i].name for i in group_order(rows, sort_key(sort))]


def test_sorts_worst_first_within_namespaces() -> None:
    """Lowest success, busiest, slowest, failing first; no data last; namespaces stay grouped."""
    rows = fleet_rows()
    assert names_in_order(rows, "") == ["z-split", "a-split", "b-split", "c-split"]
    assert names_in_order(rows, "success") == ["z-split", "b-split", "a-split", "c-split"]
    assert names_in_order(rows, "rps") == ["z-split", "a-split", "b-split", "c-split"]
    assert names_in_order(rows, "p99") == ["z-split", "b-split", "a-split", "c-split"]
    assert names_in_order(rows, "verdict") == ["z-split", "b-split", "c-split", "a-split"]
    assert names_in_order(rows, "name") == ["z-split", "a-split", "b-split", "c-split"]


def test_sort_cycles_through_every_order() -> None:
    """`next_sort` visits each order once and comes back."""
    seen, sort = [], ""
    for _ in SORTS:
        seen.append(sort)
        sort = next_sort(sort)
    assert seen == list(SORTS) and sort == ""


def test_wide_adds_the_stable_columns() -> None:
    """Wide mode appends the stable backend's kept signals."""
    narrow, wide = fleet_columns(False), fleet_columns(True)
    assert [c.key for c in narrow] == ["success", "rps", "p99", "verdict"]
    assert [c.key for c in wide[len(narrow):]] == ["stable-success", "stable-rps", "stable-p99"]
    assert wide[-1].value(fleet_rows()[0]) == 30.0 and wide[-1].value(fleet_rows()[1]) is None


async def test_fleet_columns_drawn_and_sorted() -> None:
    """The fleet shows figures per row and headers per namespace; sorting keeps the cursor."""
    app = WidgetApp(lambda: [SplitList(fleet_rows(), id="list")],
                    lambda app: app.query_one(SplitList).focus())
    async with app.run_test(size=(120, 12)) as pilot:
        split_list = app.query_one(SplitList)
        assert "SUCCESS" not in line_text(split_list, 0)
        split_list.fleet = True
        await pilot.pause()
        assert line_text(split_list, 0).rstrip().endswith("SUCCESS     RPS    P99  VERDICT")
        assert "99.90%" in line_text(split_list, 3) and "passing" in line_text(split_list, 3)
        await pilot.press("down")  # a-split
        await settle(pilot, lambda: split_list.highlighted_ref == fleet_rows()[0].ref,
                     message="cursor on a-split")
        split_list.sort = "success"
        await pilot.pause()
        assert "b-split" in line_text(split_list, 3) and "a-split" in line_text(split_list, 4)
        assert split_list.highlighted_ref == fleet_rows()[0].ref
        split_list.wide = True
        await pilot.pause()
        assert line_text(split_list, 0).rstrip().endswith("S.P99")
        assert line_text(split_list, 4).rstrip().endswith("30ms")


async def test_fleet_updates_only_changed_rows_at_five_thousand() -> None:
    """A changed figure redraws its row in place: no regroup, the other rows' lines stay cached."""
    rows = many_rows(5000)
    app = WidgetApp(lambda: [SplitList(rows, id="list")])
    async with app.run_test(size=(200, 40)) as pilot:
        split_list = app.query_one(SplitList)
        split_list.fleet = True
        await pilot.pause()
        cached = len(split_list._strips)
        assert cached
        changed = list(rows)
        changed[0] = row(rows[0].namespace, rows[0].name, canary=GoldenSignals(0.5, 1.0))
        relayouts = []
        split_list._relayout = lambda: relayouts.append(1)  # type: ignore[method-assign]
        split_list.set_rows(changed)
        assert relayouts == []
        assert len(split_list._strips) >= cached - 2
