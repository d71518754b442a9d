"""Pictures of traffic control at 140x40: pending sliders and the three kinds of confirmation.

Regenerate deliberately with ``pytest tests/snapshots --snapshot-update`` and review the SVGs.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Input

from meshtui.ui.config import Settings
from meshtui.ui.screens.confirm import ConfirmDialog
from meshtui.ui.dashboard import DashboardScreen
from tests.snapshots.conftest import healthy_document
from tests.snapshots.test_dashboard_snapshots import SIZE, ready
from tests.waiting import settle

BOOKS_ROW = 1
"""Rows: booksapp/authors-split (first, selected at start), booksapp/books, …"""


def press_then(*keys: str, dialog: bool = False, row: int = 0,
               pending: tuple[int, ...] | None = None) -> Callable:
    """Wait for the dashboard, move to `row`, press `keys`, and wait for the dialog if asked,
    else for the pending change (`pending`: the percentages every key press has made)."""

    async def run_before(pilot) -> None:
        await ready(pilot, 4, charts=None)
        if row:
            await pilot.press(*["j"] * row)
        await ready(pilot, 4)
        await pilot.press(*keys)
        app = pilot.app
        if dialog:
            await settle(pilot, lambda: isinstance(app.screen, ConfirmDialog) and app.screen.armed,
                         message="the dialog, armed")
            # A blinking cursor is caught on or off by chance: the picture shows it steadily off.
            for field in app.screen.query(Input):
                field.cursor_blink = False
        else:
            def pending_shown() -> bool:
                change = app.screen.control.pending if isinstance(app.screen, DashboardScreen) else None
                return change is not None and (pending is None or change.pending == pending)

            await settle(pilot, pending_shown, message=f"the pending change {pending}")
        await pilot.pause()

    return run_before


def test_slider_with_pending_changes(snap_compare, snapshot_app) -> None:
    """Two steps on authors-v2: the sliders show live and pending, the header the diff."""
    app, _ = snapshot_app(healthy_document(), writer=True)
    # Both presses must have landed: waiting only for "a pending change" caught the first one.
    assert snap_compare(app, terminal_size=SIZE, run_before=press_then("plus", "plus",
                                                                       pending=(65, 35)))


def test_confirmation_dialog(snap_compare, snapshot_app) -> None:
    """`a` after a pending change: before → after per backend, y/n."""
    app, _ = snapshot_app(healthy_document(), writer=True)
    assert snap_compare(app, terminal_size=SIZE, run_before=press_then("plus", "a", dialog=True))


def test_typed_confirmation_dialog(snap_compare, snapshot_app) -> None:
    """In a production context every change needs the split's name typed."""
    app, _ = snapshot_app(healthy_document(), writer=True,
                          settings=Settings(production_context="sim"))
    assert snap_compare(app, terminal_size=SIZE, run_before=press_then("0", dialog=True))


def test_owner_action_confirmation(snap_compare, snapshot_app) -> None:
    """Promote on the Argo-owned split: the planned writes and the full-promotion choice."""
    app, _ = snapshot_app(healthy_document(), writer=True)
    assert snap_compare(app, terminal_size=SIZE,
                        run_before=press_then("P", dialog=True, row=BOOKS_ROW))
