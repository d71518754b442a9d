"""Pictures of findings: the degraded canary explained, the attention list, a partly filled window.

Regenerate deliberately with ``pytest tests/snapshots --snapshot-update`` and review the SVGs.
"""

from __future__ import annotations

from meshtui.ui.config import Settings
from tests.snapshots.test_dashboard_snapshots import ready

SIZE = (140, 40)
VOTING_ROW = 2
"""Cursor moves from the first row (booksapp/authors-split) to emojivoto/voting-split."""


async def select_voting(pilot) -> None:
    await ready(pilot, 4, charts=None)
    await pilot.press(*["j"] * VOTING_ROW)
    await ready(pilot, 4)


def test_degraded_canary_findings(snap_compare, snapshot_app) -> None:
    """voting-split selected: its `!` says why, the checks pane names voting-v2-svc's figures."""
    app, _ = snapshot_app()
    assert snap_compare(app, terminal_size=SIZE, run_before=select_voting)


def test_attention_list(snap_compare, snapshot_app) -> None:
    """The `!` view: the rows needing attention, each with its reason, counted once in the title."""
    app, _ = snapshot_app()

    async def run_before(pilot) -> None:
        await select_voting(pilot)
        await pilot.press("exclamation_mark")
        await ready(pilot, 4)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_partly_filled_window(snap_compare, snapshot_app) -> None:
    """90 s of metrics in a 5m window: "1m30s of 5m" by the figures and in the status bar."""
    app, _ = snapshot_app(settings=Settings(window="5m"))
    assert snap_compare(app, terminal_size=SIZE, run_before=select_voting)
