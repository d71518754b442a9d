"""The dashboard at every terminal size: panes taking turns when narrow, columns giving way."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from meshtui.model.signals import KEPT
from meshtui.ui.app import MeshtuiApp
from meshtui.ui.dashboard import DashboardScreen
from meshtui.ui.dashboard._layout import FLEET_FROM, NARROW_BELOW, layout_mode
from meshtui.ui.panes.split_detail import SplitDetail
from meshtui.ui.widgets.backend_table import BackendTable, shown_columns
from meshtui.ui.widgets.signal_sparklines import sparkline
from meshtui.ui.widgets.split_list import SplitList
from tests.ui.control_helpers import dialog
from tests.ui.test_dashboard import PODINFO, loaded
from tests.waiting import settle

ALWAYS = ("backend", "weight", *(spec.column for spec in KEPT))


def test_layout_modes_by_width() -> None:
    """Narrow below the threshold, side by side in between, the fleet table from FLEET_FROM."""
    assert layout_mode(80) == layout_mode(NARROW_BELOW - 1) == "narrow"
    assert layout_mode(NARROW_BELOW) == layout_mode(FLEET_FROM - 1) == "split"
    assert layout_mode(FLEET_FROM) == layout_mode(250) == "fleet"


@pytest.mark.parametrize("width", [20, 40, 60, 66, 78, 90, 200])
def test_kept_columns_never_give_way(width: int) -> None:
    """BACKEND, WEIGHT, SUCCESS, RPS and P99 stay at every width; the others go first."""
    shown = shown_columns(15, width)
    assert set(ALWAYS) <= set(shown)


def test_columns_give_way_in_order() -> None:
    """P50 goes first, then P95, OBSERVED, ROLE; every column shows when there is room."""
    everything = shown_columns(15, 200)
    assert everything == ("backend", "role", "weight", "observed", "success", "rps", "p50", "p95",
                          "p99")
    widths = [len(shown_columns(15, width)) for width in range(40, 120)]
    assert widths == sorted(widths)
    assert "p50" not in shown_columns(15, 79) and "p95" in shown_columns(15, 79)
    assert shown_columns(15, 40) == ALWAYS[:1] + ("weight", "success", "rps", "p99")


def test_sparkline_spans_low_to_high() -> None:
    """Lowest value the lowest block, highest the highest, gaps blank, exact width."""
    assert sparkline([0.0, None, 10.0], 3, 0.0, 10.0) == "▁ █"
    assert len(sparkline([1.0] * 100, 7, 0.0, 2.0)) == 7
    assert sparkline([], 4, 0.0, 1.0) == "    "


async def test_narrow_enter_opens_split_full_width_escape_goes_back(
        make_app: Callable[..., MeshtuiApp]) -> None:
    """Below the threshold the list fills the screen; Enter opens the split, Escape comes back."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot, app)
        split_list, detail = screen.query_one(SplitList), screen.query_one(SplitDetail)
        navigator = screen.query_one("#navigator")
        assert split_list.size.width > 70 and not detail.display
        await pilot.press("j", "j", "j")
        await settle(pilot, lambda: screen.selected == PODINFO, message="podinfo selected")
        await pilot.press("enter")
        await settle(pilot, lambda: detail.size.width >= 78 and not navigator.display,
                     message="the detail full width")
        table = screen.query_one(BackendTable)
        assert screen.focused is table
        await settle(pilot, lambda: set(ALWAYS) <= set(table.shown), message="kept columns")
        assert detail.has_class("-sparklines")
        await pilot.press("escape")
        await settle(pilot, lambda: split_list.size.width > 70 and not detail.display,
                     message="back to the list")
        assert screen.focused is split_list and screen.selected == PODINFO


async def test_side_by_side_from_the_threshold(make_app: Callable[..., MeshtuiApp]) -> None:
    """From the threshold both panes show; Enter focuses the backends and Escape keeps both."""
    app = make_app()
    async with app.run_test(size=(NARROW_BELOW, 40)) as pilot:
        screen = await loaded(pilot, app)
        split_list, detail = screen.query_one(SplitList), screen.query_one(SplitDetail)
        await pilot.press("enter")
        await settle(pilot, lambda: screen.focused is screen.query_one(BackendTable),
                     message="backends focused")
        assert split_list.size.width and detail.size.width
        assert not screen.panes.can_go_back


async def test_help_overlays_without_squeezing(make_app: Callable[..., MeshtuiApp]) -> None:
    """`?` draws the keys over the panes: the detail keeps its width."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await loaded(pilot, app)
        await pilot.press("enter")
        detail = screen.query_one(SplitDetail)
        await settle(pilot, lambda: detail.size.width >= 98, message="the detail full width")
        await pilot.press("question_mark")
        await settle(pilot, lambda: screen.query("HelpPanel"), message="the help panel")
        await pilot.pause()
        assert detail.size.width >= 98


async def test_fleet_table_sort_and_wide_keys(make_app: Callable[..., MeshtuiApp]) -> None:
    """From FLEET_FROM the navigator shows the fleet; `o` sorts, ctrl+w adds the stable figures."""
    app = make_app()
    async with app.run_test(size=(200, 60)) as pilot:
        screen = await loaded(pilot, app)
        split_list = screen.query_one(SplitList)
        navigator = screen.query_one("#navigator")
        assert split_list.fleet and not split_list.wide
        narrow_width = navigator.size.width
        await settle(pilot, lambda: any(row.canary is not None for row in split_list.rows),
                     message="canary figures in the rows")
        await pilot.press("o")
        assert split_list.sort == "success"
        title = str(screen.query_one("#navigator-title").render())
        assert "by canary success" in title
        await pilot.press("ctrl+w")
        await settle(pilot, lambda: navigator.size.width > narrow_width, message="wider navigator")
        assert split_list.wide


async def test_no_fleet_below_its_width(make_app: Callable[..., MeshtuiApp]) -> None:
    """Side by side below FLEET_FROM: the rows keep their own columns only."""
    app = make_app()
    async with app.run_test(size=(FLEET_FROM - 1, 40)) as pilot:
        screen = await loaded(pilot, app)
        assert not screen.query_one(SplitList).fleet


SIZES = [(80, 24), (100, 30), (NARROW_BELOW - 1, 30), (NARROW_BELOW, 40), (FLEET_FROM - 1, 45),
         (FLEET_FROM, 50), (200, 60), (250, 70), (60, 16)]
"""From below the smallest supported size to the largest, across both thresholds."""


async def test_every_size_lays_out_and_keeps_the_kept_columns(
        make_app: Callable[..., MeshtuiApp]) -> None:
    """Resizing through every size never fails; the opened split keeps its kept columns."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot, app)
        await pilot.press("j", "j", "j", "enter")
        table = screen.query_one(BackendTable)
        for width, height in SIZES:
            await pilot.resize_terminal(width, height)
            size = (width, height)
            await settle(pilot, lambda size=size: screen.size == size, message=f"{width}x{height}")
            await pilot.pause()
            assert screen.panes.mode == layout_mode(width)
            if table.size.width:
                assert set(ALWAYS) <= set(table.shown), (width, table.shown)
        assert app.is_running


async def test_confirmation_fits_at_80x24(make_control_app: Callable) -> None:
    """The weight confirmation, opened from the narrow split, lies within the screen."""
    app, _ = make_control_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, DashboardScreen)
                     and app.screen.initial_load_done
                     and app.screen.pipeline.all_listed(app.screen.state), message="lists", timeout=20)
        await pilot.press("enter", "plus", "a")
        confirm = await dialog(pilot, app)
        box = confirm.query_one("#confirm-dialog")
        assert box.region.right <= 80 and box.region.bottom <= 24 and box.region.x >= 0
