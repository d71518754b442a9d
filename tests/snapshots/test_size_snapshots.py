"""The dashboard at 80x24, 120x40 and 200x60 over the default frozen mesh, and the narrow detail.

80x24: the navigator alone, full width; Enter opens the split full width (backend table with
BACKEND, WEIGHT, SUCCESS, RPS and P99 at least, sparklines for the charts). 120x40: side by side,
charts stacked in the narrower detail. 200x60: the fleet table (canary figures and verdicts), and
wide mode with the stable backend's figures. Regenerate deliberately with ``--snapshot-update``.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.snapshots.test_dashboard_snapshots import PODINFO_ROW, ready


def podinfo(*then: str, charts: str | None = "ok") -> Callable:
    async def run_before(pilot) -> None:
        await ready(pilot, 4, charts=None)
        await pilot.press(*["j"] * PODINFO_ROW)
        await ready(pilot, 4, charts=charts)
        if then:
            await pilot.press(*then)
            await pilot.pause()

    return run_before


def test_narrow_list(snap_compare, snapshot_app) -> None:
    """80x24: the navigator takes the whole width; the footer keys are compact."""
    app, _ = snapshot_app()
    assert snap_compare(app, terminal_size=(80, 24), run_before=podinfo())


def test_narrow_detail(snap_compare, snapshot_app) -> None:
    """80x24 after Enter on podinfo: the split full width, its kept columns and sparklines."""
    app, _ = snapshot_app()
    assert snap_compare(app, terminal_size=(80, 24), run_before=podinfo("enter"))


def test_medium_side_by_side(snap_compare, snapshot_app) -> None:
    """120x40: both panes; the detail drops P50, P95 and OBSERVED and stacks its charts."""
    app, _ = snapshot_app()
    assert snap_compare(app, terminal_size=(120, 40), run_before=podinfo())


def test_wide_fleet_table(snap_compare, snapshot_app) -> None:
    """200x60: the fleet table with each split's canary figures and verdict."""
    app, _ = snapshot_app()
    assert snap_compare(app, terminal_size=(200, 60), run_before=podinfo())


def test_wide_mode_sorted(snap_compare, snapshot_app) -> None:
    """200x60, sorted by canary success and in wide mode: the stable figures too."""
    app, _ = snapshot_app()
    assert snap_compare(app, terminal_size=(200, 60), run_before=podinfo("o", "ctrl+w"))
